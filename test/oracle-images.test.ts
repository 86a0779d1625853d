/**
 * Real package databases from the oracle folder, packed into real image layers (OCI layout, gzip),
 * scanned through the whole pipeline (sources → walk → analyzers → coalesce): the components must be
 * exactly what the real package manager printed for those databases.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanImage } from '../src/scan/scan-image.js';
import { gzipLayer, OciLayout, type TarEntry, tarball } from './support/hostile.js';
import { haveOracles, ORACLES } from './support/oracles.js';

const oracle = (p: string) => path.join(ORACLES, p);
const json = <T>(p: string) => JSON.parse(readFileSync(oracle(p), 'utf8')) as T;

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

async function scanLayers(layers: TarEntry[][]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-oracle-img-'));
  work.push(dir);
  const layout = await OciLayout.create(path.join(dir, 'oci'));
  const desc = await layout.image(layers.map((entries, i) => gzipLayer(tarball(entries), `layer ${i}`)));
  await layout.tag([{ desc, tag: 'latest' }]);
  return scanImage(`oci:${layout.dir}:latest`, { dataDir: path.join(dir, 'data') });
}

const file = (p: string, from: string): TarEntry => ({ path: p, body: readFileSync(oracle(from)) });

interface RpmQa {
  packages: { name: string; epoch: number | null; version: string; release: string; arch: string | null }[];
}

describe.skipIf(!haveOracles('oracle databases inside images'))('oracle databases inside images', () => {
  it('rpm: CBL-Mariner rpmdb.sqlite under usr/lib/sysimage with var/lib/rpm a symlink to it', async () => {
    const want = json<RpmQa>('rpmdb/go-rpmdb/db/cbl-mariner-2.0/rpmdb.sqlite.rpm-qa.json').packages;
    const r = await scanLayers([
      [
        file('etc/os-release', 'pkgdb/trivy/os-release/mariner-2.0'),
        { path: 'var/lib/rpm', type: 'SymbolicLink', linkpath: '../../usr/lib/sysimage/rpm' },
      ],
      [file('usr/lib/sysimage/rpm/rpmdb.sqlite', 'rpmdb/go-rpmdb/db/cbl-mariner-2.0/rpmdb.sqlite')],
    ]);
    expect(r.os?.id).toBe('mariner');
    const got = r.components.map((c) => `${c.name} ${c.version} ${c.arch ?? ''}`).sort();
    const expected = want
      .map(
        (p) => `${p.name} ${p.epoch !== null ? `${p.epoch}:` : ''}${p.version}-${p.release} ${p.arch ?? ''}`,
      )
      .sort();
    expect(got).toEqual(expected);
    expect(new Set(r.components.map((c) => c.layer))).toEqual(new Set([r.layers[1]!.diffID]));
    expect(r.components.every((c) => c.purl?.startsWith('pkg:rpm/mariner/'))).toBe(true);
  });

  it('rpm: BerkeleyDB Packages and NDB Packages.db', async () => {
    const bdb = await scanLayers([[file('var/lib/rpm/Packages', 'rpmdb/go-rpmdb/db/libuuid/Packages')]]);
    expect(bdb.components.map((c) => `${c.name} ${c.version}`)).toEqual(
      json<RpmQa>('rpmdb/go-rpmdb/db/libuuid/Packages.rpm-qa.json').packages.map(
        (p) => `${p.name} ${p.version}-${p.release}`,
      ),
    );
    const ndb = await scanLayers([
      [file('usr/lib/sysimage/rpm/Packages.db', 'rpmdb/go-rpmdb/db/sle15-bci/Packages.db')],
    ]);
    const want = json<RpmQa>('rpmdb/go-rpmdb/db/sle15-bci/Packages.db.expected.json').packages;
    expect(ndb.components.map((c) => c.name).sort()).toEqual(want.map((p) => p.name).sort());
  });

  it('dpkg: a 357-package status file, then a layer that removes it with a whiteout', async () => {
    const want = json<{ packages: { package: string; version: string; status: string }[] }>(
      'pkgdb/claircore-dpkg/texlive.status.dpkg-query.json',
    );
    const installed = want.packages.filter((p) => /installed$/.test(p.status));
    expect(installed.length).toBeGreaterThan(300);
    const base = [file('var/lib/dpkg/status', 'pkgdb/claircore-dpkg/texlive.status')];
    const r = await scanLayers([base]);
    expect(r.components.map((c) => `${c.name} ${c.version}`).sort()).toEqual(
      installed.map((p) => `${p.package} ${p.version}`).sort(),
    );
    const gone = await scanLayers([base, [{ path: 'var/lib/dpkg/.wh.status', body: '' }]]);
    expect(gone.components).toEqual([]);
  });

  it('apk: the installed database with Alpine release files', async () => {
    const want = json<{ packages: { Name: string; Version: string }[] }>(
      'pkgdb/trivy/apk/installed.trivy-expected.json',
    );
    const r = await scanLayers([
      [
        file('etc/os-release', 'pkgdb/trivy/os-release/alpine'),
        file('lib/apk/db/installed', 'pkgdb/trivy/apk/installed'),
      ],
    ]);
    expect(r.os?.id).toBe('alpine');
    expect(r.components.map((c) => `${c.name} ${c.version}`).sort()).toEqual(
      want.packages.map((p) => `${p.Name} ${p.Version}`).sort(),
    );
    expect(r.components[0]?.purl).toMatch(/^pkg:apk\/alpine\//);
  });
});
