import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, type Sign, scalibrPairs } from '../../../test/support/version-vectors.js';
import { composerVersion } from './composer-version.js';

const { compare, valid } = composerVersion;

describe('composerVersion.compare', () => {
  it.each([
    ['v5.4.21', '5.4.21', 0],
    ['v5.4.21', '5.4.22', -1],
    ['6.0.0-BETA1', '6.0.0-RC1', -1],
    ['6.0.0-RC1', '6.0.0', -1],
    ['6.0.0', '6.0.0-patch1', -1],
    ['1.2.3.#', '1.2.3.#', 0],
    ['1.0', '1.0.0', -1],
    ['1.0-dev', '1.0-alpha1', -1],
    ['dev-main', '1.0.0', -1],
    ['2.x-dev', '2.0.0', -1],
    ['1.0.0.1', '1.0.0', 1],
    ['', '0', -1],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(-want || 0);
  });

  it('knows versions Composer accepts', () => {
    for (const v of ['1.0.0', 'v5.4.21', '1.0.0-RC1', '2.1.0-beta.2', 'dev-main', '2.x-dev', '1.0.0.0'])
      expect(valid(v), v).toBe(true);
    for (const v of ['', 'latest', '1..0', 'not a version']) expect(valid(v), v).toBe(false);
  });
});

/**
 * Lines of osv-scalibr's hand-written packagist-versions.txt where we answer what PHP's
 * version_compare answers and scalibr's own Go port does not: scalibr keeps `#` as a part (weighing it
 * like a number) where PHP's canonicalisation turns it into a separator: `1.2.3.#` is `1.2.3.`, which
 * we read as `1.2.3` (PHP itself reads an empty last part, and then finds `1.2.3.#` < `1.2.3.#`).
 */
const SCALIBR_PACKAGIST_DEVIATIONS: Record<number, { text: string; ours: Sign }> = {
  96: { text: '1.2.3.# = 1.2.3.1', ours: -1 },
};

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  it('agrees with every pair of packagist-versions-generated.txt (from the real PHP version_compare)', () => {
    const pairs = scalibrPairs(join(dir, 'packagist-versions-generated.txt'));
    const wrong = pairs.filter((p) => compare(p.a, p.b) !== p.want).map((p) => `line ${p.line}: ${p.text}`);
    console.log(
      `packagist-versions-generated.txt: ${pairs.length - wrong.length}/${pairs.length} pairs agree`,
    );
    expect(wrong).toEqual([]);
    expect(pairs.length).toBe(10630);
  });

  it('agrees with packagist-versions.txt except the documented lines', () => {
    const pairs = scalibrPairs(join(dir, 'packagist-versions.txt'));
    const wrong: string[] = [];
    const deviated: number[] = [];
    for (const p of pairs) {
      const got = compare(p.a, p.b);
      const deviation = SCALIBR_PACKAGIST_DEVIATIONS[p.line];
      if (deviation) {
        expect(p.text).toBe(deviation.text);
        expect(got, `line ${p.line}`).toBe(deviation.ours);
        expect(got, `line ${p.line} no longer deviates: drop it from the list`).not.toBe(p.want);
        deviated.push(p.line);
      } else if (got !== p.want) {
        wrong.push(`line ${p.line}: ${p.text}: got ${got}`);
      }
    }
    console.log(
      `packagist-versions.txt: ${pairs.length - wrong.length - deviated.length}/${pairs.length} pairs agree, ` +
        `${deviated.length} documented deviations (lines ${deviated.join(', ')})`,
    );
    expect(wrong).toEqual([]);
    expect(deviated).toEqual(Object.keys(SCALIBR_PACKAGIST_DEVIATIONS).map(Number));
  });

  it('is antisymmetric, reflexive and sorts consistently on every version of the vectors', () => {
    const pairs: [string, string][] = [];
    for (const file of ['packagist-versions.txt', 'packagist-versions-generated.txt']) {
      for (const p of scalibrPairs(join(dir, file))) pairs.push([p.a, p.b]);
    }
    const versions = [...new Set(pairs.flat())];
    checkProperties(compare, versions, pairs);
    console.log(`composer properties: ${versions.length} versions, ${pairs.length} pairs both ways`);
  });
});
