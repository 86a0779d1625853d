/**
 * Matching correctness on real data: every PyPA advisory (pypa/advisory-database, OSV) names, besides
 * its ECOSYSTEM ranges, the affected releases explicitly (`versions`). The records are imported with
 * those lists REMOVED, so only the ranges, evaluated in our PEP 440 order, decide; then every listed
 * version must be found affected and every fixed version not affected. Records that the oracle's
 * selfcheck.json (the ranges evaluated by python `packaging`) shows inconsistent upstream are left out
 * of that check: their non-PEP 440 listed versions are not checked, their PEP 440 ones that packaging
 * puts outside the ranges are checked against OSV's own evaluation rules (see below).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { matchComponents } from '../src/match/match-components.js';
import { openVulnDb } from '../src/vulndb/vulndb.js';
import { haveOracles, ORACLES } from './support/oracles.js';

const PYPA = path.join(ORACLES, 'osv/pypa');
const oracles = haveOracles('PyPA advisories matched by their ranges') && existsSync(PYPA);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

interface OsvRange {
  type: string;
  events: Record<string, string>[];
}
interface OsvRecord {
  id: string;
  withdrawn?: string;
  affected?: { package?: { ecosystem: string; name: string }; ranges?: OsvRange[]; versions?: string[] }[];
}

function filesUnder(dir: string, exts: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && exts.some((x) => e.name.endsWith(x)))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The same PyPI project spelled differently (PEP 503 equivalent): `django-cms` → `Django_Cms`, `Django.Cms`. */
function respell(name: string, i: number): string {
  const sep = ['_', '.', '-', '__'][i % 4]!;
  return name
    .split(/[-_.]+/)
    .map((p, j) => ((i + j) % 2 === 0 ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(sep);
}

describe.skipIf(!oracles)('PyPA advisories, versions lists removed: ranges alone decide', () => {
  it('find every listed version affected and every fixed version not affected', async () => {
    const records: OsvRecord[] = [
      ...filesUnder(path.join(PYPA, 'json'), ['.json']).map(
        (f) => JSON.parse(readFileSync(f, 'utf8')) as OsvRecord,
      ),
    ];
    expect(records.length).toBeGreaterThan(2500);
    const selfcheck = JSON.parse(readFileSync(path.join(PYPA, 'selfcheck.json'), 'utf8')) as {
      checkedVersionEntries: number;
      recordsWithListedVersionsOutsideRanges: Record<string, string[]>;
    };
    const inconsistent = selfcheck.recordsWithListedVersionsOutsideRanges;

    // stripped copies, one file per record
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-pypa-'));
    work.push(dir);
    const feed = path.join(dir, 'feed');
    mkdirSync(feed);
    const affected: { id: string; name: string; version: string }[] = [];
    const fixed: { id: string; name: string; version: string }[] = [];
    const outside: { id: string; name: string; version: string }[] = [];
    const stillAffected: { id: string; name: string; version: string }[] = [];
    let excludedRecords = 0;
    let excludedNonPep440 = 0;
    let excludedOutside = 0;
    let withdrawn = 0;
    let checkedRecords = 0;
    const contradictory: string[] = [];
    for (const [i, r] of records.entries()) {
      const stripped = structuredClone(r);
      for (const a of stripped.affected ?? []) delete a.versions;
      writeFileSync(path.join(feed, `${i}.json`), JSON.stringify(stripped));
      if (r.withdrawn) {
        withdrawn++;
        continue;
      }
      if (inconsistent[r.id]) {
        excludedRecords++;
        for (const v of inconsistent[r.id]!) {
          if (v.endsWith('(not PEP 440)')) {
            excludedNonPep440++;
            continue;
          }
          excludedOutside++;
          // packaging found this listed version outside the ranges (selfcheck sorts the events and reads
          // `introduced: "0"` as `>= 0`); OSV pairs the events as listed and reads "0" as "every version",
          // so two cases stay affected: pre-releases of 0.0.0 (`0.0.0b1 < 0`, vantage6 records) and wagtail
          // 2.11.6 in PYSEC-2021-114 (inside the listed pair [2.11, 2.11.7)). The rest must not be affected.
          const name = r.affected?.find((a) => a.versions?.includes(v))?.package?.name;
          if (!name) continue;
          if (v.startsWith('0.0.0') || (r.id === 'PYSEC-2021-114' && v === '2.11.6'))
            stillAffected.push({ id: r.id, name, version: v });
          else outside.push({ id: r.id, name, version: v });
        }
        continue;
      }
      let used = false;
      for (const a of r.affected ?? []) {
        if (a.package?.ecosystem !== 'PyPI') continue;
        const ranges = (a.ranges ?? []).filter((x) => x.type === 'ECOSYSTEM');
        if (ranges.length === 0) continue;
        used = true;
        const name = a.package.name;
        for (const version of a.versions ?? []) affected.push({ id: r.id, name, version });
        const listed = new Set(
          (r.affected ?? []).filter((b) => b.package?.name === name).flatMap((b) => b.versions ?? []),
        );
        // a record whose ranges say both "fixed in X" and "introduced in X" contradicts itself about X
        // (apache-iotdb PYSEC-2022-42972 at 0.13.0, pyspark PYSEC-2023-72 at 3.2.0): OSV pairs the events in
        // the order listed, so X is affected by the pair it introduces; such fixed versions are not checked
        const introduced = new Set(ranges.flatMap((x) => x.events.flatMap((e) => e.introduced ?? [])));
        for (const range of ranges)
          for (const e of range.events) {
            if (e.fixed === undefined || listed.has(e.fixed)) continue;
            if (introduced.has(e.fixed)) contradictory.push(`${r.id} ${name} ${e.fixed}`);
            else fixed.push({ id: r.id, name, version: e.fixed });
          }
      }
      if (used) checkedRecords++;
    }

    const db = await openVulnDb(path.join(dir, 'vulndb.sqlite'));
    try {
      const report = await db.importFeeds([feed]);
      expect(report.advisories).toBeGreaterThan(2500);

      // one component per distinct (name, version), its name spelled differently from the advisory's
      const spelled = new Map<string, string>();
      const components = new Map<string, Component>();
      for (const { name, version } of [...affected, ...fixed, ...outside, ...stillAffected]) {
        const key = `${name}\0${version}`;
        if (components.has(key)) continue;
        let s = spelled.get(name);
        if (s === undefined) {
          s = respell(name, spelled.size);
          spelled.set(name, s);
        }
        components.set(key, { name: s, version, type: 'pypi' });
      }
      const started = performance.now();
      const matches = await matchComponents([...components.values()], undefined, db);
      const ms = performance.now() - started;
      const hit = new Set<string>();
      const unspell = new Map([...spelled].map(([n, s]) => [s, n]));
      for (const m of matches)
        hit.add(`${m.advisory.id}\0${unspell.get(m.component.name)}\0${m.component.version}`);

      const missed = affected.filter((a) => !hit.has(`${a.id}\0${a.name}\0${a.version}`));
      const wrongFixed = fixed.filter((f) => hit.has(`${f.id}\0${f.name}\0${f.version}`));
      const wrongOutside = outside.filter((f) => hit.has(`${f.id}\0${f.name}\0${f.version}`));
      const missedStill = stillAffected.filter((f) => !hit.has(`${f.id}\0${f.name}\0${f.version}`));
      console.info(
        `PyPA: ${records.length} records (${withdrawn} withdrawn), ${checkedRecords} checked with ECOSYSTEM ranges; ` +
          `${affected.length} listed versions found affected, ${fixed.length} fixed versions found not affected; ` +
          `${components.size} components matched in ${Math.round(ms)} ms; excluded per selfcheck.json: ${excludedRecords} records ` +
          `(${excludedNonPep440} listed versions not PEP 440, ${excludedOutside} PEP 440 versions outside packaging's reading of the ranges: ` +
          `${outside.length} found not affected, ${stillAffected.length} affected per OSV event pairing); ` +
          `fixed versions also introduced by the same record, not checked: ${contradictory.join(', ')}`,
      );
      expect(missed.slice(0, 20)).toEqual([]);
      expect(wrongFixed.slice(0, 20)).toEqual([]);
      expect(wrongOutside).toEqual([]);
      expect(missedStill).toEqual([]);
      expect(outside.length + stillAffected.length).toBe(excludedOutside);
      expect(stillAffected.length).toBe(34);
      expect(affected.length).toBeGreaterThan(100_000);
      expect(fixed.length).toBeGreaterThan(2000);
      expect(excludedRecords).toBe(Object.keys(inconsistent).length);
      expect(contradictory.length).toBeLessThan(10);

      // name normalisation both ways: the advisory's `django` found as Django/DJANGO/dJango, `jw.util` as jw-util/JW_Util
      const ids = async (name: string, version: string) =>
        (await matchComponents([{ name, version, type: 'pypi' }], undefined, db))
          .map((m) => m.advisory.id)
          .sort();
      const django = await ids('django', '3.2.0');
      expect(django.length).toBeGreaterThan(20);
      for (const n of ['Django', 'DJANGO', 'dJango']) expect(await ids(n, '3.2.0')).toEqual(django);
      const jw = await ids('jw.util', '1.0');
      expect(jw.length).toBeGreaterThan(0);
      for (const n of ['jw-util', 'JW_Util', 'jw__util']) expect(await ids(n, '1.0')).toEqual(jw);
      expect(await ids('djangox', '3.2.0')).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
