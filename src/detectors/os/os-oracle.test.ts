import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import type { OsInfo } from '../../core/os.js';
import { osAnalyzer } from './os-analyzer.js';
import { resolveOs } from './resolve-os.js';

async function analyzeAs(path: string, content: Buffer): Promise<{ os?: OsInfo; problems?: string[] }> {
  const info = { path, size: content.length, mode: 0o644, uid: 0, gid: 0 };
  expect(osAnalyzer.wants(info)).toBe(true);
  return (await osAnalyzer.analyze({ info, content }, { layer: 'sha256:test' })) ?? {};
}

/** Runs the analyzer over every wanted file under a fixture root, then resolveOs over the answers. */
async function resolveTree(root: string): Promise<OsInfo | undefined> {
  const answers = new Map<string, OsInfo>();
  const walk = async (dir: string): Promise<void> => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        await walk(p);
        continue;
      }
      const path = relative(root, p);
      const info = { path, size: 0, mode: 0o644, uid: 0, gid: 0 };
      if (!osAnalyzer.wants(info)) continue;
      const found = await osAnalyzer.analyze({ info, content: readFileSync(p) }, { layer: 'sha256:test' });
      if (found?.os) answers.set(path, found.os);
    }
  };
  await walk(root);
  return resolveOs(answers);
}

/**
 * Trivy reports a "family" of its own naming; ours is the os-release ID as written. Each Trivy family
 * here with the os-release IDs it stands for (centos-stream is ID=centos with NAME "CentOS Stream").
 */
const TRIVY_FAMILY_IDS: Record<string, string[]> = {
  redhat: ['rhel'],
  alma: ['almalinux'],
  oracle: ['ol'],
  'centos-stream': ['centos'],
  'opensuse-leap': ['opensuse-leap', 'opensuse'],
  slem: ['sle-micro', 'sle-micro-rancher', 'sl-micro'],
  'cbl-mariner': ['mariner'],
};

/**
 * Deliberate differences from Trivy:
 * - version: ours is the full version (DESIGN §3). When os-release VERSION extends VERSION_ID we take
 *   it (Mariner `1.0.20230713` where Trivy says `1.0`); Trivy's answer is then a prefix of ours.
 * - Trivy returns nothing for IDs it does not support (`unknown`) and for a missing VERSION_ID; we
 *   return what the file says (version empty when absent), so a release file can still supply it.
 *   Only a file without ID gives no answer (and a problem) in both.
 */
const OURS_WHERE_TRIVY_HAS_NONE: Record<string, OsInfo | 'problem'> = {
  unknown: { id: 'unknown', version: '4.3.2', source: 'etc/os-release' },
  'no-id': 'problem',
  'no-version': { id: 'alpine', version: '', prettyName: 'Alpine Linux v3.15', source: 'etc/os-release' },
};

oracleSuite('pkgdb/trivy/os-release', (dir) => {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
    cases: { name: string; file: string; expected: { family: string; version: string } | null }[];
  };
  it('every fixture file has a case', () => {
    const files = readdirSync(dir).filter((n) => n !== 'expected.json' && !n.endsWith('.go'));
    expect(new Set(expected.cases.map((c) => c.file))).toEqual(new Set(files));
  });
  for (const c of expected.cases) {
    it(`${c.name} (${c.file})`, async () => {
      const found = await analyzeAs('etc/os-release', readFileSync(join(dir, c.file)));
      if (c.expected === null) {
        const ours = OURS_WHERE_TRIVY_HAS_NONE[c.file];
        expect(ours, `decide what ${c.file} should give`).toBeDefined();
        if (ours === 'problem') {
          expect(found.os).toBeUndefined();
          expect(found.problems?.length).toBeGreaterThan(0);
        } else {
          expect(found).toEqual({ os: ours });
        }
        return;
      }
      expect(found.problems).toBeUndefined();
      const os = found.os!;
      expect(TRIVY_FAMILY_IDS[c.expected.family] ?? [c.expected.family]).toContain(os.id);
      if (os.version !== c.expected.version)
        expect(os.version.startsWith(`${c.expected.version}.`)).toBe(true);
      expect(os.source).toBe('etc/os-release');
    });
  }
  it('takes the longer VERSION only where os-release records one (Mariner, Azure Linux)', async () => {
    const versions: Record<string, string> = {};
    for (const c of expected.cases) {
      const { os } = await analyzeAs('etc/os-release', readFileSync(join(dir, c.file)));
      if (os && c.expected && os.version !== c.expected.version) versions[c.file] = os.version;
    }
    expect(versions).toEqual({
      'mariner-1.0': '1.0.20230713',
      'mariner-2.0': '2.0.20240123',
      'azurelinux-3.0': '3.0.20240624',
    });
  });
});

function dirs(path: string): string[] {
  return readdirSync(path)
    .filter((n) => statSync(join(path, n)).isDirectory())
    .sort();
}

oracleSuite('pkgdb/os-release/claircore/alpine/testdata', (dir) => {
  for (const release of dirs(dir)) {
    it(`alpine ${release}`, async () => {
      const want = JSON.parse(readFileSync(join(dir, release, 'want'), 'utf8')) as {
        did: string;
        version: string;
        pretty_name: string;
      }[];
      expect(want.length).toBe(1);
      const os = await resolveTree(join(dir, release));
      expect(os?.id).toBe(want[0]!.did);
      expect(os?.prettyName).toBe(want[0]!.pretty_name);
      // claircore's version is the release stream (3.18, edge); ours the full VERSION_ID (3.18.4)
      if (want[0]!.version === 'edge') expect(os?.version).toMatch(/_alpha\d{8}$/);
      else expect(os?.version.startsWith(`${want[0]!.version}.`)).toBe(true);
    });
  }
});

// No want files upstream: the folder names say the release, and distroless_dist the flavour.
oracleSuite('pkgdb/os-release/claircore/debian/testdata', (dir) => {
  for (const flavour of dirs(dir)) {
    for (const release of dirs(join(dir, flavour))) {
      it(`${flavour}/${release}`, async () => {
        const os = await resolveTree(join(dir, flavour, release));
        expect(os?.id).toBe('debian');
        expect(os?.version).toBe(release);
        expect(os?.distroless ?? false).toBe(flavour === 'distroless_dist');
        expect(os?.source).toBe('etc/os-release');
        if (Number(release) >= 8) expect(os?.codename).toMatch(/^[a-z]+$/);
      });
    }
  }
});

oracleSuite('pkgdb/os-release/claircore/ubuntu/testdata/dist', (dir) => {
  for (const release of dirs(dir)) {
    it(`ubuntu ${release}`, async () => {
      const os = await resolveTree(join(dir, release));
      if (release === '11') {
        // claircore's negative case: a Debian 11 os-release in the Ubuntu folder
        expect(os).toMatchObject({ id: 'debian', version: '11', codename: 'bullseye' });
        return;
      }
      expect(os?.id).toBe('ubuntu');
      // os-release VERSION carries the point release (16.04.7) where the image has one
      if (os?.version !== release) expect(os?.version.startsWith(`${release}.`)).toBe(true);
      expect(os?.codename).toMatch(/^[a-z]+$/);
      const hasOsRelease = existsSync(join(dir, release, 'etc/os-release'));
      expect(os?.source).toBe(hasOsRelease ? 'etc/os-release' : 'etc/lsb-release');
    });
  }
});

/** Upstream has no want files for these; written from the folder names and checked by hand. */
const RHEL_FAMILY: Record<string, Partial<OsInfo>> = {
  // redhat-release here says 7.4 while os-release says 7.7: os-release wins, the release file only extends
  '7': { id: 'rhel', version: '7.7', source: 'etc/os-release' },
  '8': { id: 'rhel', version: '8.1', source: 'etc/os-release' },
  '9': { id: 'rhel', version: '9.0', source: 'etc/os-release' },
  'atomichost-7': { id: 'rhel', version: '7.9', source: 'etc/os-release' },
  hummingbird: { id: 'hummingbird', version: '20251124', source: 'etc/os-release' },
  // Oracle Linux without os-release: its redhat-release names RHEL and must not win
  'oracle-6': { id: 'ol', version: '6.10', source: 'etc/oracle-release' },
  'oracle-7': { id: 'ol', version: '7.9', source: 'etc/oracle-release' },
  'oracle-8': { id: 'ol', version: '8.9', source: 'etc/oracle-release' },
  'oracle-9': { id: 'ol', version: '9.3', source: 'etc/oracle-release' },
};

oracleSuite('pkgdb/os-release/claircore/rhel/testdata/releasefiles', (dir) => {
  it('every fixture has an expectation here', () => {
    expect(dirs(dir)).toEqual(Object.keys(RHEL_FAMILY).sort());
  });
  for (const name of dirs(dir)) {
    it(name, async () => {
      expect(await resolveTree(join(dir, name))).toMatchObject(RHEL_FAMILY[name]!);
    });
  }
});

// Syft's image-dpkg fixture also carries an os-release.
oracleSuite('pkgdb/syft/syft/pkg/cataloger/debian/testdata/image-dpkg', (dir) => {
  it('image-dpkg os-release', async () => {
    expect(await resolveTree(dir)).toEqual({
      id: 'debian',
      version: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      source: 'etc/os-release',
    });
  });
});
