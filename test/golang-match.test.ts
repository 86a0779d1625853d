/**
 * Go matching on real data: the Go vulnerability database (oracle folder osv/golang, 4,291 OSV
 * records) imported for real. (1) A Go program built here (vendoring golang.org/x/text v0.3.7) is
 * matched: its x/text and toolchain (`stdlib`) components get exactly the advisories whose ranges,
 * evaluated independently with semver ranges, hold their versions. (2) Oracle check over every record:
 * a component at each range's `introduced` version (when not 0) is affected, and one at each `fixed`
 * version is not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { golangBinaryAnalyzer } from '../src/ecosystems/golang/index.js';
import { buildGoApp } from '../src/ecosystems/golang/testdata/go-app.js';
import { matchComponents } from '../src/match/match-components.js';
import { openVulnDb, type VulnDb } from '../src/vulndb/vulndb.js';
import { requireTools } from './support/fixtures.js';
import { oracleSuite } from './support/oracles.js';

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
}
interface OsvRecord {
  id: string;
  withdrawn?: string;
  affected?: {
    package: { name: string; ecosystem: string };
    ranges?: { type: string; events: OsvEvent[] }[];
  }[];
}

const goMissing = requireTools(['go']);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

/** The OSV pairs of a range as npm semver range strings (an independent evaluation of the events). */
function rangeStrings(events: OsvEvent[]): string[] {
  const out: string[] = [];
  let from: string | undefined;
  for (const e of events) {
    if (e.introduced !== undefined) from = e.introduced;
    else if (from !== undefined && (e.fixed !== undefined || e.last_affected !== undefined)) {
      const lo = from === '0' ? '' : `>=${from} `;
      out.push(e.fixed !== undefined ? `${lo}<${e.fixed}` : `${lo}<=${e.last_affected}`);
      from = undefined;
    }
  }
  if (from !== undefined) out.push(from === '0' ? '*' : `>=${from}`);
  return out;
}

const holds = (ranges: string[], v: string) =>
  ranges.some((r) => semver.satisfies(v, r, { includePrerelease: true }));

/** A toolchain version as Go names its release (`go1.20.5`, `go1.21rc2`); other versions with a `v`. */
function installedForm(pkg: string, v: string): string {
  if (pkg === 'stdlib' || pkg === 'toolchain') {
    if (/^\d+\.\d+\.\d+$/.test(v)) return `go${v}`;
    const rc = /^(\d+\.\d+)\.0-(rc|beta)\.(\d+)$/.exec(v);
    if (rc) return `go${rc[1]}${rc[2]}${rc[3]}`;
  }
  return `v${v}`;
}

oracleSuite('osv/golang', (feed) => {
  const dataDir = path.join(feed, 'data/osv');
  let db: VulnDb;
  let records: OsvRecord[];
  /** (advisory, package) → the semver ranges of that package in that advisory */
  const ranges = new Map<string, string[]>();
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-gomatch-'));
    work.push(dir);
    db = await openVulnDb(path.join(dir, 'vulndb.sqlite'));
    const report = await db.importFeeds([dataDir]);
    expect(report.advisories).toBeGreaterThan(4000);
    records = readdirSync(dataDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(dataDir, f), 'utf8')) as OsvRecord);
    for (const r of records) {
      if (r.withdrawn) continue;
      for (const a of r.affected ?? []) {
        if (a.package.ecosystem !== 'Go') continue;
        const key = `${r.id}\0${a.package.name}`;
        const list = ranges.get(key) ?? [];
        for (const g of a.ranges ?? []) if (g.type === 'SEMVER') list.push(...rangeStrings(g.events));
        ranges.set(key, list);
      }
    }
  }, 120_000);
  afterAll(() => db?.close());

  /** Every advisory whose ranges for `pkg` hold the OSV version `v`, by the independent evaluation. */
  const expectedFor = (pkg: string, v: string) =>
    [...ranges]
      .filter(([k, rs]) => k.endsWith(`\0${pkg}`) && holds(rs, v))
      .map(([k]) => k.split('\0')[0]!)
      .sort();

  it.skipIf(!!goMissing)(
    'matches a built Go program: golang.org/x/text v0.3.7 and its toolchain',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-gomatch-bin-'));
      work.push(dir);
      const { out } = buildGoApp(dir, [{ name: 'app' }]);
      const content = readFileSync(path.join(out, 'app'));
      const found = golangBinaryAnalyzer.analyze(
        { info: { path: 'app', size: content.length, mode: 0o755, uid: 0, gid: 0 }, content },
        { layer: 'l' },
      ) as { components: Component[] };
      const components = found.components;
      const std = components.find((c) => c.name === 'stdlib')!;
      expect(std.version).toMatch(/^go1\.\d+/);
      const got = await matchComponents(components, undefined, db);
      const idsOf = (name: string) =>
        got
          .filter((m) => m.component.name === name)
          .map((m) => m.advisory.id)
          .sort();
      const text = idsOf('golang.org/x/text');
      // GO-2021-0113 is fixed in 0.3.7 itself; GO-2022-1059 only in 0.3.8
      expect(text).not.toContain('GO-2021-0113');
      expect(text).toContain('GO-2022-1059');
      expect(text).toEqual(expectedFor('golang.org/x/text', '0.3.7'));
      const osvStd = std.version.replace(/^go/, '');
      const stdExpected = expectedFor('stdlib', semver.coerce(osvStd, { includePrerelease: true })!.version);
      expect(stdExpected.length).toBeGreaterThan(5);
      expect(idsOf('stdlib')).toEqual(stdExpected);
      const fix = got.find((m) => m.advisory.id === 'GO-2022-1059')!;
      expect(fix.fixedVersions).toEqual(['0.3.8']);
      console.info(
        `built binary (${std.version}): x/text v0.3.7 → ${text.length} advisories, stdlib → ${stdExpected.length}`,
      );
    },
  );

  it('for every record: affected at each introduced version, not affected at each fixed one', async () => {
    /** (package, installed version) → the advisories that must and must not match it */
    const points = new Map<string, { pkg: string; version: string; yes: Set<string>; no: Set<string> }>();
    let withdrawn = 0;
    /** points where the record contradicts itself, with the reason */
    const skipped: string[] = [];
    const point = (pkg: string, v: string) => {
      const version = installedForm(pkg, v);
      const k = `${pkg}\0${version}`;
      let p = points.get(k);
      if (!p) {
        p = { pkg, version, yes: new Set(), no: new Set() };
        points.set(k, p);
      }
      return p;
    };
    for (const r of records) {
      if (r.withdrawn) {
        withdrawn++; // never returned by the database
        continue;
      }
      for (const a of r.affected ?? []) {
        if (a.package.ecosystem !== 'Go') continue;
        const all = ranges.get(`${r.id}\0${a.package.name}`) ?? [];
        for (const g of a.ranges ?? []) {
          if (g.type !== 'SEMVER') continue;
          for (const e of g.events) {
            const v = e.introduced ?? e.fixed;
            if (v === undefined || v === '0') continue;
            if (!semver.valid(v)) {
              skipped.push(`${r.id}: ${a.package.name} ${v} is not semver`);
              continue;
            }
            const want = e.introduced !== undefined;
            // a fixed version another range of the same advisory reopens (or an introduced one a
            // later pair closes at once) is not a point where the record is consistent
            if (holds(all, v) !== want) {
              skipped.push(
                `${r.id}: ${want ? 'introduced' : 'fixed'} ${a.package.name} ${v} is ${want ? 'outside' : 'inside'} the record's own ranges (overlapping entries)`,
              );
              continue;
            }
            (want ? point(a.package.name, v).yes : point(a.package.name, v).no).add(r.id);
          }
        }
      }
    }
    const list = [...points.values()];
    const components: Component[] = list.map((p) => ({ name: p.pkg, version: p.version, type: 'golang' }));
    const got = await matchComponents(components, undefined, db);
    const matched = new Set(got.map((m) => `${m.component.name}\0${m.component.version}\0${m.advisory.id}`));
    const wrong: string[] = [];
    let affected = 0;
    let fixed = 0;
    for (const p of list) {
      for (const id of p.yes) {
        affected++;
        if (!matched.has(`${p.pkg}\0${p.version}\0${id}`))
          wrong.push(`${id}: ${p.pkg}@${p.version} not matched`);
      }
      for (const id of p.no) {
        fixed++;
        if (matched.has(`${p.pkg}\0${p.version}\0${id}`))
          wrong.push(`${id}: ${p.pkg}@${p.version} matched at a fix`);
      }
    }
    const skippedRecords = new Set(skipped.map((x) => x.split(':')[0]));
    console.info(
      `Go oracle: ${records.length} records (${withdrawn} withdrawn, left out); ${affected} (advisory, introduced version) pairs affected and ${fixed} (advisory, fixed version) pairs not affected, on ${list.length} components; ${wrong.length} wrong; ${skipped.length} points of ${skippedRecords.size} records skipped:\n  ${skipped.join('\n  ')}`,
    );
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(affected).toBeGreaterThan(2000);
    expect(fixed).toBeGreaterThan(4000);
    expect(skippedRecords.size).toBeLessThan(50);
  }, 120_000);
});
