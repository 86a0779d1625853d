import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../test/support/fixtures.js';
import { oracleSuite } from '../../../test/support/oracles.js';
import type { FileFindings } from '../../core/analyzer.js';
import {
  lockfileKind,
  MAX_PROBLEMS,
  parsePipfileLock,
  parsePoetryLock,
  parseRequirements,
  parseSetupPy,
  parseUvLock,
  pypiLockfileAnalyzer,
} from './lockfiles.js';

async function analyze(path: string, content: Buffer | string): Promise<FileFindings> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  const info = { path, size: buf.length, mode: 0o644, uid: 0, gid: 0 };
  expect(pypiLockfileAnalyzer.wants(info)).toBe(true);
  return (await pypiLockfileAnalyzer.analyze({ info, content: buf }, { layer: 'sha256:x' })) ?? {};
}

const nv = (r: { components: { name: string; version: string; dev?: true }[] }) =>
  r.components.map((c) => `${c.name}@${c.version}${c.dev ? ' dev' : ''}`);

describe('lockfileKind', () => {
  it.each([
    ['app/poetry.lock', 'poetry'],
    ['app/Pipfile.lock', 'pipfile'],
    ['uv.lock', 'uv'],
    ['srv/pdm.lock', 'pdm'],
    ['app/requirements.txt', 'requirements'],
    ['app/requirements-dev.txt', 'requirements'],
    ['app/dev-requirements.txt', 'requirements'],
    ['app/requirements/base.txt', 'requirements'],
    ['app/notes.txt', undefined],
    ['app/package.lock', undefined],
    ['app/pipfile.lock', undefined],
    ['app/requirements.in', undefined],
    ['app/setup.py', 'setup'],
    ['setup.py', 'setup'],
    ['app/mysetup.py', undefined],
    ['usr/lib/python3/site-packages/foo/requirements.txt', undefined],
    ['usr/lib/python3/dist-packages/foo/poetry.lock', undefined],
  ])('%s → %s', (path, want) => {
    expect(lockfileKind(path)).toBe(want);
  });
});

describe('parseRequirements', () => {
  it('keeps exact pins only, with extras, markers, hashes, comments and continuations', () => {
    const text = [
      '# comment',
      'Django==4.2.1',
      'requests[socks, security] == 2.31.0 ; python_version >= "3.8"  # pinned',
      'urllib3===1.26.20',
      'argh==0.26.2 \\',
      '  --hash=sha256:aaaa \\',
      '  --hash=sha256:bbbb',
      'flask>=2.0',
      'numpy==1.*',
      'pkg @ https://example.com/pkg-1.0.tar.gz',
      '-r other.txt',
      '-e git+https://github.com/x/y.git#egg=y',
      '--index-url https://pypi.org/simple',
      'zope.interface==5.4.0',
      'local-version == 1.2.3+gcr.2',
      '==2.3.4',
    ].join('\r\n');
    expect(nv(parseRequirements(text))).toEqual([
      'Django@4.2.1',
      'requests@2.31.0',
      'urllib3@1.26.20',
      'argh@0.26.2',
      'zope.interface@5.4.0',
      'local-version@1.2.3+gcr.2',
    ]);
    expect(parseRequirements(text).components[0]).toEqual({
      name: 'Django',
      version: '4.2.1',
      type: 'pypi',
      purl: 'pkg:pypi/django@4.2.1',
      lockfile: true,
    });
  });
});

describe('parsePoetryLock / parseUvLock / parsePipfileLock', () => {
  it('marks poetry dev packages by category or groups, skips path dependencies', () => {
    const text = [
      '[[package]]\nname = "a"\nversion = "1.0"\ncategory = "main"',
      '[[package]]\nname = "b"\nversion = "2.0"\ncategory = "dev"',
      '[[package]]\nname = "c"\nversion = "3.0"\ngroups = ["dev", "test"]',
      '[[package]]\nname = "d"\nversion = "4.0"\ngroups = ["main", "dev"]',
      '[[package]]\nname = "e"\nversion = "5.0"\n[package.source]\ntype = "directory"\nurl = "../e"',
      '[[package]]\nname = "f"',
    ].join('\n');
    const r = parsePoetryLock(text);
    expect(nv(r)).toEqual(['a@1.0', 'b@2.0 dev', 'c@3.0 dev', 'd@4.0']);
    expect(r.problems).toEqual(['package 6: no version']);
  });

  it('marks uv packages only the dev-dependencies groups reach as dev', () => {
    const text = [
      'version = 1',
      '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\ndependencies = [{ name = "requests" }]',
      '[package.optional-dependencies]\nsocks = [{ name = "pysocks" }]',
      '[package.dev-dependencies]\ndev = [{ name = "pytest" }, { name = "requests" }]',
      '[[package]]\nname = "requests"\nversion = "2.32.3"\nsource = { registry = "https://pypi.org/simple" }\ndependencies = [{ name = "idna" }]',
      '[[package]]\nname = "idna"\nversion = "3.10"\nsource = { registry = "https://pypi.org/simple" }',
      '[[package]]\nname = "pysocks"\nversion = "1.7.1"\nsource = { registry = "https://pypi.org/simple" }',
      '[[package]]\nname = "pytest"\nversion = "8.3.4"\nsource = { registry = "https://pypi.org/simple" }\ndependencies = [{ name = "pluggy" }, { name = "idna" }]',
      '[[package]]\nname = "pluggy"\nversion = "1.5.0"\nsource = { registry = "https://pypi.org/simple" }',
    ].join('\n');
    expect(nv(parseUvLock(text))).toEqual([
      'requests@2.32.3',
      'idna@3.10',
      'pysocks@1.7.1',
      'pytest@8.3.4 dev',
      'pluggy@1.5.0 dev',
    ]);
  });

  it('skips the uv project itself', () => {
    const text =
      'version = 1\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\n[[package]]\nname = "idna"\nversion = "3.10"\nsource = { registry = "https://pypi.org/simple" }\n';
    expect(nv(parseUvLock(text))).toEqual(['idna@3.10']);
  });

  it('reads Pipfile.lock default and develop (dev) pins, skipping git entries', () => {
    const text = JSON.stringify({
      _meta: {},
      default: { requests: { version: '==2.31.0' }, mylib: { git: 'https://x', ref: 'abc' } },
      develop: { pytest: { version: '==8.0.0' } },
    });
    expect(nv(parsePipfileLock(text))).toEqual(['requests@2.31.0', 'pytest@8.0.0 dev']);
  });

  it('reports bad content and never throws', async () => {
    expect((await analyze('a/poetry.lock', 'bogus')).problems?.[0]).toMatch(/^not valid TOML/);
    expect((await analyze('a/Pipfile.lock', 'bogus')).problems?.[0]).toMatch(/^not valid JSON/);
    expect(
      (
        await analyze(
          'a/uv.lock',
          '[[package]]\n'.repeat(10) +
            'x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n',
        )
      ).problems,
    ).toBeDefined();
    for (const p of [
      'a/poetry.lock',
      'a/Pipfile.lock',
      'a/uv.lock',
      'a/pdm.lock',
      'a/requirements.txt',
      'a/setup.py',
    ])
      for (let i = 0; i < 20; i++) await analyze(p, Buffer.from(randomBytes(2048).map((b) => b || 1)));
    const many = Array.from({ length: 200 }, (_, i) => `[[package]]\nname = "p${i}"`).join('\n');
    const found = await analyze('a/pdm.lock', many);
    expect(found.problems?.length).toBe(MAX_PROBLEMS + 1);
  });
});

/** name@version of every [[package]] as Python's tomllib reads the file. */
function tomllibPackages(file: string): string[] {
  const script =
    'import sys, tomllib, json\nd = tomllib.load(open(sys.argv[1], "rb"))\nprint(json.dumps([[p["name"], p["version"], p.get("source")] for p in d.get("package", [])]))';
  const rows = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as [
    string,
    string,
    unknown,
  ][];
  return rows
    .filter(
      ([, , source]) =>
        !(source && typeof source === 'object' && ('virtual' in source || 'editable' in source)),
    )
    .map(([n, v]) => `${n}@${v}`);
}

oracleSuite('pkgdb/syft/syft/pkg/cataloger/python/testdata', (dir) => {
  const noPython = requireTools(['python3']);
  const plain = (f: FileFindings) => (f.components ?? []).map((c) => `${c.name}@${c.version}`);

  it.skipIf(!!noPython)('poetry, uv and pdm lockfiles: every package tomllib reads', async () => {
    const files = [
      'poetry/dev-deps/poetry.lock',
      'poetry/case-sensitivity/poetry.lock',
      'poetry/conflicting-with-extras/poetry.lock',
      'poetry/multiple-extras/poetry.lock',
      'poetry/nested-extras/poetry.lock',
      'poetry/simple-deps/poetry.lock',
      'uv/simple-deps/uv.lock',
      'uv/multiple-extras/uv.lock',
      'uv/nested-extras/uv.lock',
      'uv/conflicting-with-extras/uv.lock',
      'pdm-lock/pdm.lock',
      'pdm-lock-extras/pdm.lock',
      'pdm-lock-separate-files/pdm.lock',
      'pypi-remote/poetry.lock',
      'pypi-remote/uv.lock',
      'pypi-remote/pdm.lock',
    ];
    let total = 0;
    for (const f of files) {
      const found = await analyze(`app/${f}`, readFileSync(join(dir, f)));
      expect(found.problems, f).toBeUndefined();
      const want = tomllibPackages(join(dir, f));
      expect(plain(found), f).toEqual(want);
      total += want.length;
    }
    expect(total).toBeGreaterThan(200);
  });

  it('poetry dev-deps: all four are category dev', async () => {
    const found = await analyze('a/poetry.lock', readFileSync(join(dir, 'poetry/dev-deps/poetry.lock')));
    expect(found.components?.map((c) => `${c.name}@${c.version}${c.dev ? ' dev' : ''}`)).toEqual([
      'added-value@0.14.2 dev',
      'alabaster@0.7.12 dev',
      'appnope@0.1.0 dev',
      'asciitree@0.3.3 dev',
    ]);
  });

  it('Pipfile.lock: default and develop', async () => {
    const found = await analyze('a/Pipfile.lock', readFileSync(join(dir, 'pipfile-lock/Pipfile.lock')));
    expect(found.components?.map((c) => `${c.name}@${c.version}${c.dev ? ' dev' : ''}`)).toEqual([
      'aio-pika@6.8.0',
      'aiodns@2.0.0',
      'aiohttp@3.7.4.post0',
      'aiohttp-jinja2@1.4.2',
      'astroid@2.5.2 dev',
      'autopep8@1.5.6 dev',
    ]);
  });

  it('requirements.txt: the exact pins', async () => {
    const found = await analyze('a/requirements.txt', readFileSync(join(dir, 'requires/requirements.txt')));
    expect(plain(found)).toEqual([
      'flask@4.0.0',
      'urllib3@1.26.20',
      'foo@1.0.0',
      'SomeProject@5.4',
      'dots-._allowed@1.0.0',
      'argh@0.26.2',
      'argh@0.26.3',
      'celery@4.4.7',
      'FrIeNdLy-_-bArD@1.0.0',
      'local-version@1.2.3+gcr.2',
    ]);
    expect(found.problems).toBeUndefined();
  });

  it('setup.py: pins in quoted strings and split triple-quoted lists, nothing from code', async () => {
    const read = (f: string) => readFileSync(join(dir, 'setup', f), 'utf8');
    expect(plain(parseSetupPy(read('setup.py'))).sort()).toEqual([
      'mypy1@v0.770',
      'mypy2@v0.770',
      'mypy3@v0.770',
      'mypy@v0.770',
      'pathlib3@2.2.0',
    ]);
    expect(plain(parseSetupPy(read('multiline-split-setup.py'))).sort()).toEqual([
      'CairoSVG@2.7.1',
      'Pillow@11.0.0',
      'black@23.12.1',
      'celery@5.3.4',
      'django@4.2.23',
      'mypy@1.7.1',
      'pytest@7.4.3',
      'requests@2.31.0',
    ]);
    expect(plain(parseSetupPy(read('mixed-format-setup.py'))).sort()).toEqual([
      'django@4.2.23',
      'flask@3.0.0',
      'requests@2.31.0',
    ]);
    expect(plain(parseSetupPy(read('dynamic-setup.py')))).toEqual([]);
  });

  it('glob-paths: bogus lockfiles are problems, not packages', async () => {
    for (const f of ['poetry.lock', 'Pipfile.lock', 'uv.lock', 'pdm.lock', 'requirements.txt', 'setup.py']) {
      const found = await analyze(`src/${f}`, readFileSync(join(dir, 'glob-paths/src', f)));
      expect(found.components ?? [], f).toEqual([]);
    }
  });
});
