import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import type { FileFindings } from '../../core/analyzer.js';
import { apkAnalyzer } from './apk-analyzer.js';

async function analyze(content: Buffer): Promise<FileFindings> {
  const info = { path: 'lib/apk/db/installed', size: content.length, mode: 0o644, uid: 0, gid: 0 };
  expect(apkAnalyzer.wants(info)).toBe(true);
  return (await apkAnalyzer.analyze({ info, content }, { layer: 'sha256:test' })) ?? {};
}

/**
 * Trivy maps license names to SPDX ids after parsing (pkg/licensing); we keep the names as the
 * package wrote them. These are the legacy Alpine names in the fixture and what Trivy made of them.
 * (`BSD` → `BSD-3-Clause` is Trivy's guess, one reason we do not normalise in the parser.)
 */
const TRIVY_LICENSE_NAMES: Record<string, string> = {
  GPL2: 'GPL-2.0-only',
  'GPL2+': 'GPL-2.0-or-later',
  GPL: 'GPL-2.0-or-later',
  BSD: 'BSD-3-Clause',
  openssl: 'OpenSSL',
  zlib: 'Zlib',
};

oracleSuite('pkgdb/trivy/apk', (dir) => {
  it('installed matches installed.trivy-expected.json (all 15 packages, the invalid stanza a problem)', async () => {
    const expected = JSON.parse(readFileSync(join(dir, 'installed.trivy-expected.json'), 'utf8')) as {
      count: number;
      packages: {
        Name: string;
        Version: string;
        SrcName: string;
        SrcVersion: string;
        Licenses?: string[];
        Maintainer?: string;
        Arch?: string;
      }[];
    };
    const found = await analyze(readFileSync(join(dir, 'installed')));
    expect(found.components?.length).toBe(expected.count);
    const got = (found.components ?? []).map((c) => ({
      name: c.name,
      version: c.version,
      arch: c.arch,
      sourceName: c.sourceName,
      sourceVersion: c.sourceVersion,
      licenses: c.licenses?.map((l) => TRIVY_LICENSE_NAMES[l] ?? l),
      maintainer: c.maintainer,
    }));
    const want = expected.packages.map((p) => ({
      name: p.Name,
      version: p.Version,
      arch: p.Arch,
      sourceName: p.SrcName,
      sourceVersion: p.SrcVersion,
      licenses: p.Licenses,
      maintainer: p.Maintainer,
    }));
    expect(got).toEqual(want);
    expect(found.problems).toEqual([
      'stanza at line 23 (package "invalidPackageWithoutAVersion"): missing V: (version)',
    ]);
  });
});

type Want = [
  name: string,
  version: string,
  arch: string,
  origin: string,
  licenses: string[],
  maintainer?: false,
];

/**
 * Syft's apk fixtures ship no tool output, so the expected rows were transcribed from the fixtures'
 * own P/V/A/o/L lines, and agree with syft's parse_apk_db_test.go where it has expectations (single:
 * musl-utils with licenses MIT, BSD, GPL2+; base; empty-deps-and-provides; extra-file-attributes).
 */
const SYFT: Record<string, { packages: Want[]; problems: RegExp[] }> = {
  single: {
    packages: [['musl-utils', '1.1.24-r2', 'x86_64', 'musl', ['MIT', 'BSD', 'GPL2+']]],
    problems: [],
  },
  base: {
    packages: [['alpine-baselayout', '3.2.0-r6', 'x86_64', 'alpine-baselayout', ['GPL-2.0-only']]],
    problems: [],
  },
  'extra-file-attributes': {
    packages: [['openjdk8-jre', '8.212.04-r0', 'x86_64', 'openjdk8', ['custom']]],
    problems: [],
  },
  'empty-deps-and-provides': {
    packages: [['alpine-baselayout-data', '3.4.0-r0', 'x86_64', 'alpine-baselayout', ['GPL-2.0-only']]],
    problems: [],
  },
  'glob-paths/lib/apk/db/installed': {
    packages: [],
    problems: [/^line 1: not a "K:value" line: "bogus db contents"$/],
  },
  'corrupt/lib/apk/db/installed': {
    packages: [['alpine-baselayout-data', '3.2.0-r22', 'x86_64', 'alpine-baselayout', [], false]],
    problems: [/^line 1: not a "K:value" line: "this is a corrupt db"$/],
  },
  'multiple-1/lib/apk/db/installed': {
    packages: [
      ['bash', '5.2.21-r0', 'x86_64', 'bash', ['GPL-3.0-or-later']],
      ['busybox-binsh', '1.36.1-r15', 'x86_64', 'busybox', ['GPL-2.0-only']],
      ['musl', '1.2.4_git20230717-r4', 'x86_64', 'musl', ['MIT']],
      ['readline', '8.2.1-r2', 'x86_64', 'readline', ['GPL-2.0-or-later']],
    ],
    problems: [],
  },
  'multiple-2/lib/apk/db/installed': {
    packages: [
      ['alpine-baselayout-data', '3.2.0-r22', 'x86_64', 'alpine-baselayout', ['GPL-2.0-only']],
      ['musl', '1.2.3-r0', 'x86_64', 'musl', ['MIT']],
      ['busybox', '1.35.0-r17', 'x86_64', 'busybox', ['GPL-2.0-only']],
      ['alpine-baselayout', '3.2.0-r22', 'x86_64', 'alpine-baselayout', ['GPL-2.0-only']],
      ['alpine-keys', '2.4-r1', 'x86_64', 'alpine-keys', ['MIT']],
      ['ca-certificates-bundle', '20220614-r0', 'x86_64', 'ca-certificates', ['MPL-2.0', 'MIT']],
      ['libcrypto1.1', '1.1.1q-r0', 'x86_64', 'openssl', ['OpenSSL']],
      ['libssl1.1', '1.1.1q-r0', 'x86_64', 'openssl', ['OpenSSL']],
      ['ssl_client', '1.35.0-r17', 'x86_64', 'busybox', ['GPL-2.0-only']],
      ['zlib', '1.2.12-r3', 'x86_64', 'zlib', ['Zlib']],
      ['apk-tools', '2.12.9-r3', 'x86_64', 'apk-tools', ['GPL-2.0-only']],
      ['scanelf', '1.3.4-r0', 'x86_64', 'pax-utils', ['GPL-2.0-only']],
      ['musl-utils', '1.2.3-r0', 'x86_64', 'musl', ['MIT', 'BSD', 'GPL2+']],
      ['libc-utils', '0.7.2-r3', 'x86_64', 'libc-dev', ['BSD-2-Clause', 'BSD-3-Clause']],
    ],
    problems: [],
  },
};

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

oracleSuite('pkgdb/syft/syft/pkg/cataloger/alpine/testdata', (dir) => {
  const fixtures = listFiles(dir)
    .map((p) => relative(dir, p))
    .sort();
  it('every fixture has an expectation here', () => {
    expect(fixtures).toEqual(Object.keys(SYFT).sort());
  });
  for (const fixture of fixtures) {
    it(fixture, async () => {
      const want = SYFT[fixture];
      expect(want, `no expectation for ${fixture}`).toBeDefined();
      const found = await analyze(readFileSync(join(dir, fixture)));
      expect(found.components).toEqual(
        want!.packages.map(([name, version, arch, origin, licenses, maintainer]) => ({
          name,
          version,
          type: 'apk',
          arch,
          sourceName: origin,
          sourceVersion: version,
          ...(licenses.length > 0 ? { licenses } : {}),
          ...(maintainer === false ? {} : { maintainer: expect.any(String) }),
        })),
      );
      expect(found.problems ?? []).toHaveLength(want!.problems.length);
      for (const re of want!.problems)
        expect(
          found.problems?.some((p) => re.test(p)),
          String(re),
        ).toBe(true);
    });
  }
});
