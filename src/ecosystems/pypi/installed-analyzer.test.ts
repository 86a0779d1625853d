import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../test/support/fixtures.js';
import { oracleSuite } from '../../../test/support/oracles.js';
import type { FileFindings } from '../../core/analyzer.js';
import { isInstalledMetadataPath, pypiInstalledAnalyzer } from './installed-analyzer.js';
import { parseCoreMetadata, pypiPurl } from './metadata.js';

async function analyze(
  content: Buffer | string,
  path = 'usr/lib/python3/site-packages/x-1.dist-info/METADATA',
) {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  const info = { path, size: buf.length, mode: 0o644, uid: 0, gid: 0 };
  return ((await pypiInstalledAnalyzer.analyze({ info, content: buf }, { layer: 'sha256:x' })) ??
    {}) as FileFindings;
}

describe('isInstalledMetadataPath', () => {
  it.each([
    ['usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA', true],
    ['app/venv/lib/python3.12/site-packages/Foo_Bar-1.0.dist-info/METADATA', true],
    ['usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO', true],
    ['usr/lib/python3/dist-packages/PyGObject-3.42.2.egg-info', true],
    ['usr/lib/python2.7/site-packages/foo-1.0-py2.7.egg/EGG-INFO/PKG-INFO', true],
    ['x/site-packages/v.DIST-INFO/METADATA', true],
    ['x/site-packages/w.EGG-INFO/PKG-INFO', true],
    ['x/site-packages/x.dist-info/RECORD', false],
    ['src/foo-1.0/PKG-INFO', false],
    ['METADATA', false],
    ['x/META-INF/METADATA', false],
    ['x/egg-info.txt', false],
  ])('%s → %s', (path, want) => {
    expect(isInstalledMetadataPath(path)).toBe(want);
  });
});

describe('parseCoreMetadata', () => {
  it('reads name, version and the license, stopping at the body', () => {
    const text =
      'Metadata-Version: 2.1\r\nName: Foo_Bar\r\nVersion: 1.0.post1\r\nLicense: MIT\r\nClassifier: License :: OSI Approved :: BSD License\r\n\r\nName: body\nVersion: 9\n';
    expect(parseCoreMetadata(text)).toEqual({ name: 'Foo_Bar', version: '1.0.post1', licenses: ['MIT'] });
  });

  it('prefers License-Expression, falls back to classifiers when License is a text or UNKNOWN', () => {
    expect(
      parseCoreMetadata('Name: a\nVersion: 1\nLicense: MIT\nLicense-Expression: Apache-2.0 OR MIT\n')
        .licenses,
    ).toEqual(['Apache-2.0 OR MIT']);
    expect(
      parseCoreMetadata(
        'Name: a\nVersion: 1\nLicense: Copyright (c) 2020\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved\n',
      ).licenses,
    ).toEqual(['MIT License']);
    expect(parseCoreMetadata('Name: a\nVersion: 1\nLicense: UNKNOWN\n').licenses).toEqual([]);
  });

  it('joins continuation lines and ignores a BOM', () => {
    expect(parseCoreMetadata('\ufeffName: a\nSummary: x\n  y\n\tz\nVersion: 2\n')).toEqual({
      name: 'a',
      version: '2',
      licenses: [],
    });
  });
});

describe('pypiInstalledAnalyzer', () => {
  it('emits a pypi component with a normalised purl name', async () => {
    expect(await analyze('Name: Zope_Interface\nVersion: 5.4.0\n')).toEqual({
      components: [
        { name: 'Zope_Interface', version: '5.4.0', type: 'pypi', purl: 'pkg:pypi/zope-interface@5.4.0' },
      ],
    });
    expect(pypiPurl('Foo.Bar_baz', '1.0+local')).toBe('pkg:pypi/foo.bar-baz@1.0+local');
  });

  it('reports missing headers, empty and binary files', async () => {
    expect(await analyze('Name: nover\n')).toEqual({ problems: ['package "nover": no Version header'] });
    expect(await analyze('Version: 1\n')).toEqual({ problems: ['no Name header: not Python core metadata'] });
    expect(await analyze('')).toEqual({ problems: ['empty metadata file'] });
    expect(await analyze(Buffer.from([0x4e, 0, 0x3a]))).toEqual({
      problems: ['binary content (NUL bytes): not Python core metadata'],
    });
  });

  it('never throws on random bytes or huge input', async () => {
    for (let i = 0; i < 50; i++) await analyze(randomBytes(4096));
    const found = await analyze(`Name: a\nVersion: 1\nDescription: ${'x'.repeat(4 << 20)}\n`);
    expect(found.components?.[0]?.version).toBe('1');
    expect((await analyze('x\n'.repeat(1 << 20))).problems).toEqual([
      'no Name header: not Python core metadata',
    ]);
  });
});

/** Every file under `dir`, relative paths. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p).map((r) => join(e, r)) : [e];
  });
}

/** Name and Version as Python's own email parser (what importlib.metadata uses) reads them. */
function pythonHeaders(files: string[]): { name: string | null; version: string | null }[] {
  const script = [
    'import email, json, sys',
    'out = []',
    'for f in json.load(sys.stdin):',
    '    m = email.message_from_string(open(f, encoding="utf-8").read())',
    '    out.append({"name": m.get("Name"), "version": m.get("Version")})',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(
    execFileSync('python3', ['-c', script], { input: JSON.stringify(files), encoding: 'utf8' }),
  );
}

oracleSuite('pkgdb/syft/syft/pkg/cataloger/python/testdata', (dir) => {
  const noPython = requireTools(['python3']);

  it('finds the metadata files syft’s globs find (glob-paths)', () => {
    const found = walk(join(dir, 'glob-paths/site-packages')).filter((p) =>
      isInstalledMetadataPath(`usr/lib/python3/site-packages/${p}`),
    );
    expect(found.sort()).toEqual(
      [
        'v.DIST-INFO/METADATA',
        'w.EGG-INFO/PKG-INFO',
        'x.dist-info/METADATA',
        'y.egg-info/PKG-INFO',
        'z.egg-info',
      ].sort(),
    );
  });

  it('reads name, version and license as syft expects', async () => {
    const cases: [string, { name: string; version: string; licenses?: string[] } | undefined][] = [
      [
        'site-packages/nested/dist-name/dist-info/METADATA',
        { name: 'Pygments', version: '2.6.1', licenses: ['BSD License'] },
      ],
      [
        'site-packages/nested/egg-name/egg-info/PKG-INFO',
        { name: 'requests', version: '2.22.0', licenses: ['Apache 2.0'] },
      ],
      [
        'site-packages/uppercase/dist-name/DIST-INFO/METADATA',
        { name: 'Pygments', version: '2.6.1', licenses: ['BSD License'] },
      ],
      [
        'site-packages/uppercase/egg-name/EGG-INFO/PKG-INFO',
        { name: 'requests', version: '2.22.0', licenses: ['Apache 2.0'] },
      ],
      ['site-packages/test/test.egg-info', { name: 'requests', version: '2.22.0', licenses: ['Apache 2.0'] }],
      [
        'site-packages/partial.dist-info/METADATA',
        { name: 'Pygments', version: '2.6.1', licenses: ['BSD License'] },
      ],
      [
        'site-packages/malformed-record/dist-info/METADATA',
        { name: 'Pygments', version: '2.6.1', licenses: ['BSD License'] },
      ],
      ['Python-2.7.egg-info', { name: 'Python', version: '2.7.13', licenses: ['PSF license'] }],
      [
        'site-packages/license/with-license-file-declared.dist-info/METADATA',
        { name: 'Pygments', version: '2.6.1', licenses: ['BSD License'] },
      ],
      ['site-packages/no-version/no-version-py3.8.egg-info', undefined],
      ['empty-1.0.0-py3.8.egg-info', undefined],
    ];
    for (const [rel, want] of cases) {
      const found = await analyze(readFileSync(join(dir, rel)));
      const got = found.components?.map(({ name, version, licenses }) => ({
        name,
        version,
        ...(licenses ? { licenses } : {}),
      }));
      if (want) expect(got, rel).toEqual([want.licenses ? want : { name: want.name, version: want.version }]);
      else expect(found.components ?? [], rel).toEqual([]);
    }
  });

  it.skipIf(!!noPython)('agrees with Python’s email parser on every metadata file', async () => {
    const files = walk(dir)
      .filter((p) => isInstalledMetadataPath(`x/${p}`))
      .map((p) => join(dir, p));
    expect(files.length).toBeGreaterThanOrEqual(15);
    const want = pythonHeaders(files);
    let compared = 0;
    for (const [i, f] of files.entries()) {
      const found = await analyze(readFileSync(f));
      const w = want[i]!;
      if (w.name && w.version) {
        compared++;
        expect(
          found.components?.map((c) => [c.name, c.version]),
          relative(dir, f),
        ).toEqual([[w.name, w.version]]);
      } else {
        expect(found.components ?? [], relative(dir, f)).toEqual([]);
      }
    }
    expect(compared).toBeGreaterThanOrEqual(9);
  });
});
