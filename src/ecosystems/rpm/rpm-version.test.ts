import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../../test/support/version-vectors.js';
import { rpmVersion, rpmvercmp } from './rpm-version.js';

const { compare, valid } = rpmVersion;

describe('rpmvercmp', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.0', '1_0', 0],
    ['1.0', '1..0', 0],
    ['1.0', '1.0.', 0],
    ['1.0', '1.0.0', -1],
    ['1.01', '1.1', 0],
    ['1.0a', '1.0', 1],
    ['1.a', '1.0', -1],
    ['1.b', '1.a', 1],
    ['1.aa', '1.a', 1],
    ['1.A', '1.a', -1],
    ['1.0~rc1', '1.0', -1],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0~', '1.0', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0^', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['1.0^git1', '1.0a', -1],
    ['1.0^git1~pre', '1.0^git1', -1],
    ['1.0~rc1^git1', '1.0~rc1', 1],
    ['2.4.α', '2.4', 0],
    ['123456789012345678901234567890', '123456789012345678901234567891', -1],
    ['', '0', -1],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(rpmvercmp(a, b)).toBe(want);
    expect(rpmvercmp(b, a)).toBe(-want || 0);
  });
});

describe('rpmVersion.compare', () => {
  it.each([
    ['1.0-1', '1.0-1', 0],
    ['1.0-1', '1.0-2', -1],
    ['1.0-10.el8', '1.0-9.el8', 1],
    ['1.0-1.el8', '1.0-1.el8_9', -1],
    ['0:1.0-1', '1.0-1', 0],
    [':1.0-1', '1.0-1', 0],
    ['00:1.0-1', '0:1.0-1', 0],
    ['1:0.1-1', '2.0-1', 1],
    ['1.0', '1.0-1', -1],
    ['1.0', '1.0-', -1],
    ['1.0-', '1.0-0', -1],
    ['1.0-1', '1.0-1.', 0],
    ['1.0-1-2', '1.0-1-1', 1],
    ['1.0-1-2', '1.0-2-1', -1],
    ['a:1', '1:1', -1],
    ['1.0~rc1-1', '1.0-1', -1],
    ['1.0^20230101-1', '1.0-2', 1],
  ] as const)('%s vs %s = %i', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(-want || 0);
  });
});

describe('rpmVersion.valid', () => {
  it.each([
    ['1.0', true],
    ['1.0-1.el8', true],
    ['2:1.0-1.el8_9', true],
    ['1.0~rc1^git2+3-0.1', true],
    ['', false],
    [':1.0', false],
    ['a:1.0', false],
    ['1.0-', false],
    ['-1', false],
    ['1.0-1-2', false],
    ['1..0', false],
    ['1.0-1..2', false],
    ['1.0 1', false],
    ['1:2:3', false],
    ['1.0%{?dist}', false],
  ] as const)('%j -> %s', (v, want) => {
    expect(valid(v)).toBe(want);
  });
});

interface Case {
  a: string;
  b: string;
  [judge: string]: unknown;
}

function readCases(file: string): { count: number; cases: Case[] } {
  return JSON.parse(readFileSync(file, 'utf8')) as { count: number; cases: Case[] };
}

oracleSuite('versions/rpm', (dir) => {
  // Both files are judged by lua rpm.vercmp of rpm 4.18, which parses each string as [E:]V[-R]
  // (scripts/rpm_vectors.py).
  it('agrees with rpm on every pair of rpmvercmp.json, as rpmvercmp and as a full EVR', () => {
    const data = readCases(join(dir, 'rpmvercmp.json'));
    expect(data.cases.length).toBe(data.count);
    const wrong: string[] = [];
    for (const c of data.cases) {
      const want = c.debianRpm4_18;
      expect(c.expected).toBe(want);
      // No epoch or release in this file: rpm.vercmp reduces to rpmvercmp on the version.
      expect(`${c.a}${c.b}`).not.toMatch(/[-:]/);
      const got = rpmvercmp(c.a, c.b);
      const gotEvr = compare(c.a, c.b);
      if (got !== want || gotEvr !== want)
        wrong.push(`${c.a} vs ${c.b}: rpm ${want}, got ${got} / ${gotEvr}`);
    }
    console.log(
      `rpmvercmp.json: ${data.cases.length - wrong.length}/${data.cases.length} pairs agree with rpm`,
    );
    expect(wrong).toEqual([]);
  });

  it('agrees with rpm on every pair of rpm_generated.json', () => {
    const data = readCases(join(dir, 'rpm_generated.json'));
    expect(data.cases.length).toBe(data.count);
    const wrong: string[] = [];
    for (const c of data.cases) {
      const want = c.rpm_4_18_vercmp;
      if (typeof want !== 'number') expect.fail(`no rpm judgement for ${c.a} vs ${c.b}`);
      const got = compare(c.a, c.b);
      if (got !== want) wrong.push(`${c.a} vs ${c.b}: rpm ${want}, got ${got}`);
    }
    console.log(
      `rpm_generated.json: ${data.cases.length - wrong.length}/${data.cases.length} pairs agree with rpm`,
    );
    expect(wrong).toEqual([]);
  });
});

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  it('agrees with every pair of redhat-versions.txt (each confirmed by rpm 4.18 rpm.vercmp)', () => {
    const file = 'redhat-versions.txt';
    const verification = JSON.parse(
      readFileSync(join(dir, 'verification-local-tools.json'), 'utf8'),
    ) as Record<string, { checked: number; disagree_with_local_rpm_4_18?: string[] }>;
    const pairs = scalibrPairs(join(dir, file));
    expect(verification[file]?.checked).toBe(pairs.length);
    expect(verification[file]?.disagree_with_local_rpm_4_18).toEqual([]);
    const wrong: string[] = [];
    for (const p of pairs) {
      const got = compare(p.a, p.b);
      if (got !== p.want) wrong.push(`line ${p.line}: ${p.text}: got ${got}`);
    }
    console.log(`${file}: ${pairs.length - wrong.length}/${pairs.length} pairs agree`);
    expect(wrong).toEqual([]);
  });
});

oracleSuite('versions', (dir) => {
  it('is antisymmetric, reflexive and sorts consistently on every version in the rpm vectors', () => {
    const pairs: [string, string][] = [];
    for (const file of ['rpm/rpmvercmp.json', 'rpm/rpm_generated.json']) {
      for (const c of readCases(join(dir, file)).cases) pairs.push([c.a, c.b]);
    }
    for (const p of scalibrPairs(join(dir, 'osv-scalibr-semantic/redhat-versions.txt')))
      pairs.push([p.a, p.b]);
    const versions = [...new Set(pairs.flat())];
    checkProperties(compare, versions, pairs);
    console.log(`rpm properties: ${versions.length} versions, ${pairs.length} pairs both ways`);
  });

  it('accepts every EVR of rpm_generated.json (real package EVRs and well-formed tricky ones)', () => {
    const data = readCases(join(dir, 'rpm/rpm_generated.json'));
    const evrs = new Set(data.cases.flatMap((c) => [c.a, c.b]));
    expect([...evrs].filter((v) => !valid(v))).toEqual([]);
  });
});
