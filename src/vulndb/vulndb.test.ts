import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openVulnDb, type VulnDb } from './vulndb.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OSV_FOLDER = join(HERE, 'feeds', 'osv', 'testdata', 'folder');
const OSV_ZIP = join(HERE, 'feeds', 'osv', 'testdata', 'all.zip');
const DEBIAN = join(HERE, 'feeds', 'debian-tracker', 'testdata', 'tracker.json');
const ALPINE_319 = join(HERE, 'feeds', 'alpine-secdb', 'testdata', 'v3.19-main.json');
const ALPINE_318 = join(HERE, 'feeds', 'alpine-secdb', 'testdata', 'v3.18-main.json');
const ALL = [OSV_FOLDER, OSV_ZIP, DEBIAN, ALPINE_319, ALPINE_318];

/** Rows per version in each table, read beside the API. */
function rowVersions(file: string): Record<string, number[]> {
  const db = new Database(file, { readonly: true });
  try {
    const versions = (table: string) =>
      db.prepare(`select distinct version from ${table} order by version`).pluck().all() as number[];
    return {
      advisories: versions('advisories'),
      affected_ranges: versions('affected_ranges'),
      db_versions: versions('db_versions'),
    };
  } finally {
    db.close();
  }
}

function osvRecord(id: string, name: string) {
  return {
    id,
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'npm', name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
      },
    ],
  };
}

describe('vulndb', () => {
  let scratch: string;
  let file: string;
  let db: VulnDb;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'vulndb-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  beforeEach(async (context) => {
    file = join(scratch, `${context.task.id}.sqlite`);
    db = await openVulnDb(file);
  });
  afterEach(async () => {
    await db.close();
  });

  it('starts empty', async () => {
    expect(await db.currentVersion()).toBe(0);
    expect((await db.advisoriesFor('npm', ['tinymerge'])).size).toBe(0);
    const status = await db.status();
    expect(status).toMatchObject({ currentVersion: 0, advisories: 0, ranges: 0, sources: [] });
    expect(status.importedAt).toBeUndefined();
  });

  it('imports every feed format at once and reports what it holds', async () => {
    const report = await db.importFeeds(ALL, { now: () => new Date('2025-01-02T03:04:05Z') });
    expect(report).toMatchObject({
      version: 1,
      replaced: 0,
      startedAt: '2025-01-02T03:04:05.000Z',
      finishedAt: '2025-01-02T03:04:05.000Z',
      advisories: 7 + 3 + 4,
      sources: [
        { path: OSV_FOLDER, documents: 5, records: { osv: 5 } },
        { path: OSV_ZIP, documents: 2, records: { osv: 2 } },
        { path: DEBIAN, documents: 1, records: { 'debian-tracker': 4 } },
        { path: ALPINE_319, documents: 1, records: { 'alpine-secdb': 6 } },
        { path: ALPINE_318, documents: 1, records: { 'alpine-secdb': 1 } },
      ],
    });
    expect(report.advisoryCounts).toEqual([
      { source: 'alpine-secdb', advisories: 4, withdrawn: 0 },
      { source: 'debian-tracker', advisories: 3, withdrawn: 0 },
      { source: 'osv', advisories: 7, withdrawn: 1 },
    ]);
    expect(report.ecosystemCounts).toContainEqual({
      source: 'osv',
      ecosystem: 'npm',
      advisories: 3,
      ranges: 4,
    });
    expect(report.ecosystemCounts).toContainEqual({
      source: 'debian-tracker',
      ecosystem: 'Debian:11',
      advisories: 2,
      ranges: 3,
    });
    expect(report.notices).toContain(
      '1 × withdrawn advisory kept without its ranges (never matched) (GO-2023-1999)',
    );

    const status = await db.status({ now: () => new Date('2025-01-02T04:04:05Z') });
    expect(status).toMatchObject({
      currentVersion: 1,
      importedAt: '2025-01-02T03:04:05.000Z',
      ageSeconds: 3600,
      advisories: report.advisories,
      ranges: report.ranges,
      sources: report.sources,
      advisoryCounts: report.advisoryCounts,
      ecosystemCounts: report.ecosystemCounts,
      notices: report.notices,
    });
    expect(await db.currentVersion()).toBe(1);
  });

  it('looks up ranges by (ecosystem, package) with their advisories', async () => {
    await db.importFeeds(ALL);
    const npm = await db.advisoriesFor('npm', ['tinymerge', 'slugr', 'left-pad', '@scope/tinymerge-lite']);
    expect([...npm.keys()].sort()).toEqual(['@scope/tinymerge-lite', 'slugr', 'tinymerge']);
    const [tinymerge] = npm.get('tinymerge') ?? [];
    expect(tinymerge).toEqual({
      advisory: {
        id: 'GHSA-7fh5-64p2-3v2j',
        aliases: ['CVE-2024-11111'],
        summary: 'Prototype pollution in tinymerge',
        details: '`tinymerge` before 2.1.4 and 3.x before 3.0.2 lets `__proto__` keys through.',
        severity: {
          vendor: 'medium',
          cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
          cvss3Score: 6.1,
        },
        references: [
          'https://nvd.nist.gov/vuln/detail/CVE-2024-11111',
          'https://github.com/example/tinymerge',
        ],
        published: '2024-02-20T09:30:00Z',
        modified: '2024-03-01T12:00:00Z',
        source: 'osv',
      },
      range: {
        ecosystem: 'npm',
        package: 'tinymerge',
        events: [{ introduced: '0' }, { fixed: '2.1.4' }, { introduced: '3.0.0' }, { fixed: '3.0.2' }],
      },
    });
    // one advisory object per advisory in a call
    expect(npm.get('@scope/tinymerge-lite')?.[0]?.advisory).toBe(tinymerge?.advisory);

    const withdrawn = await db.advisoriesFor('Go', ['example.com/yamlish', 'stdlib']);
    expect([...withdrawn.keys()]).toEqual(['stdlib']);
  });

  it('merges a distro issue listed under several packages and branches into one advisory', async () => {
    await db.importFeeds(ALL);
    const bullseye = await db.advisoriesFor('Debian:11', ['openssl', 'openssl1.1', 'linux']);
    const openssl = bullseye.get('openssl')?.[0];
    const openssl11 = bullseye.get('openssl1.1')?.[0];
    expect(openssl?.advisory).toBe(openssl11?.advisory);
    expect(openssl?.advisory).toMatchObject({
      id: 'CVE-2024-0727',
      severity: { vendor: 'high' },
      references: [
        'https://security-tracker.debian.org/tracker/CVE-2024-0727',
        'https://bugs.debian.org/1061582',
        'https://bugs.debian.org/1061583',
      ],
      source: 'debian-tracker',
    });
    expect(openssl?.range).toEqual({
      ecosystem: 'Debian:11',
      package: 'openssl',
      events: [{ introduced: '0' }],
      unfixed: true,
      urgency: 'low**',
      vendorSeverity: 'low',
    });
    expect(bullseye.get('linux')?.[0]?.range).toMatchObject({ unfixed: true, undetermined: true });
    const buster = await db.advisoriesFor('Debian:10', ['openssl']);
    expect(buster.get('openssl')?.[0]?.range).toMatchObject({
      unfixed: true,
      endOfLife: true,
      urgency: 'end-of-life',
    });
    // never affected anywhere: no advisory
    const bookworm = await db.advisoriesFor('Debian:12', ['openssl']);
    expect(bookworm.get('openssl')?.map((r) => r.advisory.id)).toEqual(['CVE-2024-0727']);

    const alpine = await db.advisoriesFor('Alpine:v3.19', ['busybox', 'xen']);
    expect(alpine.get('busybox')?.map((r) => [r.advisory.id, r.range.events])).toEqual([
      ['CVE-2023-42363', [{ introduced: '0' }, { fixed: '1.36.1-r15' }]],
      ['CVE-2023-42364', [{ introduced: '0' }, { fixed: '1.36.1-r15' }]],
      ['CVE-2023-42364', [{ introduced: '0' }, { fixed: '1.36.1-r17' }]],
    ]);
    expect(alpine.get('xen')?.map((r) => [r.advisory.id, r.advisory.aliases])).toEqual([
      ['CVE-2023-46837', ['XSA-447']],
      ['XSA-448', []],
    ]);
    const v318 = await db.advisoriesFor('Alpine:v3.18', ['busybox']);
    expect(v318.get('busybox')?.[0]?.advisory).toMatchObject({ id: 'CVE-2023-42363' });
  });

  it('answers a lookup of more names than one query takes', async () => {
    await db.importFeeds(ALL);
    const names = Array.from({ length: 1_700 }, (_, i) => `pkg-${i}`);
    names.splice(3, 0, 'tinymerge');
    names.splice(900, 0, 'slugr');
    names.push('slugr-server', 'tinymerge');
    const found = await db.advisoriesFor('npm', names);
    expect([...found.keys()].sort()).toEqual(['slugr', 'slugr-server', 'tinymerge']);
    expect(found.get('tinymerge')).toHaveLength(1);
  });

  it('finds the format of each document from its content, not its name', async () => {
    const folder = join(scratch, 'misnamed');
    mkdirSync(folder);
    copyFileSync(DEBIAN, join(folder, 'GHSA-0000-0000-0000.json'));
    copyFileSync(ALPINE_319, join(folder, 'tracker.json'));
    copyFileSync(OSV_ZIP, join(folder, 'debian.json.zip'));
    const report = await db.importFeeds([folder]);
    expect(report.sources[0]?.records).toEqual({ 'debian-tracker': 4, 'alpine-secdb': 6, osv: 2 });
  });

  it('replaces the whole content on re-import and keeps only the current version', async () => {
    const first = await db.importFeeds(ALL);
    const second = await db.importFeeds([ALPINE_318]);
    expect(second).toMatchObject({ version: first.version + 1, replaced: first.version, advisories: 1 });
    expect(await db.currentVersion()).toBe(second.version);
    expect((await db.advisoriesFor('npm', ['tinymerge'])).size).toBe(0);
    expect((await db.advisoriesFor('Alpine:v3.18', ['busybox'])).size).toBe(1);
    expect((await db.status()).sources.map((s) => s.path)).toEqual([ALPINE_318]);
    expect(rowVersions(file)).toEqual({
      advisories: [second.version],
      affected_ranges: [second.version],
      db_versions: [second.version],
    });
  });

  it('keeps the previous version current and complete when an import fails, and says why', async () => {
    const first = await db.importFeeds(ALL);
    const before = await db.advisoriesFor('npm', ['tinymerge', 'slugr', 'slugr-server']);
    // enough good records that several batches are written before the bad one is read
    const folder = join(scratch, 'failing');
    mkdirSync(folder);
    for (let i = 0; i < 1_200; i++) {
      writeFileSync(
        join(folder, `GHSA-${String(i).padStart(4, '0')}.json`),
        JSON.stringify(osvRecord(`GHSA-${i}`, 'tinymerge')),
      );
    }
    const bad = join(folder, 'GHSA-zzzz.json');
    writeFileSync(bad, JSON.stringify({ ...osvRecord('GHSA-zzzz-bad', 'x'), aliases: 'CVE-2024-1' }));

    await expect(db.importFeeds([folder])).rejects.toThrow(
      `${bad}: record GHSA-zzzz-bad: not a valid OSV record: aliases: Invalid input: expected array, received string`,
    );
    expect(await db.currentVersion()).toBe(first.version);
    expect(await db.advisoriesFor('npm', ['tinymerge', 'slugr', 'slugr-server'])).toEqual(before);
    const status = await db.status();
    expect(status).toMatchObject({ currentVersion: first.version, advisories: first.advisories });
    expect(status.lastFailure?.error).toContain('GHSA-zzzz-bad');
    expect(rowVersions(file)).toMatchObject({
      advisories: [first.version],
      affected_ranges: [first.version],
    });

    // the next good import clears the failure
    await db.importFeeds([ALPINE_318]);
    expect((await db.status()).lastFailure).toBeUndefined();
  });

  it('refuses an import that finds no advisories', async () => {
    await db.importFeeds([ALPINE_318]);
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    await expect(db.importFeeds([empty])).rejects.toThrow('no advisories found; the current version is kept');
    expect((await db.advisoriesFor('Alpine:v3.18', ['busybox'])).size).toBe(1);
  });

  it('serves lookups from the current version while an import runs', async () => {
    await db.importFeeds([ALPINE_318]);
    const folder = join(scratch, 'large');
    mkdirSync(folder);
    for (let i = 0; i < 2_000; i++) {
      writeFileSync(join(folder, `GHSA-${i}.json`), JSON.stringify(osvRecord(`GHSA-${i}`, `pkg-${i}`)));
    }
    let done = false;
    const importing = db.importFeeds([folder]).finally(() => {
      done = true;
    });
    const during = await db.advisoriesFor('Alpine:v3.18', ['busybox']);
    expect(await db.currentVersion()).toBe(1);
    expect(done).toBe(false);
    expect(during.size).toBe(1);
    const report = await importing;
    expect(report.advisories).toBe(2_000);
    expect((await db.advisoriesFor('Alpine:v3.18', ['busybox'])).size).toBe(0);
    expect((await db.advisoriesFor('npm', ['pkg-1999'])).get('pkg-1999')).toHaveLength(1);
  });

  it('reads a file once however many import paths lead to it', async () => {
    const again = join(HERE, 'feeds', 'alpine-secdb', '..', 'alpine-secdb', 'testdata', 'v3.19-main.json');
    const report = await db.importFeeds([join(HERE, 'feeds', 'alpine-secdb', 'testdata'), ALPINE_319, again]);
    expect(report.sources.map((s) => s.documents)).toEqual([2, 0, 0]);
    expect((await db.advisoriesFor('Alpine:v3.19', ['busybox'])).get('busybox')).toHaveLength(3);
  });

  it('runs two imports on one handle one after the other', async () => {
    const [a, b] = await Promise.all([db.importFeeds([ALPINE_318]), db.importFeeds([ALPINE_319])]);
    expect([a.version, b.version]).toEqual([1, 2]);
    expect(await db.currentVersion()).toBe(2);
  });

  it('keeps the newer of two OSV records with one id', async () => {
    const folder = join(scratch, 'duplicates');
    mkdirSync(join(folder, 'a'), { recursive: true });
    mkdirSync(join(folder, 'b'));
    writeFileSync(
      join(folder, 'a', 'X.json'),
      JSON.stringify({ ...osvRecord('OSV-1', 'newer'), modified: '2024-06-01T00:00:00Z' }),
    );
    writeFileSync(
      join(folder, 'b', 'X.json'),
      JSON.stringify({ ...osvRecord('OSV-1', 'older'), modified: '2024-01-01T00:00:00Z' }),
    );
    const report = await db.importFeeds([folder]);
    expect(report.advisories).toBe(1);
    const found = await db.advisoriesFor('npm', ['newer', 'older']);
    expect([...found.keys()]).toEqual(['newer']);
  });

  it('keeps the data across close and reopen', async () => {
    const report = await db.importFeeds([ALPINE_319]);
    await db.close();
    db = await openVulnDb(file);
    expect(await db.currentVersion()).toBe(report.version);
    expect((await db.advisoriesFor('Alpine:v3.19', ['xen'])).get('xen')).toHaveLength(2);
  });
});
