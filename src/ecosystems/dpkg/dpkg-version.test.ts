import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../../test/support/version-vectors.js';
import { dpkgVersion } from './dpkg-version.js';

const { compare, valid } = dpkgVersion;

describe('dpkgVersion.compare', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.0', '1.0-0', 0],
    ['1.0', '1.0-00', 0],
    ['1.0-0', '1.0-1', -1],
    ['1.0', '0:1.0', 0],
    ['1:0.1', '2.0', 1],
    ['010:1', '10:1', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0~', '1.0', -1],
    ['1.0', '1.0a', -1],
    ['1.0a', '1.0+', -1],
    ['1.0a', '1.0.', -1],
    ['1.0Z', '1.0a', -1],
    ['1.0+b1', '1.0.1', -1],
    ['1.2.3-1~deb12u1', '1.2.3-1', -1],
    ['1.2.3-1', '1.2.3-1+deb12u1', -1],
    ['1.0-1-1', '1.0-1', 1],
    ['1.0000', '1.0', 0],
    ['1.00001', '1.1', 0],
    ['2:1.0', '10:0.1', -1],
    ['1.123456789012345678901234567890', '1.123456789012345678901234567891', -1],
    // dpkg refuses epochs above INT_MAX; they are still ordered by value.
    ['99999999999999999999999999:1', '100000000000000000000000000:1', -1],
    ['  1.0-1', '1.0-1\t', 0],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(-want || 0);
  });

  it('orders characters dpkg rejects after letters and before other punctuation, byte by byte', () => {
    expect(compare('1.0z', '1.0é')).toBe(-1);
    expect(compare('1.0é', '1.0+')).toBe(-1);
    expect(compare('1.0é', '1.0ê')).toBe(-1);
  });

  it('sorts a list', () => {
    const list = ['1.0-1', '1:0.9', '1.0~rc1-1', '1.0-1+b1', '1.0', '0.9.10', '0.9.9', '1.0-1~bpo1'];
    expect([...list].sort(compare)).toEqual([
      '0.9.9',
      '0.9.10',
      '1.0~rc1-1',
      '1.0',
      '1.0-1~bpo1',
      '1.0-1',
      '1.0-1+b1',
      '1:0.9',
    ]);
  });
});

describe('dpkgVersion.valid', () => {
  it.each([
    ['1.0', true],
    ['0:1.0-1', true],
    ['1:2.3~rc1+dfsg-4ubuntu0.1', true],
    ['1.0-1-2', true],
    ['1:2:3', true],
    [' 1.0 ', true],
    ['2147483647:1', true],
    ['2147483648:1', false],
    ['', false],
    ['  ', false],
    ['1.0 1', false],
    [':1.0', false],
    ['a:1.0', false],
    ['1.0:1', false],
    ['1:', false],
    ['1.0-', false],
    ['-1', false],
    ['a1.0', false],
    ['1.0_1', false],
    ['1.0-1:2', false],
    ['1.0-1_2', false],
    ['1.0é', false],
  ] as const)('%j -> %s', (v, want) => {
    expect(valid(v)).toBe(want);
  });
});

interface Case {
  a: string;
  b: string;
  [judge: string]: unknown;
}

oracleSuite('versions/dpkg', (dir) => {
  // Judged by dpkg 1.21.22 `dpkg --compare-versions` (scripts/dpkg_vectors.py).
  for (const file of ['dpkg_upstream.json', 'dpkg_generated.json']) {
    it(`agrees with dpkg on every pair of ${file}`, () => {
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { count: number; cases: Case[] };
      expect(data.cases.length).toBe(data.count);
      const wrong: string[] = [];
      for (const c of data.cases) {
        const want = c.dpkg_1_21_22;
        if (typeof want !== 'number') expect.fail(`${file}: no dpkg judgement for ${c.a} vs ${c.b}`);
        if ('expected' in c) expect(c.expected).toBe(want);
        const got = compare(c.a, c.b);
        if (got !== want) wrong.push(`${c.a} vs ${c.b}: dpkg ${want}, got ${got}`);
      }
      console.log(`${file}: ${data.cases.length - wrong.length}/${data.cases.length} pairs agree with dpkg`);
      expect(wrong).toEqual([]);
    });
  }
});

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  const verification = JSON.parse(readFileSync(join(dir, 'verification-local-tools.json'), 'utf8')) as Record<
    string,
    { checked: number; disagree_with_local_dpkg?: string[] }
  >;
  for (const file of ['debian-versions.txt', 'debian-versions-generated.txt']) {
    it(`agrees with every pair of ${file} (each confirmed by dpkg 1.21.22)`, () => {
      const pairs = scalibrPairs(join(dir, file));
      expect(verification[file]?.checked).toBe(pairs.length);
      expect(verification[file]?.disagree_with_local_dpkg).toEqual([]);
      const wrong: string[] = [];
      for (const p of pairs) {
        const got = compare(p.a, p.b);
        if (got !== p.want) wrong.push(`line ${p.line}: ${p.text}: got ${got}`);
      }
      console.log(`${file}: ${pairs.length - wrong.length}/${pairs.length} pairs agree`);
      expect(wrong).toEqual([]);
    });
  }
});

const JSON_FILES = ['dpkg/dpkg_upstream.json', 'dpkg/dpkg_generated.json'];
const SCALIBR_FILES = [
  'osv-scalibr-semantic/debian-versions.txt',
  'osv-scalibr-semantic/debian-versions-generated.txt',
];

oracleSuite('versions', (dir) => {
  it('is antisymmetric, reflexive and sorts consistently on every version in the dpkg vectors', () => {
    const pairs: [string, string][] = [];
    for (const file of JSON_FILES) {
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: Case[] };
      for (const c of data.cases) pairs.push([c.a, c.b]);
    }
    for (const file of SCALIBR_FILES) for (const p of scalibrPairs(join(dir, file))) pairs.push([p.a, p.b]);
    const versions = [...new Set(pairs.flat())];
    checkProperties(compare, versions, pairs);
    console.log(`dpkg properties: ${versions.length} versions, ${pairs.length} pairs both ways`);
  });
});
