/**
 * Matching gems against hand-written OSV records modelled on real GitHub advisories (testdata/osv:
 * nokogiri GHSA-xc9x-jj77-9p9j, rack GHSA-54rr-7fvw-6x8f), imported for real into a vulnerability
 * database; verdicts around every bound, in RubyGems' order (prereleases before their release,
 * four-part versions).
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { matchProbes, type Probe } from '../../../test/support/osv-probes.js';
import { gemPurl } from './gem-analyzer.js';

const PROBES: Probe[] = [
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
  const {
    advisories,
    matches: got,
    affected,
    want,
  } = await matchProbes(path.join(import.meta.dirname, 'testdata/osv'), PROBES, (name, version) => ({
    name,
    version,
    type: 'gem',
    purl: gemPurl(name, version),
  }));
  expect(advisories).toBe(2);
  expect(got.every((m) => m.ecosystem === 'RubyGems')).toBe(true);
  expect(affected).toEqual(want);
  const rack = got.find((m) => m.component.name === 'rack' && m.component.version === '2.2.8')!;
  expect(rack.advisory.id).toBe('GHSA-54rr-7fvw-6x8f');
  expect(rack.fixedVersions).toEqual(['2.2.8.1', '3.0.9.1']);
  expect(rack.unfixed).toBe(false);
});
