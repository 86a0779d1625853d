import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../../test/support/version-vectors.js';
import { nugetVersion } from './nuget-version.js';

const { compare, valid } = nugetVersion;

describe('nugetVersion.compare', () => {
  it.each([
    ['13.0.1', '13.0.1.0', 0],
    ['12.0.3', '13.0.1', -1],
    ['13.0.1-beta1', '13.0.1', -1],
    ['1.0.0-alpha', '1.0.0-Alpha', 0],
    ['1.0.0-alpha.2', '1.0.0-alpha.10', -1],
    ['1.0.0-1', '1.0.0-a', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0+abc', '1.0.0+def', 0],
    ['6.0.0-preview.7.21377.19', '6.0.0-rc.1.21451.13', -1],
    ['8.0.0', '8.0.0.1', -1],
    ['junk', '0.0.0', -1],
    ['', 'x', -1],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(-want || 0);
  });

  it('knows valid versions', () => {
    for (const v of ['1', '1.0', '13.0.1', '4.0.0.0', '1.0.0-beta.1+sha.abc', '01.002.3'])
      expect(valid(v), v).toBe(true);
    for (const v of ['', '1.0.0.0.0', '1.0-', 'a.b', '1.0.0-beta..1', '1.0.0+'])
      expect(valid(v), v).toBe(false);
  });
});

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  it('agrees with every pair of nuget-versions.txt', () => {
    const pairs = scalibrPairs(join(dir, 'nuget-versions.txt'));
    const wrong = pairs.filter((p) => compare(p.a, p.b) !== p.want).map((p) => `line ${p.line}: ${p.text}`);
    console.log(`nuget-versions.txt: ${pairs.length - wrong.length}/${pairs.length} pairs agree`);
    expect(wrong).toEqual([]);
    expect(pairs.length).toBe(35);
  });

  it('is antisymmetric, reflexive and sorts consistently on every version of the vectors', () => {
    const pairs: [string, string][] = scalibrPairs(join(dir, 'nuget-versions.txt')).map((p) => [p.a, p.b]);
    const versions = [...new Set(pairs.flat())];
    checkProperties(compare, versions, pairs);
    console.log(`nuget properties: ${versions.length} versions, ${pairs.length} pairs both ways`);
  });
});
