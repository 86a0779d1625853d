/**
 * semverVersion against node-semver's own fixtures (../shared/oracles/versions/semver: comparisons,
 * equality, valid and invalid versions, with the `loose` flag each case carries) and osv-scalibr's
 * `semver-versions.txt`; plus the order properties every VersionScheme must have.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../test/support/version-vectors.js';
import { semverVersion } from './semver-version.js';

const { compare, valid } = semverVersion;

function cases(dir: string, file: string): unknown[][] {
  return (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { cases: unknown[][] }).cases;
}

/** The fixture's third element: `true`, `{ loose: true }`, or nothing. */
const isLoose = (opt: unknown) =>
  opt === true || (typeof opt === 'object' && opt !== null && 'loose' in opt && opt.loose === true);

oracleSuite('versions/semver', (dir) => {
  it('orders every comparisons.json pair as node-semver: first greater than second', () => {
    const list = cases(dir, 'comparisons.json');
    expect(list.length).toBe(31);
    for (const [a, b] of list as [string, string][]) {
      expect(compare(a, b), `${a} > ${b}`).toBe(1);
      expect(compare(b, a), `${b} < ${a}`).toBe(-1);
      expect(valid(a) && valid(b), `${a}, ${b} valid`).toBe(true);
    }
  });

  it('finds every equality.json pair equal (loose forms as node-semver reads them in loose mode)', () => {
    const list = cases(dir, 'equality.json');
    expect(list.length).toBe(37);
    let looseOnly = 0;
    for (const [a, b, opt] of list as [string, string, unknown][]) {
      expect(compare(a, b), `${a} = ${b}`).toBe(0);
      expect(compare(b, a), `${b} = ${a}`).toBe(0);
      // strict validity is node-semver's, without loose mode
      expect(valid(b), b).toBe(semver.valid(b.startsWith('v') ? b.slice(1) : b) !== null);
      if (isLoose(opt) && !valid(b)) looseOnly++;
    }
    expect(looseOnly).toBeGreaterThan(10);
  });

  it('accepts valid-versions.json and rejects invalid-versions.json', () => {
    const good = cases(dir, 'valid-versions.json') as [string, number, number, number][];
    expect(good.length).toBe(22);
    for (const [v, major, minor, patch] of good) {
      expect(valid(v), v).toBe(true);
      expect(compare(v, `${major}.${minor}.${patch}`) <= 0, `${v} <= its release`).toBe(true);
    }
    const bad = cases(dir, 'invalid-versions.json').filter((c) => typeof c[0] === 'string') as [string][];
    expect(bad.length).toBe(7);
    for (const [v] of bad) {
      expect(valid(v), v).toBe(false);
      // invalid strings sort before every valid version
      expect(compare(v, '0.0.0-0'), v).toBe(-1);
    }
  });

  it('is total, antisymmetric and transitive over every version the fixtures name', () => {
    const all = ['comparisons.json', 'equality.json', 'valid-versions.json', 'invalid-versions.json'].flatMap(
      (f) => cases(dir, f).flatMap((c) => c.slice(0, 2).filter((x): x is string => typeof x === 'string')),
    );
    const versions = [...new Set(all)];
    const pairs = versions.flatMap((a) => versions.map((b) => [a, b] as [string, string]));
    checkProperties(compare, versions, pairs);
  });
});

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  it('agrees with every pair of semver-versions.txt', () => {
    const pairs = scalibrPairs(path.join(dir, 'semver-versions.txt'));
    expect(pairs.length).toBe(86);
    const wrong = pairs.filter((p) => compare(p.a, p.b) !== p.want).map((p) => `${p.line}: ${p.text}`);
    expect(wrong).toEqual([]);
    const versions = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
    checkProperties(
      compare,
      versions,
      pairs.map((p) => [p.a, p.b]),
    );
  });
});

describe('semverVersion beyond the fixtures', () => {
  it('never throws and stays antisymmetric on hostile strings', () => {
    const odd = [
      '',
      'v',
      '1',
      '1.2',
      '01.2.3',
      '1.2.3.4',
      '99999999999999999999.0.0',
      '1.0.0-',
      '\u0000',
      'x'.repeat(5000),
      '2',
      '10',
      '9a',
      '9b',
    ];
    for (const a of odd)
      for (const b of odd) {
        const ab = compare(a, b);
        expect(ab + compare(b, a), `${a} vs ${b}`).toBe(0);
        if (a !== b) expect(ab).not.toBe(0);
      }
    expect(compare('10', '9')).toBe(1);
    expect(compare('99999999999999999999.0.0', '99999999999999999998.0.0')).toBe(1);
  });
});
