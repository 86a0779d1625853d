/**
 * Matching npm components against real GitHub advisories (../shared/oracles/osv/github-npm-sample),
 * imported for real into a vulnerability database. For every range of every record the matcher's
 * verdict at the introduced version, one between, the fixed version and one above it must be the one
 * node-semver gives for the advisory's ranges (`satisfies(v, '>=introduced <fixed')` on any range).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { afterAll, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import type { Component } from '../../core/component.js';
import { matchComponents } from '../../match/match-components.js';
import { openVulnDb } from '../../vulndb/vulndb.js';
import { npmPurl } from './npm-common.js';

interface Osv {
  id: string;
  affected: {
    package: { ecosystem: string; name: string };
    ranges: { type: string; events: { introduced?: string; fixed?: string; last_affected?: string }[] }[];
  }[];
}

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

/** A version strictly between `lo` (inclusive) and `hi` (exclusive), by node-semver. */
function between(lo: string, hi: string): string {
  const h = semver.parse(hi)!;
  const candidates = [
    h.patch > 0 ? `${h.major}.${h.minor}.${h.patch - 1}` : undefined,
    h.minor > 0 ? `${h.major}.${h.minor - 1}.99` : undefined,
    semver.inc(lo, 'patch') ?? undefined,
    `${lo}-0` === hi ? undefined : (semver.inc(lo, 'prerelease') ?? undefined),
  ];
  const v = candidates.find((c) => c && semver.gte(c, lo) && semver.lt(c, hi) && c !== lo);
  if (!v) throw new Error(`no version between ${lo} and ${hi}`);
  return v;
}

oracleSuite('osv/github-npm-sample', (dir) => {
  it('says affected inside each range and not affected at and above its fix, as node-semver does', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'hullscan-npm-match-'));
    work.push(tmp);
    const db = await openVulnDb(path.join(tmp, 'vulndb.sqlite'));
    try {
      const report = await db.importFeeds([dir]);
      expect(report.advisories).toBe(4);
      const records = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Osv);
      // every probe version of every package, and node-semver's verdict for each (advisory, version)
      const probes = new Map<string, Set<string>>();
      for (const r of records)
        for (const a of r.affected)
          for (const range of a.ranges) {
            expect(range.type).toBe('ECOSYSTEM');
            const intro = range.events.find((e) => e.introduced !== undefined)!.introduced!;
            const fixed = range.events.find((e) => e.fixed !== undefined)!.fixed!;
            const lo = intro === '0' ? '0.0.0' : intro;
            const set = probes.get(a.package.name) ?? new Set<string>();
            for (const v of [lo, between(lo, fixed), fixed, semver.inc(fixed, 'patch')!]) set.add(v);
            probes.set(a.package.name, set);
          }
      const components: Component[] = [...probes].flatMap(([name, versions]) =>
        [...versions].map((version) => ({ name, version, type: 'npm', purl: npmPurl(name, version) })),
      );
      expect(components.length).toBe(30);
      const expected = new Set<string>();
      for (const c of components)
        for (const r of records)
          for (const a of r.affected) {
            if (a.package.name !== c.name) continue;
            const hit = a.ranges.some((range) => {
              const intro = range.events.find((e) => e.introduced !== undefined)!.introduced!;
              const fixed = range.events.find((e) => e.fixed !== undefined)!.fixed!;
              return semver.satisfies(c.version, `${intro === '0' ? '' : `>=${intro} `}<${fixed}`);
            });
            if (hit) expected.add(`${r.id} ${c.name}@${c.version}`);
          }
      const got = await matchComponents(components, undefined, db);
      const verdicts = new Set(got.map((m) => `${m.advisory.id} ${m.component.name}@${m.component.version}`));
      expect([...verdicts].sort()).toEqual([...expected].sort());
      // the README's spot checks
      for (const spot of ['GHSA-35jh-r3h4-6jhm lodash@4.17.20', 'GHSA-c2qf-rxjj-qqgw semver@7.5.1'])
        expect(verdicts.has(spot), spot).toBe(true);
      for (const spot of [
        'GHSA-p6mc-m468-83gw lodash@4.17.20',
        'GHSA-c2qf-rxjj-qqgw semver@6.3.1',
        'GHSA-xvch-5gv4-984h minimist@0.2.4',
      ])
        expect(verdicts.has(spot), spot).toBe(false);
      // fixes are reported above the installed version
      const m = got.find((x) => x.component.name === 'semver' && x.component.version === '7.0.0');
      expect(m?.fixedVersions).toEqual(['7.5.2']);
      console.info(
        `npm advisories: ${components.length} probe versions, ${expected.size} affected pairs, matcher agrees`,
      );
    } finally {
      await db.close();
    }
  });
});
