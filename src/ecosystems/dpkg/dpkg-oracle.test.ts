import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { ORACLES, oracleSuite } from '../../../test/support/oracles.js';
import type { Component } from '../../core/component.js';
import { dpkgAnalyzer } from './dpkg-analyzer.js';

// Ground truth from the real dpkg-query (../shared/oracles/README.md, scripts/dpkg_query_to_json.sh).
const ROOTS = ['pkgdb/trivy/dpkg', 'pkgdb/claircore-dpkg', 'pkgdb/syft/syft/pkg/cataloger/debian/testdata'];

interface Row {
  name: string;
  version: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  maintainer?: string;
}
type Tuple = [name: string, version: string, arch: string, sourceName?: string, sourceVersion?: string];

/**
 * Fixtures where we deliberately differ from dpkg-query, each with what we return instead.
 * - dpkg aborts the whole database on one bad stanza and lists nothing; we report the bad stanza as
 *   a problem and keep every good one (a scan must say what it could not read, not drop everything).
 * - dpkg never reads `status.d`: run on a distroless stanza file as if it were `status`, it counts a
 *   stanza without `Status:` as not installed. Distroless writes only installed packages and usually
 *   omits `Status:`, so in `status.d` we count such stanzas as installed.
 * `maintainer` is not listed for these; every other field is compared.
 */
const DEVIATIONS: Record<string, { why: string; packages: Tuple[]; problems: RegExp[] }> = {
  'pkgdb/syft/syft/pkg/cataloger/debian/testdata/image-dpkg/var/lib/dpkg/status': {
    why: 'dpkg aborts on the empty "Package:" at line 1',
    packages: [['libpam-runtime', '1.1.8-3.6', 'all', 'pam', '1.1.8-3.6']],
    problems: [/^stanza at line 1: missing Package/],
  },
  'pkgdb/syft/syft/pkg/cataloger/debian/testdata/var/lib/dpkg/status.d/empty': {
    why: 'dpkg aborts on the empty "Package:"',
    packages: [],
    problems: [/^stanza at line 1: missing Package/],
  },
  'pkgdb/syft/syft/pkg/cataloger/debian/testdata/var/lib/dpkg/status.d/multiple': {
    why: 'dpkg aborts on the empty "Package:" at line 1',
    packages: [
      ['tzdata', '2020a-0+deb10u1', 'all', 'tzdata-dev', '2020a-0+deb10u1'],
      ['util-linux', '2.33.1-0.1', 'amd64', 'util-linux', '2.33.1-0.1'],
    ],
    problems: [/^stanza at line 1: missing Package/],
  },
  'pkgdb/syft/syft/pkg/cataloger/debian/testdata/var/lib/dpkg/status.d/corrupt': {
    why: 'dpkg aborts on "Insterface to the configuration settings" (no colon)',
    packages: [],
    problems: [
      /^line 5: not a "Field: value" line/,
      /^line 6: continuation line without a field/,
      /^stanza at line 1: missing Package/,
    ],
  },
  'pkgdb/syft/syft/pkg/cataloger/debian/testdata/var/lib/dpkg/status.d/doc-examples': {
    why: 'dpkg aborts on a Depends syntax error; no stanza has Status: the versioned ones count in status.d',
    packages: [
      ['mutt', '1.3.17-1', ''],
      ['made-up-package-1', '1.0.0', '', 'glibc', '1.0.0'],
      ['made-up-package-2', '2.0.0', ''],
      ['made-up-package-3', '3.0.0', ''],
      ['made-up-package-4', '3.0.0', ''],
    ],
    problems: [],
  },
  'pkgdb/syft/syft/pkg/cataloger/debian/testdata/image-distroless-deb/var/lib/dpkg/status.d/libsqlite3-0': {
    why: 'distroless stanza without Status: not-installed for dpkg, installed for us',
    packages: [['libsqlite3-0', '3.34.1-3', 'arm64', 'sqlite3', '3.34.1-3']],
    problems: [],
  },
  'pkgdb/claircore-dpkg/vcpkg.status': {
    why: 'a vcpkg (Windows) status file: dpkg aborts on the first "Feature:" stanza without Version',
    packages: [
      ['libffi', '3.3', 'x64-windows'],
      ['zlib', '1.2.11-6', 'x64-windows'],
      ['curl', '7.68.0-1', 'x64-windows'],
      ['bzip2', '1.0.6-5', 'x64-windows'],
      ['liblzma', '5.2.4-4', 'x64-windows'],
      ['libiconv', '1.16-1', 'x64-windows'],
      ['libxml2', '2.9.9-5', 'x64-windows'],
      ['xxhash', '0.7.0', 'x64-windows'],
      ['lz4', '1.9.2', 'x64-windows'],
      ['lzo', '2.10-4', 'x64-windows'],
      ['openssl-windows', '1.1.1d-1', 'x64-windows'],
      ['openssl', '1.1.1d', 'x64-windows'],
      ['libarchive', '3.4.1', 'x64-windows'],
      ['libressl', '2.9.1-2', 'x64-windows'],
      ['libffi', '3.3', 'x86-windows'],
    ],
    problems: [29, 37, 46, 148, 157, 166, 175, 184, 193].map(
      (line) => new RegExp(`^stanza at line ${line} \\(package "(curl|libarchive)"\\): missing Version`),
    ),
  },
};

interface OracleJson {
  dpkgQueryStderr: string;
  count: number;
  packages: {
    package: string;
    version: string;
    architecture: string;
    status: string;
    sourcePackage: string;
    sourceVersion: string;
    maintainer: string;
  }[];
}

function findOracleJsons(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findOracleJsons(p));
    else if (name.endsWith('.dpkg-query.json')) out.push(p);
  }
  return out.sort();
}

/** golang.org/x/tools/txtar: `-- name --` header lines, each file's content after it. */
function parseTxtar(text: string): Map<string, string> {
  const files = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (name !== undefined) files.set(name, body.join('\n'));
  };
  for (const line of text.split('\n')) {
    const m = /^-- (.+) --$/.exec(line);
    if (m) {
      flush();
      name = m[1]!.trim();
      body = [];
    } else if (name !== undefined) body.push(line);
  }
  flush();
  return files;
}

/** The image files an oracle JSON was produced from, keyed by path inside the image. */
function inputsFor(json: string): Map<string, Buffer> {
  const stem = json.slice(0, -'.dpkg-query.json'.length);
  if (existsSync(`${stem}.txtar`)) {
    const files = parseTxtar(readFileSync(`${stem}.txtar`, 'utf8'));
    return new Map([...files].map(([p, c]) => [p, Buffer.from(c)]));
  }
  const imagePath =
    basename(dirname(stem)) === 'status.d'
      ? `var/lib/dpkg/status.d/${basename(stem)}`
      : 'var/lib/dpkg/status';
  return new Map([[imagePath, readFileSync(stem)]]);
}

async function scan(
  files: Map<string, Buffer>,
): Promise<{ rows: Row[]; problems: string[]; offered: string[] }> {
  const rows: Row[] = [];
  const problems: string[] = [];
  const offered: string[] = [];
  for (const [path, content] of files) {
    const info = { path, size: content.length, mode: 0o644, uid: 0, gid: 0 };
    if (!dpkgAnalyzer.wants(info)) continue;
    offered.push(path);
    const found = await dpkgAnalyzer.analyze({ info, content }, { layer: 'sha256:test' });
    rows.push(...(found?.components ?? []).map(toRow));
    problems.push(...(found?.problems ?? []));
  }
  return { rows: sortRows(rows), problems, offered };
}

function toRow(c: Component): Row {
  const row: Row = { name: c.name, version: c.version };
  if (c.arch) row.arch = c.arch;
  row.sourceName = c.sourceName;
  row.sourceVersion = c.sourceVersion;
  if (c.maintainer) row.maintainer = c.maintainer;
  return row;
}

function sortRows(rows: Row[]): Row[] {
  const key = (r: Row) => `${r.name}\u0000${r.arch ?? ''}\u0000${r.version}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

for (const root of ROOTS) {
  oracleSuite(root, (dir) => {
    const jsons = findOracleJsons(dir);
    it('has dpkg-query fixtures', () => {
      expect(jsons.length).toBeGreaterThan(0);
    });
    for (const json of jsons) {
      const stem = relative(ORACLES, json.slice(0, -'.dpkg-query.json'.length));
      const deviation = DEVIATIONS[stem];
      it(`${stem} matches dpkg-query${deviation ? ` (deviation: ${deviation.why})` : ''}`, async () => {
        const oracle = JSON.parse(readFileSync(json, 'utf8')) as OracleJson;
        const { rows, problems, offered } = await scan(inputsFor(json));
        expect(offered.length).toBe(1);
        if (deviation) {
          // dpkg listed nothing we could compare with: the why above says what it did instead
          expect(oracle.packages.filter((p) => p.status === 'install ok installed')).toEqual([]);
          const want = sortRows(
            deviation.packages.map(([name, version, arch, sourceName, sourceVersion]) => ({
              name,
              version,
              ...(arch ? { arch } : {}),
              sourceName: sourceName ?? name,
              sourceVersion: sourceVersion ?? version,
            })),
          );
          expect(rows.map(({ maintainer: _, ...r }) => r)).toEqual(want);
          expect(problems.length).toBe(deviation.problems.length);
          for (const re of deviation.problems)
            expect(
              problems.some((p) => re.test(p)),
              String(re),
            ).toBe(true);
          return;
        }
        expect(oracle.dpkgQueryStderr).not.toMatch(/error:/);
        // every status the fixtures hold has a decided meaning here; a new one must be decided first
        for (const p of oracle.packages) {
          expect(['install ok installed', 'deinstall ok config-files']).toContain(p.status);
        }
        const want = sortRows(
          oracle.packages
            .filter((p) => p.status === 'install ok installed')
            .map((p) => {
              const row: Row = { name: p.package, version: p.version };
              if (p.architecture) row.arch = p.architecture;
              row.sourceName = p.sourcePackage;
              row.sourceVersion = p.sourceVersion;
              if (p.maintainer) row.maintainer = p.maintainer;
              return row;
            }),
        );
        expect(rows).toEqual(want);
        expect(problems).toEqual([]);
      });
    }
  });
}

// Trivy's own expectation for the same `valid` database: version split into epoch/version/release.
oracleSuite('pkgdb/trivy/dpkg', (dir) => {
  const expectedFiles = readdirSync(dir).filter((n) => n.endsWith('.trivy-expected.json'));
  for (const name of expectedFiles) {
    it(`${name} agrees (name, full version, source, arch, maintainer)`, async () => {
      const stem = name.slice(0, -'.trivy-expected.json'.length);
      const files = parseTxtar(readFileSync(join(dir, `${stem}.txtar`), 'utf8'));
      const { rows } = await scan(new Map([...files].map(([p, c]) => [p, Buffer.from(c)])));
      const expected = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
        packages: Record<string, string | number | undefined>[];
      };
      const full = (epoch: unknown, version: unknown, release: unknown) =>
        `${epoch ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
      const want = sortRows(
        expected.packages.map((p) => ({
          name: String(p.Name),
          version: full(p.Epoch, p.Version, p.Release),
          arch: String(p.Arch),
          sourceName: String(p.SrcName),
          sourceVersion: full(p.SrcEpoch, p.SrcVersion, p.SrcRelease),
          maintainer: String(p.Maintainer),
        })),
      );
      expect(rows).toEqual(want);
    });
  }
});
