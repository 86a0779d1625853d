/**
 * .NET end to end: an OCI image with a published ASP.NET Core app (its real-shaped WebApi.deps.json
 * for linux-x64, with project and runtime-pack libraries beside the NuGet packages), and a later
 * layer adding a second app; scanned for real.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers } from './support/dir-image.js';

const TESTDATA = path.resolve(import.meta.dirname, '../src/ecosystems/nuget/testdata');
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

const ids = (cs: Component[]) => cs.map((c) => `${c.name}@${c.version}`).sort();

const WORKER_DEPS = JSON.stringify({
  runtimeTarget: { name: '.NETCoreApp,Version=v6.0', signature: '' },
  compilationOptions: {},
  targets: {
    '.NETCoreApp,Version=v6.0': {
      'Worker/1.0.0': { dependencies: { 'Newtonsoft.Json': '13.0.1' }, runtime: { 'Worker.dll': {} } },
      'Newtonsoft.Json/13.0.1': { runtime: { 'lib/netstandard2.0/Newtonsoft.Json.dll': {} } },
    },
  },
  libraries: {
    'Worker/1.0.0': { type: 'project', serviceable: false, sha512: '' },
    'Newtonsoft.Json/13.0.1': {
      type: 'package',
      serviceable: true,
      sha512: 'sha512-x',
      path: 'newtonsoft.json/13.0.1',
    },
  },
});

it('lists the NuGet packages of each app with layer and path, not projects or runtime packs', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-nuget-'));
  work.push(dir);
  const ref = await imageOfLayers(path.join(dir, 'img'), [
    { from: path.join(TESTDATA, 'app'), to: 'app' },
    { entries: [{ path: 'srv/worker/Worker.deps.json', body: WORKER_DEPS }] },
  ]);
  const result = await scanImage(ref, { dataDir: path.join(dir, 'data') });
  const diff = result.layers.map((l) => l.diffID);
  const nuget = result.components.filter((c) => c.type === 'nuget');
  const web = nuget.filter((c) => c.path === 'app/WebApi.deps.json');
  expect(ids(web)).toEqual([
    'Microsoft.AspNetCore.OpenApi@8.0.0',
    'Microsoft.Extensions.ApiDescription.Server@6.0.5',
    'Microsoft.OpenApi@1.4.3',
    'Newtonsoft.Json@12.0.3',
    'Serilog.AspNetCore@8.0.0',
    'Serilog@3.1.1',
    'Swashbuckle.AspNetCore.Swagger@6.5.0',
    'Swashbuckle.AspNetCore@6.5.0',
    'System.Text.Encodings.Web@4.5.0',
  ]);
  for (const c of web) expect(c.layer).toBe(diff[0]);
  expect(web.find((c) => c.name === 'Newtonsoft.Json')).toEqual({
    name: 'Newtonsoft.Json',
    version: '12.0.3',
    type: 'nuget',
    purl: 'pkg:nuget/Newtonsoft.Json@12.0.3',
    layer: diff[0],
    path: 'app/WebApi.deps.json',
  });
  // the same package in two apps is two components
  expect(nuget.filter((c) => c.path === 'srv/worker/Worker.deps.json')).toEqual([
    {
      name: 'Newtonsoft.Json',
      version: '13.0.1',
      type: 'nuget',
      purl: 'pkg:nuget/Newtonsoft.Json@13.0.1',
      layer: diff[1],
      path: 'srv/worker/Worker.deps.json',
    },
  ]);
  expect(nuget).toHaveLength(10);
  expect(result.problems.filter((p) => p.path.endsWith('.deps.json'))).toEqual([]);
});
