import { describe, expect, it } from 'vitest';
import type { Analyzer, FileFindings, LayerAnalysis } from '../core/analyzer.js';
import type { Component } from '../core/component.js';
import type { LayerMeta } from '../walk/walk-layer.js';
import {
  attachLicenses,
  coalesceComponents,
  finalFiles,
  finalSymlinks,
  type LayerData,
  resolveWantedLinks,
} from './coalesce.js';

const pkg = (name: string, version: string): Component => ({ name, version, type: 'deb', arch: 'amd64' });

function layer(n: number, files: Record<string, FileFindings>, extra: Partial<LayerMeta> = {}): LayerData {
  const meta: LayerMeta = {
    diffID: `sha256:${String(n).repeat(64)}`,
    size: 1,
    files: 1,
    whiteouts: [],
    opaqueDirs: [],
    symlinks: {},
    ...extra,
  };
  const a: LayerAnalysis = { analyzer: 'dpkg', version: 1, files };
  return { meta, analyses: new Map([['dpkg', a]]) };
}

const dpkg: Analyzer = {
  name: 'dpkg',
  version: 1,
  wants: (i) => i.path.startsWith('var/lib/dpkg/'),
  analyze: () => undefined,
};

describe('coalesce', () => {
  const status = 'var/lib/dpkg/status';
  it('keeps the top version of a database and dates each package to the layer that introduced it', () => {
    const layers = [
      layer(1, { [status]: { components: [pkg('a', '1'), pkg('b', '1')] } }),
      layer(2, {}),
      layer(3, { [status]: { components: [pkg('a', '1'), pkg('b', '2'), pkg('c', '1')] } }),
    ];
    const { components } = coalesceComponents(layers, [dpkg]);
    expect(components.map((c) => [c.name, c.version, c.layer?.slice(7, 8), c.path])).toEqual([
      ['a', '1', '1', status],
      ['b', '2', '3', status],
      ['c', '1', '3', status],
    ]);
  });

  it('applies whiteouts and opaque directories of upper layers only', () => {
    const d = 'var/lib/dpkg/status.d';
    const layers = [
      layer(1, { [`${d}/a`]: { components: [pkg('a', '1')] }, [`${d}/b`]: { components: [pkg('b', '1')] } }),
      layer(2, { [`${d}/c`]: { components: [pkg('c', '1')] } }, { whiteouts: [`${d}/a`] }),
      layer(3, { [`${d}/d`]: { components: [pkg('d', '1')] } }, { opaqueDirs: [d] }),
    ];
    expect([...finalFiles(layers.slice(0, 2), 'dpkg').keys()].sort()).toEqual([`${d}/b`, `${d}/c`]);
    expect([...finalFiles(layers, 'dpkg').keys()]).toEqual([`${d}/d`]);
    const removedDir = [layers[0]!, layer(2, {}, { whiteouts: ['var/lib/dpkg'] })];
    expect(coalesceComponents(removedDir, [dpkg]).components).toEqual([]);
  });

  it('reports a symlink loop on a wanted path and ignores loops elsewhere', () => {
    const looped = [
      layer(1, {}, { symlinks: { 'var/lib/dpkg/status': '../../../a', a: 'b', b: '/var/lib/dpkg/status' } }),
    ];
    expect(() => resolveWantedLinks(finalSymlinks(looped), [dpkg])).toThrow(
      'symlink loop: var/lib/dpkg/status -> a -> b -> var/lib/dpkg/status',
    );
    const elsewhere = [
      layer(1, {}, { symlinks: { x: 'y', y: 'x', 'var/lib/dpkg/status': '/../../../../real' } }),
    ];
    expect(resolveWantedLinks(finalSymlinks(elsewhere), [dpkg])).toEqual(
      new Map([['var/lib/dpkg/status', 'real']]),
    );
  });

  it('attaches licenses from surviving copyright files, through symlinked doc dirs', () => {
    const lic = (name: string, licenses: string[]): FileFindings => ({
      packageLicenses: { type: 'deb', name, licenses },
    });
    const copyright: Analyzer = {
      name: 'copyright',
      version: 1,
      wants: () => false,
      analyze: () => undefined,
    };
    const withCopyright = (
      n: number,
      files: Record<string, FileFindings>,
      extra: Partial<LayerMeta> = {},
    ) => {
      const l = layer(n, {}, extra);
      l.analyses.set('copyright', { analyzer: 'copyright', version: 1, files });
      return l;
    };
    const layers = [
      withCopyright(1, {
        'usr/share/doc/gcc-12-base/copyright': lic('gcc-12-base', ['GPL-3']),
        'usr/share/doc/old/copyright': lic('old', ['MIT']),
      }),
      withCopyright(
        2,
        {},
        { symlinks: { 'usr/share/doc/libgcc-s1': 'gcc-12-base' }, whiteouts: ['usr/share/doc/old'] },
      ),
    ];
    const cs = [
      pkg('libgcc-s1', '12'),
      pkg('gcc-12-base', '12'),
      pkg('old', '1'),
      { ...pkg('kept', '1'), licenses: ['X'] },
    ];
    attachLicenses(cs, layers, [copyright], finalSymlinks(layers));
    expect(cs.map((c) => [c.name, c.licenses])).toEqual([
      ['libgcc-s1', ['GPL-3']],
      ['gcc-12-base', ['GPL-3']],
      ['old', undefined],
      ['kept', ['X']],
    ]);
  });
});

describe('coalesce: language packages', () => {
  const npm = (name: string, version: string, extra: Partial<Component> = {}): Component => ({
    name,
    version,
    type: 'npm',
    ...extra,
  });

  it('keeps one component per place a language package sits, and the path an analyzer gave', () => {
    const layers = [
      layer(1, {
        'app/node_modules/lodash/package.json': { components: [npm('lodash', '4.17.21')] },
        'srv/node_modules/lodash/package.json': { components: [npm('lodash', '4.17.21')] },
        'opt/app.jar': {
          components: [
            { name: 'g:a', version: '1', type: 'maven', path: 'opt/app.jar!/BOOT-INF/lib/a-1.jar' },
            { name: 'g:a', version: '1', type: 'maven', path: 'opt/app.jar!/BOOT-INF/lib/nested/a-1.jar' },
          ],
        },
      }),
    ];
    const { components } = coalesceComponents(layers, [dpkg]);
    expect(components.map((c) => c.path)).toEqual([
      'app/node_modules/lodash/package.json',
      'opt/app.jar!/BOOT-INF/lib/a-1.jar',
      'opt/app.jar!/BOOT-INF/lib/nested/a-1.jar',
      'srv/node_modules/lodash/package.json',
    ]);
  });

  it('dates a language package by its own file, not by another copy', () => {
    const file = 'app/node_modules/left-pad/package.json';
    const layers = [
      layer(1, { [file]: { components: [npm('left-pad', '1.3.0')] } }),
      layer(2, { 'other/node_modules/left-pad/package.json': { components: [npm('left-pad', '1.3.0')] } }),
    ];
    const { components } = coalesceComponents(layers, [dpkg]);
    expect(components.map((c) => [c.path, c.layer?.slice(7, 8)])).toEqual([
      [file, '1'],
      ['other/node_modules/left-pad/package.json', '2'],
    ]);
  });

  it('drops lockfile entries for packages installed under the lockfile directory, keeps the rest', () => {
    const layers = [
      layer(1, {
        'app/package-lock.json': {
          components: [npm('a', '1.0.0', { lockfile: true }), npm('b', '2.0.0', { lockfile: true })],
        },
        'app/node_modules/a/package.json': { components: [npm('a', '1.0.1')] },
        'other/node_modules/b/package.json': { components: [npm('b', '2.0.0')] },
        'srv/requirements.txt': {
          components: [{ name: 'Django', version: '4.2', type: 'pypi', lockfile: true }],
        },
        'usr/lib/python3/site-packages/Django-4.2.1.dist-info/METADATA': {
          components: [{ name: 'Django', version: '4.2.1', type: 'pypi' }],
        },
      }),
    ];
    const { components } = coalesceComponents(layers, [dpkg]);
    // `a` is installed beside the lockfile; `b` only in another project; Django is installed globally
    expect(components.map((c) => `${c.name}@${c.version}${c.lockfile ? ' (lockfile)' : ''}`).sort()).toEqual([
      'Django@4.2.1',
      'a@1.0.1',
      'b@2.0.0',
      'b@2.0.0 (lockfile)',
    ]);
  });
});

describe('coalesce: one Python install described twice', () => {
  it('keeps one component for a dist-info and an egg-info of one package in one site-packages', () => {
    const sp = 'usr/lib/python3/dist-packages';
    const py = (name: string, version: string): Component => ({ name, version, type: 'pypi' });
    const layers = [
      layer(1, {
        [`${sp}/cryptography-38.0.4.dist-info/METADATA`]: { components: [py('cryptography', '38.0.4')] },
        [`${sp}/cryptography.egg-info/PKG-INFO`]: { components: [py('cryptography', '38.0.4')] },
        [`${sp}/Zope.Interface-5.5.2.egg-info`]: { components: [py('Zope.Interface', '5.5.2')] },
        [`${sp}/zope_interface-5.5.2.dist-info/METADATA`]: { components: [py('zope_interface', '5.5.2')] },
        [`opt/venv/lib/python3.11/site-packages/cryptography-38.0.4.dist-info/METADATA`]: {
          components: [py('cryptography', '38.0.4')],
        },
        'app/requirements.txt': {
          components: [{ name: 'ZOPE-interface', version: '5.5.2', type: 'pypi', lockfile: true }],
        },
      }),
    ];
    const { components } = coalesceComponents(layers, [dpkg]);
    expect(components.map((c) => c.path)).toEqual([
      'opt/venv/lib/python3.11/site-packages/cryptography-38.0.4.dist-info/METADATA',
      `${sp}/Zope.Interface-5.5.2.egg-info`,
      `${sp}/cryptography-38.0.4.dist-info/METADATA`,
    ]);
  });
});
