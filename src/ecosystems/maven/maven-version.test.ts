import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../../test/support/version-vectors.js';
import { mavenTokens, mavenVersion } from './maven-version.js';

const { compare, valid } = mavenVersion;

describe('mavenVersion.compare', () => {
  // examples of https://maven.apache.org/pom.html#version-order-specification
  it.each([
    ['1', '1.1', -1],
    ['1-snapshot', '1', -1],
    ['1-sp', '1', 1],
    ['1-foo2', '1-foo10', -1],
    ['1.foo', '1-foo', -1],
    ['1-foo', '1-1', -1],
    ['1-1', '1.1', -1],
    ['1.ga', '1-ga', 0],
    ['1-ga', '1-0', 0],
    ['1-0', '1.0', 0],
    ['1.0', '1', 0],
    ['1-sp', '1-ga', 1],
    ['1-sp.1', '1-ga.1', 1],
    ['1-sp-1', '1-ga-1', -1],
    ['1-ga-1', '1-1', 0],
    ['1-a1', '1-alpha-1', 0],
    ['2.0-alpha1', '2.0-beta9', -1],
    ['2.0-beta9', '2.0-rc1', -1],
    ['2.0-rc1', '2.0-cr1', 0],
    ['2.0-rc1', '2.0', -1],
    ['2.14.1', '2.15.0', -1],
    ['2.15.0', '2.15', 0],
    ['2.17.1', '2.3.1', 1],
    ['1.0-SNAPSHOT', '1.0-RC1', 1],
    ['1.0.Final', '1.0', 0],
    ['5.3.18.RELEASE', '5.3.18', 0],
    ['1.0.0.M1', '1.0.0', -1],
    ['99999999999999999999999', '100000000000000000000000', -1],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(-want || 0);
  });

  it('is total on strange strings', () => {
    const odd = ['', '.', '-', '..--', 'ü', '𝟘', '1.𝟘', '\u0000', 'a-', '-1', '.1', '1..1', ' 1'];
    for (const a of odd) for (const b of odd) expect(compare(a, b)).toBe(-compare(b, a) || 0);
  });

  it('accepts what Maven accepts', () => {
    expect(valid('2.0-beta9')).toBe(true);
    expect(valid('1.0-SNAPSHOT')).toBe(true);
    expect(valid('')).toBe(false);
    expect(valid('1 2')).toBe(false);
  });
});

/**
 * The specification's order is not transitive where a `.qualifier` after a zero meets a `-qualifier`
 * (so is osv-scalibr's and osv.dev's, which follow it): 1.0.0.Alpha1 < 1.0 < 1.0-pre33.3 <
 * 1.0.0.Alpha1, as the zeros before `-pre` are trimmed and those before `.Alpha1` are not. The sort
 * check leaves out versions holding such a `.0.qualifier`; every pair is still checked.
 */
const sortable = (v: string) =>
  !mavenTokens(v).some((t, i, all) => t.prefix === '.' && !t.numeric && all[i - 1]?.value === '0');

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  for (const file of ['maven-versions.txt', 'maven-versions-generated.txt']) {
    it(`agrees with every pair of ${file}`, () => {
      const pairs = scalibrPairs(join(dir, file));
      const wrong = pairs.filter((p) => compare(p.a, p.b) !== p.want).map((p) => `line ${p.line}: ${p.text}`);
      console.log(`${file}: ${pairs.length - wrong.length}/${pairs.length} pairs agree`);
      expect(wrong).toEqual([]);
      expect(pairs.length).toBeGreaterThan(100);
      const versions = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
      console.log(
        `${file}: ${versions.filter(sortable).length}/${versions.length} versions in the sort check`,
      );
      checkProperties(
        compare,
        versions,
        pairs.map((p) => [p.a, p.b]),
        sortable,
      );
    });
  }
});
