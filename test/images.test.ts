/**
 * End-to-end: `hullscan scan REF --format json` against REAL images built by test/fixtures/build-images.sh
 * (umoci, skopeo, buildah, debootstrap) and hostile images from test/support/hostile.ts. Every expectation
 * comes from the fixture's meta.json (written by the builder from what it put in) or from dpkg-query run
 * inside the debootstrapped root, never from the scanner.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  type ExpectedComponent,
  ensureFixtures,
  FIXTURE_TOOLS,
  type Fixtures,
  requireTools,
  runCli,
} from './support/fixtures.js';
import * as hostile from './support/hostile.js';

interface ScanComponent {
  name: string;
  version: string;
  type: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  licenses?: string[];
  layer?: string;
  path?: string;
  purl?: string;
}

interface ScanOutput {
  detail: Record<string, unknown> & { ImageID: string };
  components: ScanComponent[];
  layers: { diffID: string; size: number }[];
  problems: unknown[];
}

// ---------- helpers ----------

const dataDirs: string[] = [];
async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-data-'));
  dataDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
});

function explain(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstderr: ${r.stderr.slice(0, 2000)}\nstdout: ${r.stdout.slice(0, 500)}`;
}

/** Scans `ref` (fresh data dir unless given) and returns the parsed output; fails the test on a non-zero exit. */
async function scan(
  ref: string,
  extra: string[] = [],
  dataDir?: string,
): Promise<ScanOutput & { run: CliResult }> {
  const run = await runCli(['scan', ref, '--format', 'json', ...extra], {
    dataDir: dataDir ?? (await freshDataDir()),
  });
  expect(run.code, explain(run)).toBe(0);
  expect(run.json, `stdout is not one JSON object\n${explain(run)}`).toBeTypeOf('object');
  const out = run.json as ScanOutput;
  expect(Array.isArray(out.components), 'components[]').toBe(true);
  expect(Array.isArray(out.layers), 'layers[]').toBe(true);
  return { ...out, run };
}

type Key = Pick<
  ExpectedComponent,
  'name' | 'version' | 'type' | 'arch' | 'sourceName' | 'sourceVersion' | 'layer' | 'path'
>;
const byIdentity = (a: Key, b: Key) =>
  a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch) || a.version.localeCompare(b.version);

function keyOf(c: ScanComponent | ExpectedComponent): Key {
  return {
    name: c.name,
    version: c.version,
    type: c.type,
    arch: c.arch ?? '',
    sourceName: c.sourceName ?? '',
    sourceVersion: c.sourceVersion ?? '',
    layer: c.layer ?? '',
    path: c.path ?? '',
  };
}
const normalise = (cs: (ScanComponent | ExpectedComponent)[]) => cs.map(keyOf).sort(byIdentity);

/** The output minus what legitimately differs between two scans of the same image (scan time, cache flags). */
function stable(out: ScanOutput): unknown {
  const { ScanTime: _scanTime, ...detail } = out.detail;
  const layers = out.layers.map(({ diffID, size }) => ({ diffID, size }));
  return { detail, components: out.components, layers, problems: out.problems };
}

/** When the CLI reports per-layer cache hits, a rescan must have hit the cache for every layer. */
function expectCached(out: ScanOutput): void {
  for (const layer of out.layers as ({ cached?: unknown } & ScanOutput['layers'][number])[]) {
    if ('cached' in layer) expect(layer.cached, `layer ${layer.diffID} not served from the cache`).toBe(true);
  }
}

function expectPurls(components: ScanComponent[]): void {
  for (const c of components) {
    expect(c.purl, `${c.name} has no purl`).toBeTypeOf('string');
    const purl = PackageURL.fromString(c.purl!);
    expect({ type: purl.type, namespace: purl.namespace, name: purl.name, version: purl.version }).toEqual({
      type: 'deb',
      namespace: 'debian',
      name: c.name,
      version: c.version,
    });
    expect(purl.qualifiers?.['arch'], `${c.purl} arch`).toBe(c.arch);
  }
}

/** BuildHistory holds every created_by, oldest first. */
function expectHistory(buildHistory: unknown, createdBy: string[]): void {
  expect(buildHistory).toBeTypeOf('string');
  let from = 0;
  for (const line of createdBy) {
    const at = (buildHistory as string).indexOf(line, from);
    expect(at, `BuildHistory lacks (in order): ${line}\n${buildHistory}`).toBeGreaterThanOrEqual(0);
    from = at + line.length;
  }
}

// ---------- small: every source of the same image gives the same answer ----------

const smallSkip = requireTools([...FIXTURE_TOOLS.small, ...FIXTURE_TOOLS.legacy, ...FIXTURE_TOOLS.buildah]);

describe.skipIf(smallSkip)('small image (umoci: whiteouts, opaque dirs, layers without end blocks)', () => {
  let fx: Fixtures<'small' | 'legacy' | 'buildah'>;
  const results = new Map<string, ScanOutput>();
  beforeAll(async () => {
    fx = await ensureFixtures(['small', 'legacy', 'buildah']);
  });

  type Case = [name: string, ref: () => string, imageDigest: () => string, imageName?: string];
  const cases: Case[] = [
    ['oci layout', () => fx.small.ref('oci'), () => fx.small.meta.manifestDigest],
    ['oci layout, no tag', () => `oci:${fx.small.file('oci')}`, () => fx.small.meta.manifestDigest],
    ['oci layout, bare path', () => fx.small.file('oci'), () => fx.small.meta.manifestDigest],
    [
      'oci layout, zstd layers',
      () => fx.small.ref('zstd'),
      () => fx.small.meta.variants.zstd.manifestDigest!,
    ],
    [
      'zstd oci layout, bare path',
      () => fx.small.file('small-zstd/oci'),
      () => fx.small.meta.variants.zstd.manifestDigest!,
    ],
    [
      'oci-archive',
      () => fx.small.ref('oci-archive'),
      () => fx.small.meta.variants['oci-archive'].manifestDigest!,
    ],
    [
      'oci-archive, bare path',
      () => fx.small.file('small-oci.tar'),
      () => fx.small.meta.variants['oci-archive'].manifestDigest!,
    ],
    [
      'docker-archive (skopeo)',
      () => fx.small.ref('docker-archive'),
      () => fx.small.meta.imageId,
      'docker.io/hullscan-test/small:1.0',
    ],
    ['docker-archive, bare path', () => fx.small.file('small-docker.tar'), () => fx.small.meta.imageId],
    [
      'legacy docker-archive (<id>/layer.tar)',
      () => fx.legacy.ref('docker-archive'),
      () => fx.small.meta.imageId,
      'docker.io/hullscan-test/small:legacy',
    ],
    [
      'legacy docker-archive, bare path',
      () => fx.legacy.file('legacy-docker.tar'),
      () => fx.small.meta.imageId,
    ],
    ['docker-archive (buildah push)', () => fx.buildah.ref('small-pushed'), () => fx.small.meta.imageId],
  ];

  it.each(cases)('%s', async (name, ref, imageDigest, imageName) => {
    const meta = fx.small.meta;
    const out = await scan(ref());
    results.set(name, out);
    const d = out.detail;
    expect(d.ImageID).toBe(meta.imageId);
    expect(d['ImageDigest']).toBe(imageDigest());
    if (imageName) expect(d['ImageName']).toBe(imageName);
    expect(d['OsName']).toBe(meta.osName);
    expect(d['Architecture']).toBe(meta.architecture);
    expect(d['Author']).toBe(meta.author);
    expect(d['CreateTime']).toBe(meta.createTime);
    expect(Number(d['Size'])).toBe(meta.size);
    expectHistory(d['BuildHistory'], meta.history);
    expect(out.layers.map(({ diffID, size }) => ({ diffID, size }))).toEqual(
      meta.layers.map(({ diffID, size }) => ({ diffID, size })),
    );
    expect(normalise(out.components)).toEqual(normalise(meta.components));
    expectPurls(out.components);
    expect(out.problems).toEqual([]);
  });

  it('applies whiteouts and opaque directories (dpkg db layering)', () => {
    const out = results.get('oci layout');
    expect(out, 'the oci layout scan must have run').toBeDefined();
    const names = out!.components.map((c) => c.name);
    // libgdbm6: stanza dropped; cron: "deinstall ok config-files"; distro-info-data: .wh. file;
    // tzdata: its status.d dir made opaque by a later layer
    for (const gone of fx.small.meta.removedComponents) expect(names, gone.why).not.toContain(gone.name);
    const layerOf = (n: string) =>
      out!.layers.findIndex((l) => l.diffID === out!.components.find((c) => c.name === n)?.layer);
    expect(layerOf('netbase'), 'netbase arrives in the opaque layer').toBe(2);
    expect(layerOf('ca-certificates'), 'ca-certificates: last entry of a layer without end blocks').toBe(3);
    expect(layerOf('libsemanage2'), 'added when the status file was rewritten').toBe(1);
    expect(layerOf('libssl3'), 'unchanged stanzas keep the layer that introduced them').toBe(0);
  });

  it('every source agrees on ImageID, layers and components', () => {
    expect(results.size).toBe(cases.length);
    const views = [...results.values()].map((o) => ({
      id: o.detail.ImageID,
      layers: o.layers.map(({ diffID, size }) => ({ diffID, size })),
      components: normalise(o.components),
    }));
    for (const v of views) expect(v).toEqual(views[0]);
  });

  it('a rescan with the same --data dir gives identical output', async () => {
    const dataDir = await freshDataDir();
    const first = await scan(fx.small.ref('oci'), [], dataDir);
    const second = await scan(fx.small.ref('oci'), [], dataDir);
    expect(stable(second)).toEqual(stable(first));
    expectCached(second);
  });
});

// ---------- buildah: Containerfile build FROM small ----------

const buildahSkip = requireTools(FIXTURE_TOOLS.buildah);

describe.skipIf(buildahSkip)('buildah-built image (COPY, exec-form RUN, USER, EXPOSE, ENV)', () => {
  let fx: Fixtures<'buildah'>;
  beforeAll(async () => {
    fx = await ensureFixtures(['buildah']);
  });

  it('scans the docker-archive buildah pushed, with its RUN whiteout applied', async () => {
    const meta = fx.buildah.meta;
    const out = await scan(fx.buildah.ref('docker-archive'));
    expect(out.detail.ImageID).toBe(meta.imageId);
    expect(out.detail['OsName']).toBe(meta.osName);
    expect(out.detail['Architecture']).toBe(meta.architecture);
    expect(out.layers.map((l) => l.diffID)).toEqual(meta.diffIDs);
    expect(normalise(out.components)).toEqual(normalise(meta.components));
    expect(out.components.map((c) => c.name)).not.toContain('netbase');
    expectHistory(out.detail['BuildHistory'], meta.history);
  });
});

// ---------- multi-platform index ----------

const multiSkip = requireTools(FIXTURE_TOOLS.multi);

describe.skipIf(multiSkip)('multi-platform image index', () => {
  let fx: Fixtures<'multi'>;
  beforeAll(async () => {
    fx = await ensureFixtures(['multi']);
  });

  it.each([
    ['linux/amd64', 'oci'],
    ['linux/arm64/v8', 'oci'],
    ['linux/amd64', 'oci-archive'],
    ['linux/arm64/v8', 'oci-archive'],
  ] as const)('--platform %s from the %s', async (platform, variant) => {
    const want = fx.multi.meta.platforms[platform];
    const out = await scan(fx.multi.ref(variant), ['--platform', platform]);
    expect(out.detail.ImageID).toBe(want.imageId);
    expect(out.detail['ImageDigest']).toBe(want.manifestDigest);
    expect(out.detail['Architecture']).toBe(want.architecture);
    expect(out.detail['OsName']).toBe(fx.multi.meta.osName);
    expect(out.layers.map((l) => l.diffID)).toEqual(want.diffIDs);
    expect(normalise(out.components)).toEqual(normalise(want.components));
  });

  it('the two platforms are different images', () => {
    const p = fx.multi.meta.platforms;
    expect(p['linux/amd64'].imageId).not.toBe(p['linux/arm64/v8'].imageId);
  });

  it('a platform the index does not offer exits 2 naming the platform', async () => {
    const run = await runCli(
      ['scan', fx.multi.ref('oci'), '--format', 'json', '--platform', fx.multi.meta.absentPlatform],
      {
        dataDir: await freshDataDir(),
      },
    );
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/platform/i);
  });
});

// ---------- bookworm: a real debootstrapped Debian ----------

const bookwormSkip = requireTools(FIXTURE_TOOLS.bookworm);

describe.skipIf(bookwormSkip)('debootstrap bookworm minbase', () => {
  let fx: Fixtures<'bookworm'>;
  let truth: Key[];
  beforeAll(async () => {
    fx = await ensureFixtures(['bookworm']);
    const diffID = fx.bookworm.meta.layers[0]!.diffID;
    truth = readFileSync(fx.bookworm.file(fx.bookworm.meta.groundTruth), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, version, arch, sourceName, sourceVersion] = line.split('\t') as [
          string,
          string,
          string,
          string,
          string,
        ];
        return {
          name,
          version,
          type: 'deb',
          arch,
          sourceName,
          sourceVersion,
          layer: diffID,
          path: 'var/lib/dpkg/status',
        };
      })
      .sort(byIdentity);
  });

  it.each(['oci', 'docker-archive'] as const)(
    '%s: components equal dpkg-query inside the root',
    async (variant) => {
      const meta = fx.bookworm.meta;
      expect(truth.length).toBe(meta.packageCount);
      const out = await scan(fx.bookworm.ref(variant));
      expect(out.detail.ImageID).toBe(meta.imageId);
      expect(out.detail['OsName']).toBe(`debian:${meta.debianVersion}`);
      expect(Number(out.detail['Size'])).toBe(meta.size);
      expect(normalise(out.components.filter((c) => c.type === 'deb'))).toEqual(truth);
      expectPurls(out.components.filter((c) => c.type === 'deb'));
      // licenses come from usr/share/doc/<pkg>/copyright; prose-only files (libcrypt1) name none
      const licensed = out.components.filter((c) => c.licenses?.length);
      expect(licensed.length).toBeGreaterThanOrEqual(truth.length - 3);
      const lic = (n: string) => out.components.find((c) => c.name === n)?.licenses;
      expect(lic('libgcc-s1')).toEqual(lic('gcc-12-base'));
      expect(lic('base-passwd')).toContain('GPL-2');
    },
  );

  it('a rescan with the same --data dir is faster and identical', async () => {
    const dataDir = await freshDataDir();
    const first = await scan(fx.bookworm.ref('oci'), [], dataDir);
    const second = await scan(fx.bookworm.ref('oci'), [], dataDir);
    console.info(
      `bookworm scan: cold ${first.run.durationMs.toFixed(0)} ms, cached ${second.run.durationMs.toFixed(0)} ms`,
    );
    expect(stable(second)).toEqual(stable(first));
    expectCached(second);
    // the 121 MB layer is read once; the second scan answers from the layer cache
    expect(second.run.durationMs).toBeLessThan(first.run.durationMs * 0.8);
  });
});

// ---------- hostile input: exit 2, one line, a precise cause ----------

describe('hostile images', () => {
  let root: string;
  const refs = new Map<string, { ref: string; dir: string }>();
  const watched = ['/etc/passwd', '/etc/shadow'];
  const before = new Map<string, string>();
  const fingerprint = (f: string) => {
    try {
      const s = statSync(f);
      return `${s.size}:${s.mtimeMs}:${s.mode}`;
    } catch {
      return 'absent';
    }
  };

  type Gen = (dir: string) => Promise<string>;
  // [name, generator, the cause the message must state, extra CLI args, the in-image file it may name instead
  // of the image path or a blob digest]
  const cases: [name: string, gen: Gen, cause: RegExp, extra?: string[], names?: string][] = [
    ['truncated archive', hostile.truncatedArchive, /truncated|unexpected end/i],
    ['layer blob with a wrong digest', hostile.wrongBlobDigest, /digest/i],
    ['missing layer blob', hostile.missingBlob, /missing blob|blob\b.*\b(missing|not found)/i],
    ['entry ../../etc/passwd', hostile.pathTraversal, /\.\.\/|outside/i],
    ['absolute entry /etc/shadow', hostile.absolutePath, /absolute/i],
    ['symlink loop at etc/os-release', hostile.symlinkLoop, /symlink loop/i, [], 'etc/os-release'],
    ['hard link to a missing file', hostile.hardLinkMissing, /hard ?link/i],
    ['gzip bomb (2 GiB of zeros)', hostile.gzipBomb, /bomb|expan/i],
    ['image without layers', hostile.emptyImage, /no layers|empty/i],
    [
      'index without the requested platform',
      hostile.indexWithoutPlatform,
      /platform/i,
      ['--platform', hostile.MISSING_PLATFORM],
    ],
    ['config diff_ids do not match the layer', hostile.diffIdMismatch, /diff_?id/i],
  ];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hullscan-h-'));
    for (const f of watched) before.set(f, fingerprint(f));
    let i = 0;
    for (const [name, gen] of cases) {
      const dir = path.join(root, `case-${++i}`);
      refs.set(name, { ref: await gen(dir), dir });
    }
    const dir = path.join(root, 'valid');
    refs.set('valid', { ref: await hostile.noEndBlocks(dir), dir });
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it.each(cases)('%s: exit 2 with a one-line cause', async (name, _gen, cause, extra = [], names) => {
    const { ref, dir } = refs.get(name)!;
    const run = await runCli(['scan', ref, '--format', 'json', ...extra], {
      dataDir: await freshDataDir(),
      timeoutMs: 60_000,
    });
    expect(run.timedOut, `no answer within 60 s\n${explain(run)}`).toBe(false);
    expect(run.code, explain(run)).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines, `stderr must be one line:\n${run.stderr}`).toHaveLength(1);
    // the keyword must come from the message, not from the path it quotes
    expect(lines[0]!.replaceAll(dir, '<image>'), `cause for ${name}`).toMatch(cause);
    const subject = [reEscape(dir), 'sha256:[0-9a-f]{12}', ...(names ? [reEscape(names)] : [])].join('|');
    expect(lines[0], 'names the image, the blob or the file at fault').toMatch(new RegExp(subject));
    expect(run.stdout.trim(), 'no partial JSON on stdout').toBe('');
  });

  it('nothing outside the scanner was written (traversal, absolute entries)', () => {
    for (const f of watched) expect(fingerprint(f), f).toBe(before.get(f));
  });

  it('a layer without tar end blocks (last entry unpadded) is valid and fully read', async () => {
    const out = await scan(refs.get('valid')!.ref);
    const found = out.components.map((c) => ({ name: c.name, version: c.version, arch: c.arch }));
    expect(found).toContainEqual({ ...hostile.NO_END_BLOCKS_PACKAGE });
    expect(found).toContainEqual({ ...hostile.HOSTILE_BASE_PACKAGE });
    expect(out.detail['OsName']).toBe('debian:12.5');
    expect(out.problems).toEqual([]);
  });
});
