import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../../test/support/version-vectors.js';
import { pep440Version } from './pep440-version.js';

const { compare, valid } = pep440Version;

describe('pep440Version.compare', () => {
  it.each([
    ['1.0', '1.0.0', 0],
    ['1.0', '1.0.1', -1],
    ['1.0.dev1', '1.0a1', -1],
    ['1.0a1', '1.0b1', -1],
    ['1.0c1', '1.0rc1', 0],
    ['1.0rc1', '1.0', -1],
    ['1.0', '1.0.post1', -1],
    ['1.0-1', '1.0.post1', 0],
    ['1.0.post1.dev1', '1.0.post1', -1],
    ['1.0', '1.0+local', -1],
    ['1.0+abc', '1.0+1', -1],
    ['1.0+1.a', '1.0+1.1', -1],
    ['1!0.1', '2.0', 1],
    ['v1.0', '1.0', 0],
    ['1.0ALPHA1', '1.0a1', 0],
    ['1.123456789012345678901234567890', '1.123456789012345678901234567891', -1],
    ['20240101000000000001', '20240101000000000002', -1],
    // invalid strings: before every valid version, among themselves by text
    ['not a version', '0', -1],
    ['2.0.0-final', '0.0.1', -1],
    ['abc', 'abd', -1],
    ['', 'abc', -1],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(-want || 0);
  });

  it('is total and antisymmetric on odd input', () => {
    const odd = [
      '',
      ' ',
      '1.0 ',
      '+',
      '1.0+',
      '1!',
      '!1',
      'x'.repeat(5000),
      `1.${'9'.repeat(400)}`,
      '1.0',
      '0',
    ];
    for (const a of odd) for (const b of odd) expect(compare(a, b)).toBe(-compare(b, a) || 0);
  });
});

describe('pep440Version.valid', () => {
  it.each([
    ['1.0', true],
    ['1!2.0rc1.post2.dev3+abc.5', true],
    ['1.0-final', false],
    ['0.7.10p1', false],
    ['trunk', false],
    ['', false],
  ] as const)('%s → %s', (v, want) => {
    expect(valid(v)).toBe(want);
  });
});

interface PytestParams {
  moduleConstants: { VERSIONS: string[] };
  parametrize: Record<string, { params: string[]; rows: Record<string, unknown>[] }[]>;
}

oracleSuite('versions/pep440', (dir) => {
  const params = JSON.parse(readFileSync(join(dir, 'test_version.params.json'), 'utf8')) as PytestParams;
  const rows = (name: string) => params.parametrize[name]?.flatMap((p) => p.rows) ?? [];

  it('orders packaging’s VERSIONS list strictly increasing, every pair', () => {
    const list = params.moduleConstants.VERSIONS;
    expect(list.length).toBeGreaterThan(80);
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < list.length; j++) {
        const want = i < j ? -1 : i > j ? 1 : 0;
        if (compare(list[i]!, list[j]!) !== want) expect.fail(`${list[i]} vs ${list[j]}: want ${want}`);
      }
    }
  });

  it('accepts packaging’s valid versions and rejects its invalid ones', () => {
    const good = rows('TestVersion.test_valid_versions').map((r) => String(r.version));
    const bad = rows('TestVersion.test_invalid_versions').map((r) => String(r.version));
    expect(good.length).toBeGreaterThan(50);
    expect(bad.length).toBeGreaterThan(5);
    expect(good.filter((v) => !valid(v))).toEqual([]);
    expect(bad.filter((v) => valid(v))).toEqual([]);
  });

  it('treats each version as equal to its normalised form', () => {
    const norm = rows('TestVersion.test_normalized_versions');
    expect(norm.length).toBeGreaterThan(20);
    for (const r of norm) expect(compare(String(r.version), String(r.normalized)), String(r.version)).toBe(0);
  });
});

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  for (const file of ['pypi-versions.txt', 'pypi-versions-generated.txt']) {
    it(`agrees with ${file}`, () => {
      const pairs = scalibrPairs(join(dir, file));
      expect(pairs.length).toBeGreaterThan(file.includes('generated') ? 10_000 : 20);
      const wrong = pairs.filter((p) => compare(p.a, p.b) !== p.want).map((p) => `${p.line}: ${p.text}`);
      expect(wrong).toEqual([]);
      const versions = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
      checkProperties(
        compare,
        versions,
        pairs.map((p) => [p.a, p.b]),
      );
    });
  }
});
