import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { oracleSuite } from '../../test/support/oracles.js';
import { type ImportReport, openVulnDb, type VulnDb } from './vulndb.js';

/** Every `*.json` under `dir`, recursively. */
function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return entry.endsWith('.json') ? [path] : [];
  });
}

interface OsvFile {
  id: string;
  withdrawn?: string;
  affected?: { package?: { ecosystem: string }; ranges?: { type: string }[]; versions?: string[] }[];
}

function ids(files: string[]): Set<string> {
  return new Set(files.map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { id: string }).id));
}

oracleSuite('osv', (dir) => {
  let workDir: string;
  let db: VulnDb;
  let report: ImportReport;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'vulndb-oracle-'));
    db = await openVulnDb(join(workDir, 'vulndb.sqlite'));
    const rssBefore = process.memoryUsage().rss;
    report = await db.importFeeds([dir]);
    const rssAfter = process.memoryUsage().rss;
    console.log(
      `vulndb: imported ${dir} in ${report.durationMs} ms: ${report.advisories} advisories, ${report.ranges} ranges; ` +
        `RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MiB`,
    );
  });

  afterAll(async () => {
    await db?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('imports one advisory per distinct OSV id, per ecosystem folder', () => {
    const almalinux = jsonFiles(join(dir, 'almalinux'));
    const pypa = jsonFiles(join(dir, 'pypa')).filter((f) => !f.endsWith('selfcheck.json'));
    const golang = jsonFiles(join(dir, 'golang'));
    const npm = jsonFiles(join(dir, 'github-npm-sample'));
    expect(almalinux).toHaveLength(2443);
    expect(pypa).toHaveLength(2661);
    expect(golang).toHaveLength(4291);
    // AlmaLinux publishes a few errata in both its 9 and 10 folders, with the same id and content.
    const distinct = ids([...almalinux, ...pypa, ...golang, ...npm]).size;
    expect(report.advisories).toBe(distinct);
    expect(report.advisoryCounts).toEqual([
      { source: 'osv', advisories: distinct, withdrawn: expect.any(Number) as number },
    ]);
    const records = report.sources[0]?.records['osv'];
    expect(records).toBe(almalinux.length + pypa.length + golang.length + npm.length);
    expect(report.notices.join('\n')).toMatch(
      /1 × JSON document of no known feed format skipped \(.*selfcheck\.json\)/,
    );
  });

  it('counts each ecosystem as the files say', () => {
    // Recounted from the files: per ecosystem, the distinct ids that are not withdrawn and give that
    // ecosystem a package with a version range (ECOSYSTEM or SEMVER) or a versions list.
    const expected = new Map<string, Set<string>>();
    let withdrawn = 0;
    const seen = new Set<string>();
    for (const path of jsonFiles(dir).filter((f) => !f.endsWith('selfcheck.json'))) {
      const record = JSON.parse(readFileSync(path, 'utf8')) as OsvFile;
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      if (record.withdrawn) {
        withdrawn++;
        continue;
      }
      for (const affected of record.affected ?? []) {
        const versioned =
          (affected.ranges ?? []).some((r) => r.type !== 'GIT') || (affected.versions ?? []).length > 0;
        if (!affected.package || !versioned) continue;
        const ids = expected.get(affected.package.ecosystem) ?? new Set();
        ids.add(record.id);
        expected.set(affected.package.ecosystem, ids);
      }
    }
    expect(Object.fromEntries(report.ecosystemCounts.map((c) => [c.ecosystem, c.advisories]))).toEqual(
      Object.fromEntries([...expected].map(([ecosystem, ids]) => [ecosystem, ids.size])),
    );
    expect(report.advisoryCounts[0]?.withdrawn).toBe(withdrawn);
  });

  it('answers lookups from the imported data', async () => {
    const found = await db.advisoriesFor('npm', ['lodash', 'minimist', 'left-pad']);
    expect(found.has('left-pad')).toBe(false);
    const lodash = found.get('lodash') ?? [];
    expect(lodash.map((r) => r.advisory.id)).toContain('GHSA-35jh-r3h4-6jhm');
    const ghsa = lodash.find((r) => r.advisory.id === 'GHSA-35jh-r3h4-6jhm');
    expect(ghsa?.advisory.severity).toEqual({
      vendor: 'high',
      cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
      cvss3Score: 7.2,
    });
    expect(ghsa?.range.events).toEqual([{ introduced: '0' }, { fixed: '4.17.21' }]);
    const status = await db.status();
    expect(status.currentVersion).toBe(report.version);
    expect(status.advisories).toBe(report.advisories);
  });
});
