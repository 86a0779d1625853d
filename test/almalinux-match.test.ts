/**
 * Matching correctness on real data: the AlmaLinux 9/10 OSV advisories from the oracle folder, imported
 * for real, matched against the real Rocky Linux 9 inventory (what `rpm -qa` printed); for every
 * (advisory, package) pair the matcher's verdict must be the one the real rpm's `rpm.vercmp` gives,
 * computed at test time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { matchComponents } from '../src/match/match-components.js';
import { openVulnDb } from '../src/vulndb/vulndb.js';
import { requireTools } from './support/fixtures.js';
import { haveOracles, ORACLES } from './support/oracles.js';

interface RpmPackage {
  epoch: number | null;
  name: string;
  version: string;
  release: string;
  arch: string;
}

const oracles = haveOracles('AlmaLinux matching against rpm.vercmp');
const rpmMissing = requireTools(['rpm']);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

/** rpm.vercmp of each pair, by the real rpm, in one process. */
function rpmVercmp(pairs: [string, string][]): number[] {
  // rpm's Lua print appends to the expansion without a newline: add one per verdict
  const lua = pairs
    .map(([a, b]) => `print(rpm.vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)}) .. "\\n")`)
    .join('\n');
  const out = execFileSync('rpm', ['--eval', `%{lua:\n${lua}\n}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const verdicts = out.trim().split('\n').map(Number);
  if (verdicts.length !== pairs.length)
    throw new Error(`rpm gave ${verdicts.length} verdicts for ${pairs.length} pairs`);
  return verdicts;
}

describe.skipIf(!oracles || !!rpmMissing)('AlmaLinux advisories on the Rocky Linux 9 inventory', () => {
  it('give, for every (advisory, package) pair, the verdict rpm.vercmp gives', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-alma-'));
    work.push(dir);
    const db = await openVulnDb(path.join(dir, 'vulndb.sqlite'));
    try {
      const report = await db.importFeeds([path.join(ORACLES, 'osv/almalinux/advisories')]);
      expect(report.advisories).toBeGreaterThan(2000);
      const inventory = (
        JSON.parse(
          readFileSync(
            path.join(ORACLES, 'rpmdb/go-rpmdb/expected/rockylinux-9__rpmdb.sqlite.expected.json'),
            'utf8',
          ),
        ) as {
          packages: RpmPackage[];
        }
      ).packages;
      const evr = (p: RpmPackage) => `${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
      const names = [...new Set(inventory.map((p) => p.name))];
      const ranges = await db.advisoriesFor('AlmaLinux:9', names);
      // two real component lists: the inventory as installed, and the same packages at the first fixed
      // version an advisory names for them (so some advisories are fixed there and later ones are not)
      const asInstalled = new Map(inventory.map((p) => [p.name, evr(p)]));
      const atFirstFix = new Map(
        names.flatMap((n) => {
          const f = ranges.get(n)?.[0]?.range.events.find((e) => e.fixed !== undefined)?.fixed;
          return f ? [[n, f] as const] : [];
        }),
      );
      const os = { id: 'almalinux', version: '9.3', source: 'test' };
      let affectedSeen = 0;
      for (const versions of [asInstalled, atFirstFix]) {
        const components: Component[] = [...versions].map(([name, version]) => ({
          name,
          version,
          type: 'rpm',
        }));
        const got = await matchComponents(components, os, db);
        const matched = new Set(got.map((m) => `${m.advisory.id}\u0000${m.component.name}`));
        const pairs: { key: string; installed: string; fixed: string }[] = [];
        for (const [name, installed] of versions) {
          for (const { advisory, range } of ranges.get(name) ?? []) {
            const fixed = range.events.find((e) => e.fixed !== undefined)?.fixed;
            expect(
              range.events.find((e) => e.introduced !== undefined)?.introduced,
              `${advisory.id} ${name}`,
            ).toBe('0');
            expect(fixed, `${advisory.id} ${name}`).toBeDefined();
            pairs.push({ key: `${advisory.id}\u0000${name}`, installed, fixed: fixed! });
          }
        }
        expect(pairs.length).toBeGreaterThan(100);
        const verdicts = rpmVercmp(pairs.map((p) => [p.installed, p.fixed]));
        const expected = new Set(pairs.filter((_, i) => verdicts[i] === -1).map((p) => p.key));
        expect([...matched].sort()).toEqual([...expected].sort());
        affectedSeen += expected.size;
        console.info(
          `AlmaLinux:9 advisories × ${versions.size} packages: ${pairs.length} pairs, ${expected.size} affected per rpm.vercmp, matcher agrees`,
        );
      }
      expect(affectedSeen).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});
