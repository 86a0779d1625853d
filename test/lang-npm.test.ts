/**
 * npm end to end: a REAL `npm install` (offline, from the local npm cache that the project's own
 * `npm ci` filled) of a few packages with hoisted and nested dependencies, put into a real OCI image,
 * scanned; the components must be exactly the tree the real `npm ls --all --json --long` prints for the
 * same directory (every name@version at its path), each in the layer that brought it. Then the same
 * project with node_modules removed: the lockfile alone gives the same packages, `lockfile: true`.
 *
 * The cache holds the tarballs of the project's dependencies (and their full packuments, not the
 * abbreviated ones `npm install <spec>` asks for offline), so the test project pins its packages with a
 * package-lock.json built from the project's own lockfile entries; `npm install --offline` then
 * installs them from the cached tarballs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { languageEcosystem } from '../src/ecosystems/languages.js';
import { npmPurl } from '../src/ecosystems/npm/index.js';
import { defaultAnalyzers } from '../src/scan/analyzers.js';
import { scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers } from './support/dir-image.js';
import { REPO_ROOT, requireTools } from './support/fixtures.js';
import { haveOracles, ORACLES } from './support/oracles.js';

interface LockPackage {
  version?: string;
  license?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
}

/** Direct dependencies of the test project: scoped, nested (@yarnpkg/parsers keeps its own tslib 2), hoisted. */
const PROD = ['@yarnpkg/parsers', 'semver', 'kysely', 'zod', 'smol-toml'];
/** tslib 1 at the top, where @yarnpkg/parsers cannot use it: a dev dependency, nested copy stays prod. */
const DEV = ['tslib'];

/** The install path npm resolves `dep` to from the package at `from` (node_modules lookup upwards). */
function resolveFrom(lock: Record<string, LockPackage>, from: string, dep: string): string | undefined {
  let p = from;
  for (;;) {
    const key = `${p ? `${p}/` : ''}node_modules/${dep}`;
    if (lock[key]) return key;
    if (!p) return undefined;
    const i = p.lastIndexOf('/node_modules/');
    p = i >= 0 ? p.slice(0, i) : '';
  }
}

/** A lockfile v3 for PROD + DEV from the repository's own package-lock.json, dev flags as npm sets them. */
function projectLock(): { manifest: object; lock: object } {
  const repo = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockPackage>;
    }
  ).packages;
  const closure = (tops: string[]) => {
    const seen = new Set<string>();
    const todo = tops.map((t) => `node_modules/${t}`);
    while (todo.length > 0) {
      const k = todo.pop()!;
      if (seen.has(k)) continue;
      if (!repo[k]) throw new Error(`${k} is not in the repository's package-lock.json`);
      seen.add(k);
      for (const d of Object.keys(repo[k].dependencies ?? {})) {
        const r = resolveFrom(repo, k, d);
        if (!r) throw new Error(`${d} (from ${k}) is not in the repository's package-lock.json`);
        todo.push(r);
      }
    }
    return seen;
  };
  const prod = closure(PROD);
  const all = new Set([...prod, ...closure(DEV)]);
  const version = (t: string) => repo[`node_modules/${t}`]!.version!;
  const deps = Object.fromEntries(PROD.map((t) => [t, version(t)]));
  const devDeps = Object.fromEntries(DEV.map((t) => [t, version(t)]));
  const packages: Record<string, object> = {
    '': { name: 'npm-e2e', version: '1.0.0', dependencies: deps, devDependencies: devDeps },
  };
  for (const k of [...all].sort()) {
    const e = repo[k]!;
    const name = k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[k] = {
      version: e.version,
      resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${e.version}.tgz`,
      integrity: e.integrity,
      ...(prod.has(k) ? {} : { dev: true }),
      ...(e.license ? { license: e.license } : {}),
      ...(e.dependencies ? { dependencies: e.dependencies } : {}),
    };
  }
  return {
    manifest: {
      name: 'npm-e2e',
      version: '1.0.0',
      private: true,
      dependencies: deps,
      devDependencies: devDeps,
    },
    lock: { name: 'npm-e2e', version: '1.0.0', lockfileVersion: 3, requires: true, packages },
  };
}

interface LsNode {
  name?: string;
  version?: string;
  path?: string;
  license?: string;
  missing?: boolean;
  dependencies?: Record<string, LsNode>;
}

/** Every node of `npm ls --all --json --long`: `relative/path name@version` → license. */
function lsTree(root: LsNode, dir: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const walk = (n: LsNode) => {
    for (const [key, d] of Object.entries(n.dependencies ?? {})) {
      expect(d.missing, `${key} missing in npm ls`).toBeFalsy();
      const rel = path.relative(dir, d.path!);
      out.set(`${rel} ${d.name ?? key}@${d.version}`, d.license);
      walk(d);
    }
  };
  walk(root);
  return out;
}

const missing = requireTools(['npm', 'tar']);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

describe.skipIf(!!missing)('npm packages in an image', () => {
  let dir: string;
  let project: string;
  let tree: Map<string, string | undefined>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hullscan-npm-e2e-'));
    work.push(dir);
    project = path.join(dir, 'project');
    await mkdir(project);
    const { manifest, lock } = projectLock();
    await writeFile(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    await writeFile(path.join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: project,
      stdio: 'pipe',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    const ls = JSON.parse(
      execFileSync('npm', ['ls', '--all', '--json', '--long'], {
        cwd: project,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    ) as LsNode;
    tree = lsTree(ls, project);
  }, 120_000);

  it('reports every package npm ls prints, at its path, in the layer that brought it', async () => {
    // what npm installed is the tree it pinned, nested copy included
    const names = [...tree.keys()].map((k) => k.split(' ')[1]!.replace(/@[^@]*$/, '')).sort();
    expect(names).toEqual([
      '@yarnpkg/parsers',
      'argparse',
      'js-yaml',
      'kysely',
      'semver',
      'smol-toml',
      'tslib',
      'tslib',
      'zod',
    ]);
    expect(
      [...tree.keys()].some((k) => k.startsWith('node_modules/@yarnpkg/parsers/node_modules/tslib ')),
    ).toBe(true);
    const semverPkg = JSON.parse(
      await readFile(path.join(project, 'node_modules/semver/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    const ref = await imageOfLayers(path.join(dir, 'img'), [
      { entries: [{ path: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\n' }] },
      { from: project, to: 'app' },
      // a global install, as `npm install -g` leaves it
      {
        entries: [
          {
            path: 'usr/local/lib/node_modules/semver/package.json',
            body: JSON.stringify({ name: 'semver', version: semverPkg.version, license: 'ISC' }),
          },
        ],
      },
    ]);
    const result = await scanImage(ref, { dataDir: path.join(dir, 'data'), analyzers: defaultAnalyzers() });
    expect(result.problems).toEqual([]);
    const npm = result.components.filter((c) => c.type === 'npm');
    // the lockfile's entries are all installed under app/: dropped
    expect(npm.filter((c) => c.lockfile)).toEqual([]);
    const got = new Map(npm.map((c) => [`${c.path} ${c.name}@${c.version}`, c]));
    const want = new Map<string, string | undefined>(
      [...tree].map(([k, license]) => {
        const [rel, id] = k.split(' ');
        return [`app/${rel}/package.json ${id}`, license] as [string, string | undefined];
      }),
    );
    want.set(`usr/local/lib/node_modules/semver/package.json semver@${semverPkg.version}`, 'ISC');
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    const layers = result.layers.map((l) => l.diffID);
    for (const [k, c] of got) {
      expect(c.purl, k).toBe(npmPurl(c.name, c.version));
      expect(c.layer, k).toBe(k.startsWith('usr/') ? layers[2] : layers[1]);
      expect(c.licenses, k).toEqual(want.get(k) ? [want.get(k)] : undefined);
      expect(c.dev, k).toBeUndefined();
    }
    expect(got.get(`app/node_modules/@yarnpkg/parsers/package.json @yarnpkg/parsers@3.1.0`)?.purl).toBe(
      'pkg:npm/%40yarnpkg/parsers@3.1.0',
    );
    expect(languageEcosystem('npm')?.osv).toBe('npm');
  }, 120_000);

  it('gives the same packages from the lockfile alone, lockfile: true, dev as npm marked it', async () => {
    const bare = path.join(dir, 'bare');
    await mkdir(bare);
    await cp(path.join(project, 'package.json'), path.join(bare, 'package.json'));
    await cp(path.join(project, 'package-lock.json'), path.join(bare, 'package-lock.json'));
    const ref = await imageOfLayers(path.join(dir, 'img-lock'), [{ from: bare, to: 'srv/app' }]);
    const result = await scanImage(ref, {
      dataDir: path.join(dir, 'data-lock'),
      analyzers: defaultAnalyzers(),
    });
    expect(result.problems).toEqual([]);
    const npm = result.components.filter((c) => c.type === 'npm');
    const ids = (cs: Component[]) => cs.map((c) => `${c.name}@${c.version}`).sort();
    expect(ids(npm)).toEqual([...tree.keys()].map((k) => k.split(' ')[1]!).sort());
    for (const c of npm) {
      expect(c.lockfile).toBe(true);
      expect(c.path).toBe('srv/app/package-lock.json');
      expect(c.layer).toBe(result.layers[0]!.diffID);
    }
    // tslib 1 only serves the project's devDependencies; the nested tslib 2 is @yarnpkg/parsers' own
    const devs = npm.filter((c) => c.dev).map((c) => `${c.name}@${c.version}`);
    const tslibTop = [...tree.keys()].find((k) => k.startsWith('node_modules/tslib '))!.split(' ')[1];
    expect(devs).toEqual([tslibTop]);
  }, 120_000);
});

const JS = path.join(ORACLES, 'pkgdb/syft/syft/pkg/cataloger/javascript/testdata');

describe.skipIf(!!requireTools(['tar']) || !haveOracles('npm lockfiles in an image'))(
  'npm lockfiles in an image',
  () => {
    it('reads yarn, pnpm and npm lockfiles of projects where nothing is installed', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-npm-locks-'));
      work.push(dir);
      const file = (rel: string) => readFileSync(path.join(JS, rel));
      const ref = await imageOfLayers(path.join(dir, 'img'), [
        {
          entries: [
            { path: 'srv/yarn-app/yarn.lock', body: file('yarn-berry-dups/yarn.lock') },
            { path: 'srv/pnpm-app/pnpm-lock.yaml', body: file('pnpm-v9-snapshots/pnpm-lock.yaml') },
          ],
        },
        {
          entries: [
            { path: 'srv/npm-app/package-lock.json', body: file('pkg-lock/package-lock-3.json') },
            // a stray lockfile inside an installed package is not read; the package itself is
            {
              path: 'srv/npm-app/node_modules/async/package.json',
              body: '{"name":"async","version":"3.2.4"}',
            },
            { path: 'srv/npm-app/node_modules/async/yarn.lock', body: file('yarn-dups/yarn.lock') },
          ],
        },
      ]);
      const result = await scanImage(ref, { dataDir: path.join(dir, 'data'), analyzers: defaultAnalyzers() });
      expect(result.problems).toEqual([]);
      const [l0, l1] = result.layers.map((l) => l.diffID);
      const got = result.components
        .filter((c) => c.type === 'npm')
        .map((c) => {
          expect(c.purl).toBe(npmPurl(c.name, c.version));
          return `${c.path} ${c.name}@${c.version}${c.lockfile ? ' lock' : ''}${c.dev ? ' dev' : ''} ${c.layer === l0 ? 0 : c.layer === l1 ? 1 : '?'}`;
        })
        .sort();
      expect(got).toEqual(
        [
          'srv/yarn-app/yarn.lock async@3.2.6 lock 0',
          'srv/yarn-app/yarn.lock async@0.9.2 lock 0',
          ...[
            'cross-spawn@7.0.6',
            'isexe@2.0.0',
            'path-key@3.1.1',
            'shebang-command@2.0.0',
            'shebang-regex@3.0.0',
            'which@2.0.2',
          ].map((p) => `srv/pnpm-app/pnpm-lock.yaml ${p} lock 0`),
          ...[
            '@types/prop-types@15.7.5',
            '@types/react@18.0.20',
            '@types/scheduler@0.16.2',
            'csstype@3.1.1',
          ].map((p) => `srv/npm-app/package-lock.json ${p} lock 1`),
          // async is installed under the project: its lockfile entry (a dev one) is dropped
          'srv/npm-app/node_modules/async/package.json async@3.2.4 1',
        ].sort(),
      );
    }, 120_000);
  },
);
