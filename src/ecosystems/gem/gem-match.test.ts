/**
 * Matching gems against hand-written OSV records modelled on real GitHub advisories (testdata/osv:
 * nokogiri GHSA-xc9x-jj77-9p9j, rack GHSA-54rr-7fvw-6x8f), imported for real into a vulnerability
 * database; verdicts around every bound, in RubyGems' order (prereleases before their release,
 * four-part versions).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Component } from '../../core/component.js';
import { matchComponents } from '../../match/match-components.js';
import { openVulnDb } from '../../vulndb/vulndb.js';
import { gemPurl } from './gem-analyzer.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

const PROBES: [string, string, boolean][] = [
  ['nokogiri', '1.10.2', true],
  ['nokogiri', '1.15.5', true],
  ['nokogiri', '1.15.6.rc1', true],
  ['nokogiri', '1.15.6', false],
  ['nokogiri', '1.16.0.rc1', false],
  ['nokogiri', '1.16.0', true],
  ['nokogiri', '1.16.1', true],
  ['nokogiri', '1.16.2', false],
  ['nokogiri', '1.16.7', false],
  ['rack', '2.0.9.3', true],
  ['rack', '2.0.9.4', false],
  ['rack', '2.0.10', false],
  ['rack', '2.1.4.3', true],
  ['rack', '2.2.8', true],
  ['rack', '2.2.8.1', false],
  ['rack', '3.0.8', true],
  ['rack', '3.0.9', true],
  ['rack', '3.0.9.1', false],
  ['rack', '3.0.10', false],
  ['rack', '3.1.0', false],
  ['Rack', '3.0.8', false], // RubyGems names are case-sensitive: another gem
  ['rails', '7.1.3', false],
];

it('says affected inside each range and not affected at its fix, in RubyGems order', async () => {
  const tmp = await mkdtemp(path.join(tmpdir(), 'hullscan-gem-match-'));
  work.push(tmp);
  const db = await openVulnDb(path.join(tmp, 'vulndb.sqlite'));
  try {
    const report = await db.importFeeds([path.join(import.meta.dirname, 'testdata/osv')]);
    expect(report.advisories).toBe(2);
    const components: Component[] = PROBES.map(([name, version]) => ({
      name,
      version,
      type: 'gem',
      purl: gemPurl(name, version),
    }));
    const got = await matchComponents(components, undefined, db);
    expect(got.every((m) => m.ecosystem === 'RubyGems')).toBe(true);
    const affected = new Set(got.map((m) => `${m.component.name}@${m.component.version}`));
    const want = PROBES.filter(([, , a]) => a).map(([n, v]) => `${n}@${v}`);
    expect([...affected].sort()).toEqual(want.sort());
    const rack = got.find((m) => m.component.name === 'rack' && m.component.version === '2.2.8')!;
    expect(rack.advisory.id).toBe('GHSA-54rr-7fvw-6x8f');
    expect(rack.fixedVersions).toEqual(['2.2.8.1', '3.0.9.1']);
    expect(rack.unfixed).toBe(false);
  } finally {
    await db.close();
  }
});
