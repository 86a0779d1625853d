import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../../test/support/version-vectors.js';
import { gemVersion } from './gem-version.js';

const { compare, valid } = gemVersion;

describe('gemVersion.compare', () => {
  it.each([
    ['1.0', '1', 0],
    ['1.0.0', '1', 0],
    ['1.2.3', '1.2.10', -1],
    ['1.0.a', '1.0', -1],
    ['1.0.rc1', '1.0.beta2', 1],
    ['1.0.pre', '1.0.0', -1],
    ['1.0-beta', '1.0.pre.beta', 0],
    ['1.15.4', '1.15.5', -1],
    ['7.0.8.1', '7.0.8', 1],
    ['7.1.0.rc1', '7.0.8.1', 1],
    ['0.a', '0', -1],
    ['not a version', '0.0.1', -1],
    ['', '0', -1],
    ['x', 'y', -1],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(-want || 0);
  });

  it('knows valid versions', () => {
    expect(valid('1.2.3')).toBe(true);
    expect(valid('1.0.0.rc1')).toBe(true);
    expect(valid(' 1.0 ')).toBe(true);
    expect(valid('1..0')).toBe(false);
    expect(valid('junk')).toBe(false);
    expect(valid('')).toBe(false);
  });
});

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  for (const [file, count] of [
    ['rubygems-versions.txt', 25],
    ['rubygems-versions-generated.txt', 4098],
  ] as const) {
    it(`agrees with every pair of ${file}`, () => {
      const pairs = scalibrPairs(join(dir, file));
      const wrong = pairs.filter((p) => compare(p.a, p.b) !== p.want).map((p) => `line ${p.line}: ${p.text}`);
      console.log(`${file}: ${pairs.length - wrong.length}/${pairs.length} pairs agree`);
      expect(wrong).toEqual([]);
      expect(pairs.length).toBe(count);
    });
  }

  it('is antisymmetric, reflexive and sorts consistently on every version of the vectors', () => {
    const pairs: [string, string][] = [];
    for (const file of ['rubygems-versions.txt', 'rubygems-versions-generated.txt']) {
      for (const p of scalibrPairs(join(dir, file))) pairs.push([p.a, p.b]);
    }
    const versions = [...new Set(pairs.flat())];
    checkProperties(compare, versions, pairs);
    console.log(`gem properties: ${versions.length} versions, ${pairs.length} pairs both ways`);
  });
});
