/**
 * Checks the hostile-image generators themselves with independent tools (GNU tar, gzip, skopeo): each
 * image must be valid except for its one fault, or the CLI tests in test/images.test.ts prove nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from './fixtures.js';
import * as hostile from './hostile.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string };
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function layoutOf(ref: string): { dir: string; tag: string } {
  const m = /^oci:(.*):([^:/]+)$/.exec(ref);
  if (!m) throw new Error(`not an oci ref: ${ref}`);
  return { dir: m[1]!, tag: m[2]! };
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Resolves an oci ref to its manifest (first one of an index) and reports which blobs are bad. */
async function inspectOci(ref: string) {
  const { dir, tag } = layoutOf(ref);
  const blobPath = (d: string) => path.join(dir, 'blobs', 'sha256', d.slice(7));
  const index = await readJson<{ manifests: (Descriptor & { annotations?: Record<string, string> })[] }>(
    path.join(dir, 'index.json'),
  );
  const top = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!top) throw new Error(`no tag ${tag}`);
  const problems: string[] = [];
  const check = async (d: Descriptor) => {
    if (!existsSync(blobPath(d.digest))) {
      problems.push(`missing ${d.digest}`);
      return undefined;
    }
    const data = await readFile(blobPath(d.digest));
    if (sha(data) !== d.digest) problems.push(`digest ${d.digest}`);
    if (data.length !== d.size) problems.push(`size ${d.digest}`);
    return data;
  };
  let manifestDesc: Descriptor = top;
  let platforms: string[] = [];
  if (top.mediaType.endsWith('index.v1+json')) {
    const idx = JSON.parse((await check(top))!.toString()) as { manifests: Descriptor[] };
    platforms = idx.manifests.map((m) => m.platform!.architecture);
    manifestDesc = idx.manifests[0]!;
  }
  const manifest = JSON.parse((await check(manifestDesc))!.toString()) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const config = JSON.parse((await check(manifest.config))!.toString()) as { rootfs: { diff_ids: string[] } };
  const layers: (Buffer | undefined)[] = [];
  for (const l of manifest.layers) layers.push(await check(l));
  return { dir, manifest, config, layers, problems, platforms, blobPath };
}

function gnuTarList(tar: Buffer): { code: number | null; out: string; err: string } {
  const r = spawnSync('tar', ['-tvPf', '-'], { input: tar, encoding: 'buffer', maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
}

const skip = requireTools(['tar', 'gzip', 'skopeo']);

describe.skipIf(skip)('hostile image generators', () => {
  let root: string;
  let n = 0;
  const caseDir = () => path.join(root, `case-${++n}`);
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hullscan-hostile-gen-'));
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('noEndBlocks: valid digests, last entry unpadded, no end blocks; skopeo copies it', async () => {
    const ref = await hostile.noEndBlocks(caseDir());
    const img = await inspectOci(ref);
    expect(img.problems).toEqual([]);
    const tar = zlib.gunzipSync(img.layers[1]!);
    expect(sha(tar)).toBe(img.config.rootfs.diff_ids[1]);
    expect(tar.length % 512).not.toBe(0);
    expect(tar.subarray(-1024).equals(Buffer.alloc(1024))).toBe(false);
    expect(tar.toString('latin1')).toContain(`Package: ${hostile.NO_END_BLOCKS_PACKAGE.name}`);
    const list = gnuTarList(tar);
    expect(list.out).toContain('var/lib/dpkg/status');
    const copy = spawnSync('skopeo', ['copy', '-q', ref, `dir:${path.join(root, 'neb-copy')}`], {
      encoding: 'utf8',
    });
    expect(copy.stderr).toBe('');
    expect(copy.status).toBe(0);
  });

  it('wrongBlobDigest: only the layer digest is wrong; content and diffID still right', async () => {
    const img = await inspectOci(await hostile.wrongBlobDigest(caseDir()));
    expect(img.problems).toEqual([`digest ${img.manifest.layers[0]!.digest}`]);
    expect(sha(zlib.gunzipSync(img.layers[0]!))).toBe(img.config.rootfs.diff_ids[0]);
    const copy = spawnSync(
      'skopeo',
      ['copy', '-q', await hostile.wrongBlobDigest(caseDir()), `dir:${path.join(root, 'wd')}`],
      {
        encoding: 'utf8',
      },
    );
    expect(copy.status).not.toBe(0);
    expect(copy.stderr).toMatch(/digest/i);
  });

  it('missingBlob: exactly the second layer is absent', async () => {
    const img = await inspectOci(await hostile.missingBlob(caseDir()));
    expect(img.problems).toEqual([`missing ${img.manifest.layers[1]!.digest}`]);
  });

  it.each([
    ['pathTraversal', hostile.pathTraversal, '../../etc/passwd'],
    ['absolutePath', hostile.absolutePath, '/etc/shadow'],
  ] as const)('%s: layer lists its entry, digests valid', async (_name, gen, entry) => {
    const img = await inspectOci(await gen(caseDir()));
    expect(img.problems).toEqual([]);
    const list = gnuTarList(zlib.gunzipSync(img.layers[0]!));
    expect(list.code).toBe(0);
    expect(list.out.split('\n').some((l) => l.endsWith(` ${entry}`))).toBe(true);
  });

  it('symlinkLoop: os-release -> a -> /etc/b -> ../etc/os-release', async () => {
    const img = await inspectOci(await hostile.symlinkLoop(caseDir()));
    expect(img.problems).toEqual([]);
    const out = gnuTarList(zlib.gunzipSync(img.layers[0]!)).out;
    expect(out).toContain('etc/os-release -> a');
    expect(out).toContain('etc/a -> /etc/b');
    expect(out).toContain('etc/b -> ../etc/os-release');
    expect(out).not.toContain('usr/lib/os-release');
  });

  it('hardLinkMissing: hard link whose target is in no layer', async () => {
    const img = await inspectOci(await hostile.hardLinkMissing(caseDir()));
    expect(img.problems).toEqual([]);
    const out = gnuTarList(zlib.gunzipSync(img.layers[0]!)).out;
    expect(out).toContain('var/lib/dpkg/status link to var/lib/dpkg/status-old');
    const names = out.split('\n').map((l) =>
      l
        .replace(/ link to .*$/, '')
        .split(' ')
        .at(-1),
    );
    expect(names).not.toContain('var/lib/dpkg/status-old');
  });

  it('gzipBomb: a valid gzip whose content hashes to the diffID, ratio ≈ 1000:1', async () => {
    const size = 64 * 1024 * 1024 + 7;
    const img = await inspectOci(await hostile.gzipBomb(caseDir(), { size }));
    expect(img.problems).toEqual([]);
    const blob = img.layers[1]!;
    const r = spawnSync('gzip', ['-dc'], { input: blob, maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(512 + Math.ceil(size / 512) * 512 + 1024);
    expect(sha(r.stdout)).toBe(img.config.rootfs.diff_ids[1]);
    expect(blob.length).toBeLessThan(size / 500);
    expect(gnuTarList(r.stdout).out).toMatch(new RegExp(` ${size} .* var/tmp/zeros.bin`));
  });

  it('emptyImage: zero layers, zero diff_ids, skopeo inspects it', async () => {
    const ref = await hostile.emptyImage(caseDir());
    const img = await inspectOci(ref);
    expect(img.manifest.layers).toEqual([]);
    expect(img.config.rootfs.diff_ids).toEqual([]);
    expect(spawnSync('skopeo', ['inspect', '--config', ref]).status).toBe(0);
  });

  it('indexWithoutPlatform: an index of s390x and ppc64le only', async () => {
    const img = await inspectOci(await hostile.indexWithoutPlatform(caseDir()));
    expect(img.problems).toEqual([]);
    expect(img.platforms).toEqual(['s390x', 'ppc64le']);
    expect(hostile.MISSING_PLATFORM).toBe('linux/amd64');
  });

  it('diffIdMismatch: docker-archive whose layer does not hash to its diff_id; skopeo refuses it', async () => {
    const ref = await hostile.diffIdMismatch(caseDir());
    const file = ref.slice('docker-archive:'.length);
    const manifest = spawnSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' });
    const [m] = JSON.parse(manifest.stdout) as { Config: string; Layers: string[] }[];
    const config = JSON.parse(spawnSync('tar', ['-xOf', file, m!.Config], { encoding: 'utf8' }).stdout) as {
      rootfs: { diff_ids: string[] };
    };
    const layer = spawnSync('tar', ['-xOf', file, m!.Layers[0]!], { maxBuffer: 1 << 26 }).stdout;
    expect(gnuTarList(layer).code).toBe(0);
    expect(sha(layer)).not.toBe(config.rootfs.diff_ids[0]);
    const copy = spawnSync('skopeo', ['copy', '-q', ref, `oci:${path.join(root, 'dim')}:x`], {
      encoding: 'utf8',
    });
    expect(copy.status).not.toBe(0);
  });

  it('truncatedArchive: GNU tar hits an unexpected EOF inside the layer', async () => {
    const ref = await hostile.truncatedArchive(caseDir());
    const file = ref.slice('docker-archive:'.length);
    expect((await stat(file)).size % 512).not.toBe(0);
    const r = spawnSync('tar', ['-tvf', file], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Unexpected EOF/);
    expect(r.stdout).toContain('manifest.json');
  });
});
