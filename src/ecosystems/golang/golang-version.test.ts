/**
 * Go versions: the ecosystem orders by the shared semverVersion (checked against osv-scalibr's semver
 * vectors here too), and the Go-specific forms (a `v` on module versions, `+incompatible`,
 * pseudo-versions, toolchain release tags) through goOsvVersion, as OSV's Go database writes them.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { checkProperties, scalibrPairs } from '../../../test/support/version-vectors.js';
import { cargoEcosystem } from '../cargo/index.js';
import { golangEcosystem } from './index.js';

const osv = golangEcosystem.osvVersion!;
const cmp = golangEcosystem.versions.compare;
/** installed versions compared as matching does: after the OSV form */
const cmpInstalled = (a: string, b: string) => cmp(osv(a), osv(b));

oracleSuite('versions/osv-scalibr-semantic', (dir) => {
  it('Go and crates.io order every pair of semver-versions.txt as osv-scalibr', () => {
    const pairs = scalibrPairs(path.join(dir, 'semver-versions.txt'));
    expect(pairs.length).toBe(86);
    for (const scheme of [golangEcosystem.versions, cargoEcosystem.versions]) {
      const wrong = pairs.filter((p) => scheme.compare(p.a, p.b) !== p.want).map((p) => p.text);
      expect(wrong).toEqual([]);
      const versions = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
      checkProperties(
        scheme.compare,
        versions,
        pairs.map((p) => [p.a, p.b]),
      );
    }
  });
});

describe('Go version forms', () => {
  it('gives OSV the version without the v, and toolchain tags as semver', () => {
    const table: [string, string][] = [
      ['v1.2.3', '1.2.3'],
      ['v0.0.0-20210101000000-abcdef123456', '0.0.0-20210101000000-abcdef123456'],
      ['v2.0.0+incompatible', '2.0.0+incompatible'],
      ['go1.22.3', '1.22.3'],
      ['go1.20', '1.20.0'],
      ['go1.9', '1.9.0'],
      ['go1.21rc2', '1.21.0-rc.2'],
      ['go1.19beta1', '1.19.0-beta.1'],
      ['go1', '1.0.0'],
      ['1.2.3', '1.2.3'],
      // a vendor toolchain build: a prerelease of its release
      ['go1.25-20250209-RC00', '1.25.0-20250209-RC00'],
      // not a release tag: kept as is
      ['gotip', 'gotip'],
    ];
    for (const [installed, want] of table) expect(osv(installed), installed).toBe(want);
  });

  it('orders Go module and toolchain versions as the go command does', () => {
    // each strictly before the next (golang.org/x/mod/semver order; toolchains by release)
    const ascending = [
      'v0.0.0-20190101000000-aaaaaaaaaaaa',
      'v0.0.0-20210101000000-abcdef123456',
      'v0.1.0',
      'v0.3.7',
      'v0.3.8-0.20220101000000-abcdef123456', // pseudo-version after v0.3.7, before v0.3.8
      'v0.3.8',
      'v1.0.0-rc.1',
      'v1.0.0',
      'v2.0.0+incompatible',
      'v2.1.0+incompatible',
    ];
    for (let i = 1; i < ascending.length; i++)
      expect(cmpInstalled(ascending[i - 1]!, ascending[i]!), `${ascending[i - 1]} < ${ascending[i]}`).toBe(
        -1,
      );
    const toolchains = [
      'go1.9',
      'go1.10',
      'go1.19.8',
      'go1.20',
      'go1.21rc2',
      'go1.21.0',
      'go1.21.1',
      'go1.24.9',
      'go1.25-20250209-RC00',
      'go1.25.0',
    ];
    for (let i = 1; i < toolchains.length; i++)
      expect(
        cmpInstalled(toolchains[i - 1]!, toolchains[i]!),
        `${toolchains[i - 1]} < ${toolchains[i]}`,
      ).toBe(-1);
    // build metadata does not order: +incompatible equals the plain version
    expect(cmpInstalled('v2.0.0+incompatible', 'v2.0.0')).toBe(0);
    expect(cmp('v1.2.3', '1.2.3')).toBe(0);
    // plain string order would put go1.10 first: the toolchain tag itself is not semver, its OSV form is
    expect(golangEcosystem.versions.valid('go1.10')).toBe(false);
    expect(golangEcosystem.versions.valid(osv('go1.10'))).toBe(true);
  });
});
