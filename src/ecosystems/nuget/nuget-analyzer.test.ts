import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileFindings } from '../../core/analyzer.js';
import { parseDepsJson } from './deps-json.js';
import { nugetDepsAnalyzer } from './nuget-analyzer.js';

const FIXTURE = join(import.meta.dirname, 'testdata/app/WebApi.deps.json');
const info = (path: string) => ({ path, size: 10, mode: 0o644, uid: 0, gid: 0 });

async function analyze(path: string, content: Buffer | string): Promise<FileFindings> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  return (
    (await nugetDepsAnalyzer.analyze(
      { info: { ...info(path), size: buf.length }, content: buf },
      { layer: 'sha256:x' },
    )) ?? {}
  );
}

describe('nugetDepsAnalyzer.wants', () => {
  it.each([
    ['app/WebApi.deps.json', true],
    ['usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json', true],
    ['app/WebApi.runtimeconfig.json', false],
    ['app/deps.json.bak', false],
  ])('%s -> %s', (path, want) => {
    expect(nugetDepsAnalyzer.wants(info(path))).toBe(want);
  });
});

describe('parseDepsJson', () => {
  it('reads the package libraries of an ASP.NET Core app, not its projects or runtime packs', () => {
    const { components, problems } = parseDepsJson(readFileSync(FIXTURE, 'utf8'));
    expect(problems).toEqual([]);
    expect(components.map((c) => `${c.name}@${c.version}`)).toEqual([
      'Microsoft.AspNetCore.OpenApi@8.0.0',
      'Microsoft.Extensions.ApiDescription.Server@6.0.5',
      'Microsoft.OpenApi@1.4.3',
      'Newtonsoft.Json@12.0.3',
      'Serilog@3.1.1',
      'Serilog.AspNetCore@8.0.0',
      'Swashbuckle.AspNetCore@6.5.0',
      'Swashbuckle.AspNetCore.Swagger@6.5.0',
      'System.Text.Encodings.Web@4.5.0',
    ]);
    expect(components[3]).toEqual({
      name: 'Newtonsoft.Json',
      version: '12.0.3',
      type: 'nuget',
      purl: 'pkg:nuget/Newtonsoft.Json@12.0.3',
    });
  });

  it('keeps only the packages of the runtime target when the file names one', () => {
    const doc = {
      runtimeTarget: { name: '.NETCoreApp,Version=v6.0' },
      targets: { '.NETCoreApp,Version=v6.0': { 'App/1.0.0': {}, 'Dapper/2.0.123': {} } },
      libraries: {
        'App/1.0.0': { type: 'project' },
        'Dapper/2.0.123': { type: 'package' },
        'Microsoft.NETCore.Platforms/1.1.0': { type: 'package' },
        'System.Web/4.0.0.0': { type: 'reference' },
      },
    };
    expect(parseDepsJson(JSON.stringify(doc)).components.map((c) => c.name)).toEqual(['Dapper']);
    doc.runtimeTarget.name = 'missing';
    const r = parseDepsJson(JSON.stringify(doc));
    expect(r.components.map((c) => c.name)).toEqual(['Dapper', 'Microsoft.NETCore.Platforms']);
    expect(r.problems).toHaveLength(1);
  });

  it('reports what it cannot read and never throws', async () => {
    expect(
      parseDepsJson('{"libraries": {"NoVersion": {"type": "package"}, "A/1.0": {"type": "package"}}}'),
    ).toEqual({
      components: [{ name: 'A', version: '1.0', type: 'nuget', purl: 'pkg:nuget/A@1.0' }],
      problems: ['library "NoVersion": not Name/Version'],
    });
    expect((await analyze('x.deps.json', Buffer.from([0xff, 0, 1]))).problems?.[0]).toMatch(/^invalid JSON/);
    expect((await analyze('x.deps.json', '[]')).problems).toEqual([
      'no "libraries" object: not a .deps.json',
    ]);
    expect((await analyze('x.deps.json', 'null')).problems).toHaveLength(1);
  });
});
