/**
 * npm inventory parsers on Syft's JavaScript fixtures (../shared/oracles/pkgdb/syft/.../javascript/testdata),
 * lockfile v2/v3 results checked against what the real `npm ls --all --package-lock-only` printed
 * beside them (`*.npm-ls.json`), and on small hand-made inputs for the edge cases.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../test/support/fixtures.js';
import { oracleSuite } from '../../../test/support/oracles.js';
import { licensesOf, npmPurl } from './npm-common.js';
import { isInstalledManifest, npmInstalledAnalyzer, parseInstalledManifest } from './npm-installed.js';
import { parsePackageLock } from './npm-lock.js';
import { isLockfile, lockfileFindings, npmLockfileAnalyzer } from './npm-lockfile.js';
import { parsePnpmLock, splitPnpmKey } from './pnpm-lock.js';
import { parseYarnLock } from './yarn-lock.js';

const nv = (e: { name: string; version: string }) => `${e.name}@${e.version}`;
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('which files are read', () => {
  it('takes the package.json of each package root under node_modules, nothing deeper', () => {
    const yes = [
      'app/node_modules/semver/package.json',
      'node_modules/@yarnpkg/parsers/package.json',
      'app/node_modules/@yarnpkg/parsers/node_modules/tslib/package.json',
      'usr/lib/node_modules/npm/package.json',
      'usr/local/lib/node_modules/corepack/package.json',
      'usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json',
      'app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json',
    ];
    const no = [
      'app/package.json',
      'app/node_modules/zod/v4/package.json',
      'app/node_modules/zod/v4/core/package.json',
      'app/node_modules/@scope/package.json',
      'app/node_modules/@scope/x/lib/package.json',
      'app/node_modules/.package-lock.json',
      'app/node_modules/.bin/package.json',
      'app/node_modules/@scope/.x/package.json',
      'app/my_node_modules/x/package.json',
      'app/node_modules/x/package.json.bak',
    ];
    for (const p of yes) expect(isInstalledManifest(p), p).toBe(true);
    for (const p of no) expect(isInstalledManifest(p), p).toBe(false);
    const info = (p: string) => ({ path: p, size: 10, mode: 0o644, uid: 0, gid: 0 });
    expect(npmInstalledAnalyzer.wants(info(yes[0]!))).toBe(true);
  });

  it('takes project lockfiles, not those inside node_modules nor the hidden lockfile', () => {
    for (const p of ['app/package-lock.json', 'npm-shrinkwrap.json', 'srv/web/yarn.lock', 'x/pnpm-lock.yaml'])
      expect(isLockfile(p), p).toBe(true);
    for (const p of [
      'app/node_modules/.package-lock.json',
      'app/node_modules/foo/yarn.lock',
      'node_modules/foo/npm-shrinkwrap.json',
      'app/package.json',
      'app/yarn.lock.orig',
      'app/constructor',
      'app/__proto__',
    ])
      expect(isLockfile(p), p).toBe(false);
  });
});

describe('installed package.json', () => {
  it('reads licenses in their string, object, array and legacy forms', () => {
    expect(licensesOf('MIT')).toEqual(['MIT']);
    expect(licensesOf('(MIT OR Apache-2.0)')).toEqual(['(MIT OR Apache-2.0)']);
    expect(licensesOf({ type: 'ISC', url: 'x' })).toEqual(['ISC']);
    expect(licensesOf(['MIT', { type: 'BSD-3-Clause' }, 7, null])).toEqual(['MIT', 'BSD-3-Clause']);
    expect(licensesOf(undefined, [{ type: 'MIT' }, { type: 'Apache-2.0' }])).toEqual(['MIT', 'Apache-2.0']);
    expect(licensesOf({ nope: 1 })).toEqual([]);
  });

  it('gives name, version, purl and licenses; nothing without name or version; a problem for bad JSON', () => {
    expect(
      parseInstalledManifest(JSON.stringify({ name: '@types/node', version: '20.1.0', license: 'MIT' })),
    ).toEqual({
      components: [
        {
          name: '@types/node',
          version: '20.1.0',
          type: 'npm',
          purl: 'pkg:npm/%40types/node@20.1.0',
          licenses: ['MIT'],
        },
      ],
    });
    expect(parseInstalledManifest('\ufeff{"name":"x","version":"1.0.0"}').components?.[0]?.name).toBe('x');
    expect(parseInstalledManifest('{"name":"x"}')).toEqual({});
    expect(parseInstalledManifest('{"version":"1.0.0"}')).toEqual({});
    expect(parseInstalledManifest('{"name":"x", "version": 1}')).toEqual({});
    expect(parseInstalledManifest('{"name":"x",').problems?.[0]).toMatch(/^malformed package.json/);
    expect(parseInstalledManifest('[1]').problems).toEqual(['package.json is not a JSON object']);
    expect(parseInstalledManifest('{"name":"../../etc","version":"1.0.0"}').problems?.[0]).toMatch(
      /no valid npm package/,
    );
  });

  it('has the purl form of the purl spec for scoped and plain names', () => {
    expect(npmPurl('semver', '7.5.4')).toBe('pkg:npm/semver@7.5.4');
    expect(npmPurl('@babel/core', '7.0.0-beta.1')).toBe('pkg:npm/%40babel/core@7.0.0-beta.1');
  });
});

const JS = 'pkgdb/syft/syft/pkg/cataloger/javascript/testdata';

oracleSuite(JS, (dir) => {
  const read = (rel: string) => readFileSync(path.join(dir, rel), 'utf8');

  it('reads Syft package.json fixtures as their fields say', () => {
    const one = (f: string) => parseInstalledManifest(read(`pkg-json/${f}`)).components?.[0];
    expect(one('package.json')).toMatchObject({ name: 'npm', version: '6.14.6', licenses: ['Artistic-2.0'] });
    expect(one('package-license-object.json')?.licenses).toEqual(['ISC']);
    expect(one('package-license-objects.json')?.licenses).toEqual(['MIT', 'Apache-2.0']);
    expect(one('package-malformed-license.json')?.licenses).toEqual(['MIT']);
    expect(one('package-no-license.json')).toEqual({
      name: 'npm',
      version: '6.14.6',
      type: 'npm',
      purl: 'pkg:npm/npm@6.14.6',
    });
    expect(one('package-repo-string.json')).toMatchObject({ name: 'function-bind', version: '1.1.1' });
    expect(parseInstalledManifest(read('pkg-json/package-partial.json'))).toEqual({});
    for (const f of ['cowsay', '@actions/core']) {
      const c = parseInstalledManifest(read(`pkg-lock/node_modules/${f}/package.json`)).components?.[0];
      expect(c?.name).toBe(f);
    }
  });

  // The real `npm ls --all --package-lock-only --json` printed beside each lockfile v2/v3: the set of
  // name@version in its tree must be the set this parser yields. One principled difference: npm ls
  // names an aliased package by its folder (`case-alias`, `chai`), the registry package it holds is
  // `case` / `@bundled-es-modules/chai`, which is what advisories name. So the comparison uses the
  // folder name (the last `node_modules/` segment of `at`) and, separately, asserts the real names.
  const lsFiles = readdirSync(path.join(dir, 'pkg-lock')).filter((f) => f.endsWith('.npm-ls.json'));
  it('finds npm-ls outputs to compare with', () => expect(lsFiles.length).toBe(4));
  for (const ls of lsFiles) {
    it(`yields what npm ls printed for ${ls.replace('.npm-ls.json', '')}`, () => {
      const npmLs = JSON.parse(read(`pkg-lock/${ls}`)) as {
        npmExitCode: number;
        tree: { name: string; version: string; missing: boolean }[];
      };
      expect(npmLs.npmExitCode).toBe(0);
      const want = new Set(npmLs.tree.filter((t) => !t.missing).map(nv));
      const { entries, problems } = parsePackageLock(read(`pkg-lock/${ls.replace('.npm-ls.json', '')}`));
      expect(problems).toEqual([]);
      const folder = (at: string) => at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const got = new Set(entries.map((e) => `${folder(e.at)}@${e.version}`));
      expect(sorted(got)).toEqual(sorted(want));
      expect(entries.length).toBe(got.size);
    });
  }

  // Lockfile v1 fixtures have no npm-ls output beside them: run the real npm ls on each, in a temporary
  // project whose package.json depends on the lockfile's top-level entries (dev ones as devDependencies).
  // npm lists a node for every lockfile entry; those it prints `missing` are not in the lockfile.
  // The one difference: package-lock.json's top-level key `node_modules/async` (a v2 path in a v1
  // tree) is no package name; npm ls lists it as missing, the parser reports it as a problem.
  const npmMissing = requireTools(['npm']);
  for (const f of ['alias-package-lock-1.json', 'nested-package-lock-1.json', 'package-lock.json']) {
    it.skipIf(!!npmMissing)(`yields what the real npm ls prints for the v1 lockfile ${f}`, () => {
      const text = read(`pkg-lock/${f}`);
      const top = (JSON.parse(text) as { dependencies: Record<string, { version: string; dev?: boolean }> })
        .dependencies;
      const pick = (dev: boolean) =>
        Object.fromEntries(
          Object.entries(top)
            .filter(([, v]) => !!v.dev === dev)
            .map(([k, v]) => [k, v.version]),
        );
      const tmp = mkdtempSync(path.join(tmpdir(), 'hullscan-npm-ls-'));
      try {
        writeFileSync(path.join(tmp, 'package-lock.json'), text);
        writeFileSync(
          path.join(tmp, 'package.json'),
          JSON.stringify({
            name: 'x',
            version: '1.0.0',
            dependencies: pick(false),
            devDependencies: pick(true),
          }),
        );
        const r = spawnSync('npm', ['ls', '--all', '--package-lock-only', '--json', '--offline'], {
          cwd: tmp,
          encoding: 'utf8',
        });
        type Node = { version?: string; missing?: boolean; dependencies?: Record<string, Node> };
        const want = new Set<string>();
        const walk = (n: Node) => {
          for (const [k, d] of Object.entries(n.dependencies ?? {})) {
            if (!d.missing) want.add(`${k}@${d.version}`);
            walk(d);
          }
        };
        walk(JSON.parse(r.stdout) as Node);
        const { entries, problems } = parsePackageLock(text);
        const folder = (at: string) => at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
        expect(sorted(new Set(entries.map((e) => `${folder(e.at)}@${e.version}`)))).toEqual(sorted(want));
        expect(problems).toEqual(
          f === 'package-lock.json' ? ['node_modules/node_modules/async: invalid package name'] : [],
        );
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }

  it('resolves aliases to the registry package in v1 and v2 lockfiles', () => {
    for (const f of ['alias-package-lock-1.json', 'alias-package-lock-2.json']) {
      const { entries } = parsePackageLock(read(`pkg-lock/${f}`));
      expect(sorted(entries.map(nv)), f).toEqual([
        '@bundled-es-modules/chai@4.2.2',
        'case@1.6.2',
        'case@1.6.3',
      ]);
    }
  });

  it('marks dev packages as lockfile v2/v3 and v1 say', () => {
    const v3 = parsePackageLock(read('pkg-lock/package-lock-3.json')).entries;
    expect(v3.filter((e) => e.dev).map(nv)).toEqual(['async@3.2.4']);
    const v1 = parsePackageLock(read('pkg-lock/nested-package-lock-1.json')).entries;
    expect(sorted(v1.map((e) => `${e.at}@${e.version}${e.dev ? ' dev' : ''}`))).toEqual([
      'node_modules/dev-parent/node_modules/dev-nested@1.0.0 dev',
      'node_modules/dev-parent@1.0.0 dev',
      'node_modules/duplicate@1.0.0',
      'node_modules/parent/node_modules/duplicate@1.0.0',
      'node_modules/parent/node_modules/middle/node_modules/shared@0.5.0',
      'node_modules/parent/node_modules/middle@1.0.0',
      'node_modules/parent/node_modules/shared@1.0.0',
      'node_modules/parent@1.0.0',
      'node_modules/shared@2.0.0',
    ]);
    const arr = parsePackageLock(read('pkg-lock/array-license-package-lock.json')).entries;
    expect(arr.find((e) => e.name === 'pause-stream')?.licenses).toEqual(['MIT', 'Apache2']);
    expect(parsePackageLock(read('pkg-lock/package-lock.json')).entries.map(nv)).toContain('cowsay@1.4.0');
  });

  it('reports a corrupt lockfile as a problem', () => {
    expect(parsePackageLock(read('corrupt/package-lock.json')).problems[0]).toMatch(
      /^malformed lockfile JSON/,
    );
    const pnpm = parsePnpmLock(read('corrupt/pnpm-lock.yaml'));
    expect(pnpm.entries).toEqual([]);
    expect(pnpm.problems[0]).toMatch(/^malformed pnpm-lock.yaml/);
  });

  it('reads classic and berry yarn.lock fixtures', () => {
    const y = (d: string) => sorted(parseYarnLock(read(`${d}/yarn.lock`)).entries.map(nv));
    const common = [
      '@babel/code-frame@7.10.4',
      '@types/minimatch@3.0.3',
      '@types/qs@6.9.4',
      'ajv@6.12.3',
      'asn1.js@4.10.1',
      'atob@2.1.2',
      'aws-sdk@2.706.0',
      'jhipster-core@7.3.4',
    ];
    // classic: the made-up `c0n-fab_u.laTION` is a registry descriptor; berry lists the project itself as `@workspace:.`
    expect(y('yarn')).toEqual(sorted([...common, 'c0n-fab_u.laTION@7.7.7']));
    expect(y('yarn-v1-deps')).toEqual(sorted([...common, 'c0n-fab_u.laTION@7.7.7']));
    expect(y('yarn-berry')).toEqual(common);
    expect(y('yarn-remote')).toEqual(['@babel/code-frame@7.10.4']);
    const four = ['dev-only-transitive@1.0.0', 'dev-pkg@1.0.0', 'prod-pkg@1.0.0', 'shared-pkg@1.0.0'];
    expect(y('yarn-dev-deps')).toEqual(four);
    expect(y('yarn-berry-dev-deps')).toEqual(four);
    expect(y('yarn-berry-dups')).toEqual(['async@0.9.2', 'async@3.2.6']);
    // the git descriptor `should-type@https://github.com/…` is not a registry package
    expect(y('yarn-dups')).toEqual([
      'async@0.9.2',
      'async@3.2.3',
      'merge-objects@1.0.5',
      'resize-observer-polyfill@1.5.2',
    ]);
  });

  it('reads pnpm-lock.yaml v5, v6, v9 and multi-document fixtures', () => {
    const p = (d: string) => parsePnpmLock(read(`${d}/pnpm-lock.yaml`));
    expect(p('pnpm').entries).toEqual([
      { name: '@bcoe/v8-coverage', version: '0.2.3', at: '/@bcoe/v8-coverage/0.2.3', dev: true },
    ]);
    expect(p('pnpm-v5-peer-suffix').entries.map(nv)).toEqual([
      'acorn@8.8.0',
      'acorn-jsx@5.3.2',
      'webpack-cli@4.10.0',
    ]);
    const v6 = p('pnpm-v6');
    expect(v6.problems).toEqual([]);
    expect(sorted(v6.entries.map(nv))).toEqual([
      '@babel/core@7.21.4',
      '@testing-library/jest-dom@5.16.5',
      '@testing-library/react@13.4.0',
      '@testing-library/user-event@13.5.0',
      '@types/eslint@8.37.0',
      'react-dom@18.2.0',
      'react@18.2.0',
      'read-cache@1.0.0',
      'schema-utils@3.1.2',
      'web-vitals@2.1.4',
    ]);
    expect(v6.entries.some((e) => e.dev)).toBe(false);
    expect(sorted(p('pnpm-v9').entries.map(nv))).toEqual([
      '@babel/core@7.24.7',
      '@babel/helper-plugin-utils@7.24.7',
      'is-positive@3.1.0',
      'rollup@4.18.0',
    ]);
    expect(sorted(p('pnpm-v9-snapshots').entries.map(nv))).toEqual([
      'cross-spawn@7.0.6',
      'isexe@2.0.0',
      'path-key@3.1.1',
      'shebang-command@2.0.0',
      'shebang-regex@3.0.0',
      'which@2.0.2',
    ]);
    // the first document is pnpm's env lockfile (the package manager the project pins), the second the project's
    expect(sorted(p('pnpm-multi-doc').entries.map(nv))).toEqual([
      '@pnpm/exe.linux-x64@12.0.0-rc.3',
      'minimist@1.2.0',
      'pnpm@12.0.0-rc.3',
    ]);
    expect(p('pnpm-remote').entries.map(nv)).toEqual(['nanoid@3.3.4']);
  });
});

describe('lockfile edge cases', () => {
  it('skips the root, workspace members, links and non-registry v1 versions; keeps nested workspace deps', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'root', version: '1.0.0' },
        'packages/a': { name: 'a', version: '0.1.0' },
        'node_modules/a': { resolved: 'packages/a', link: true },
        'packages/a/node_modules/left-pad': { version: '1.3.0', dev: true, license: 'WTFPL' },
        'node_modules/@s/x': { version: '2.0.0' },
        'node_modules/bad': { version: 3 },
      },
    };
    const r = parsePackageLock(JSON.stringify(lock));
    expect(r.entries).toEqual([
      {
        name: 'left-pad',
        version: '1.3.0',
        dev: true,
        licenses: ['WTFPL'],
        at: 'packages/a/node_modules/left-pad',
      },
      { name: '@s/x', version: '2.0.0', at: 'node_modules/@s/x' },
    ]);
    expect(r.problems).toEqual(['node_modules/bad: no valid name and version']);
    const v1 = parsePackageLock(
      JSON.stringify({
        lockfileVersion: 1,
        dependencies: {
          g: { version: 'git+https://github.com/x/g.git#abc' },
          f: { version: 'file:../f' },
          ok: { version: '1.0.0' },
        },
      }),
    );
    expect(v1.entries.map(nv)).toEqual(['ok@1.0.0']);
  });

  it('stops at a bounded depth on a hostile v1 tree', () => {
    let deps: Record<string, unknown> = { leaf: { version: '1.0.0' } };
    for (let i = 0; i < 400; i++) deps = { [`p${i}`]: { version: '1.0.0', dependencies: deps } };
    const r = parsePackageLock(JSON.stringify({ lockfileVersion: 1, dependencies: deps }));
    expect(r.entries.length).toBe(256);
    expect(r.problems[0]).toMatch(/nested deeper than 256/);
  });

  it('reads berry aliases, skips patch and workspace resolutions', () => {
    const berry = [
      '__metadata:\n  version: 8\n',
      '"a@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "a@workspace:."\n',
      '"str-cjs@npm:string-width@^4":\n  version: 4.2.3\n  resolution: "string-width@npm:4.2.3"\n',
      '"resolve@patch:resolve@npm%3A^1#~builtin<compat/resolve>":\n  version: 1.22.8\n  resolution: "resolve@patch:resolve@npm%3A1.22.8#~builtin<compat/resolve>::version=1.22.8"\n',
      '"resolve@npm:^1":\n  version: 1.22.8\n  resolution: "resolve@npm:1.22.8"\n',
    ].join('\n');
    expect(parseYarnLock(berry).entries.map(nv)).toEqual(['string-width@4.2.3', 'resolve@1.22.8']);
    const classic =
      '# yarn lockfile v1\n\n"str-cjs@npm:string-width@^4":\n  version "4.2.3"\n\n"x@file:../x":\n  version "1.0.0"\n';
    expect(parseYarnLock(classic).entries.map(nv)).toEqual(['string-width@4.2.3']);
  });

  it('splits pnpm keys of every lockfile version', () => {
    expect(splitPnpmKey('/@babel/core/7.0.0_abc', true)).toEqual({ name: '@babel/core', version: '7.0.0' });
    expect(splitPnpmKey('/@babel/core@7.0.0(x@1.0.0)', false)).toEqual({
      name: '@babel/core',
      version: '7.0.0',
    });
    expect(splitPnpmKey('ws@8.0.0(bufferutil@4.0.0)', false)).toEqual({ name: 'ws', version: '8.0.0' });
    expect(splitPnpmKey('github.com/user/repo/abc123', true)).toBeUndefined();
    expect(splitPnpmKey('x@file:../x', false)).toBeUndefined();
  });

  it('marks v9 packages dev when only devDependencies reach them', () => {
    const v9 = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      a: {specifier: ^1, version: 1.0.0}',
      '    devDependencies:',
      '      d: {specifier: ^1, version: 1.0.0(a@1.0.0)}',
      'packages:',
      '  a@1.0.0: {}',
      '  d@1.0.0: {}',
      '  shared@1.0.0: {}',
      '  devonly@2.0.0: {}',
      'snapshots:',
      '  a@1.0.0:',
      '    dependencies: {shared: 1.0.0}',
      '  d@1.0.0(a@1.0.0):',
      '    dependencies: {shared: 1.0.0, devonly: 2.0.0}',
      '  shared@1.0.0: {}',
      '  devonly@2.0.0: {}',
    ].join('\n');
    const r = parsePnpmLock(v9);
    expect(r.problems).toEqual([]);
    expect(r.entries.map((e) => `${nv(e)}${e.dev ? ' dev' : ''}`)).toEqual([
      'a@1.0.0',
      'd@1.0.0 dev',
      'shared@1.0.0',
      'devonly@2.0.0 dev',
    ]);
  });

  it('never throws on hostile or odd content, whatever the parser', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    const odd = [
      '',
      'null',
      '[]',
      '\u0000\u0001garbage',
      '{"packages": []}',
      '{"packages": {"node_modules/x": null, "node_modules/y": {"version": "1.0.0", "license": {"type": 5}}}}',
      '{"lockfileVersion": 1, "dependencies": {"x": {"version": "1.0.0", "dependencies": 5}, "y": null}}',
      "lockfileVersion: '9.0'\nimporters: {'.': {dependencies: {a: null, b: {version: 7}}}}\npackages: [1, 2]\nsnapshots: {a@1.0.0: {dependencies: {a: 1.0.0}}}",
      "lockfileVersion: '9.0'\nimporters: {'.': {devDependencies: {a: {version: 1.0.0}}}}\npackages: {a@1.0.0: {}}\nsnapshots: {a@1.0.0: {dependencies: {a: 1.0.0}}}",
      `lockfileVersion: 5.4\n${bomb}\npackages:\n  /x/1.0.0: *m`,
      '---\n---\nlockfileVersion: 6.0\n',
      '__metadata: {version: 8}\n"x@npm:1": [1]\n"y@npm:1": {version: 1.0.0}\n',
    ];
    for (const text of odd)
      for (const parse of [
        parsePackageLock,
        parseYarnLock,
        parsePnpmLock,
        (t: string) => parseInstalledManifest(t),
      ]) {
        expect(() => parse(text), `${parse.name}: ${text.slice(0, 40)}`).not.toThrow();
      }
    const cyc = parsePnpmLock(odd[8]!);
    expect(cyc.entries).toEqual([{ name: 'a', version: '1.0.0', at: 'a@1.0.0', dev: true }]);
  });

  it('turns lockfile entries into lockfile components; binary content is a problem', () => {
    const f = lockfileFindings(
      'app/package-lock.json',
      JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/x': { version: '1.0.0', dev: true } } }),
    );
    expect(f.components).toEqual([
      { name: 'x', version: '1.0.0', type: 'npm', purl: 'pkg:npm/x@1.0.0', lockfile: true, dev: true },
    ]);
    const info = { path: 'yarn.lock', size: 3, mode: 0o644, uid: 0, gid: 0 };
    expect(npmLockfileAnalyzer.analyze({ info, content: Buffer.from([1, 0, 2]) }, { layer: 'l' })).toEqual({
      problems: ['binary content (NUL bytes): not a lockfile'],
    });
  });
});
