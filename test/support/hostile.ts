/**
 * Generators of BAD images for the CLI's hostile-input tests. Each writes a real, otherwise-valid image
 * (OCI layout or docker-archive: correct media types, sizes, digests, diff_ids, history) with exactly one
 * fault, and returns the image reference to scan. `noEndBlocks` is the one VALID case.
 *
 * Output goes to `dir/oci` (OCI layout) or `dir/image.tar` (docker-archive) — neutral names, so an error
 * message that quotes the path cannot match the keyword a test looks for. Give each case its own `dir`.
 *
 * Tar headers come from node-tar's `Header` (it encodes `../` and absolute names verbatim); the archive
 * framing (padding, end-of-archive blocks, truncation) is written by hand so each fault is exact.
 * Formats: https://github.com/opencontainers/image-spec/blob/main/image-layout.md,
 * https://github.com/moby/moby/blob/master/image/spec/v1.2.md (docker-archive).
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Header } from 'tar';

export interface TarEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
}

export interface TarOptions {
  /** write the two 512-byte zero blocks that end an archive (default true) */
  endBlocks?: boolean;
  /** pad the last entry's data to 512 bytes (default true; `umoci insert` does not) */
  padLast?: boolean;
}

export interface Layer {
  blob: Buffer;
  mediaType: string;
  diffId: string;
  createdBy: string;
}

/** The package every generated image records in var/lib/dpkg/status. */
export const HOSTILE_BASE_PACKAGE = { name: 'hostile-base', version: '1.0-1', arch: 'amd64' } as const;
/** The package only the (valid) no-end-blocks image records, in its last, unpadded tar entry. */
export const NO_END_BLOCKS_PACKAGE = {
  name: 'no-end-blocks',
  version: '2:3.4-5+deb12u1',
  arch: 'amd64',
} as const;
/** The platform `indexWithoutPlatform` does not offer (it has linux/s390x and linux/ppc64le only). */
export const MISSING_PLATFORM = 'linux/amd64';
/** Default expansion of `gzipBomb`: 2 GiB of zeros in ≈2 MiB of gzip. */
export const DEFAULT_BOMB_SIZE = 2 * 1024 ** 3;

const MTIME = new Date('2024-03-01T12:00:00Z');
const BLOCK = 512;
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

export const sha256 = (data: Buffer | string): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;
const hex = (digest: string): string => digest.slice('sha256:'.length);
const padTo = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

function tarHeader(entry: TarEntry, size: number): Buffer {
  const type = entry.type ?? 'File';
  const header = new Header({
    path: entry.path,
    type,
    linkpath: entry.linkpath,
    mode: entry.mode ?? (type === 'Directory' ? 0o755 : type === 'SymbolicLink' ? 0o777 : 0o644),
    uid: 0,
    gid: 0,
    uname: 'root',
    gname: 'root',
    size,
    mtime: MTIME,
  });
  const block = Buffer.alloc(BLOCK);
  if (header.encode(block, 0)) throw new Error(`tar header for ${entry.path} needs pax: keep names short`);
  return block;
}

/** A tar stream of `entries`, framed exactly as asked. */
export function tarball(entries: TarEntry[], options: TarOptions = {}): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, i) => {
    const body =
      entry.type === undefined || entry.type === 'File' ? Buffer.from(entry.body ?? '') : Buffer.alloc(0);
    parts.push(tarHeader(entry, body.length), body);
    const last = i === entries.length - 1;
    if (!last || options.padLast !== false) parts.push(Buffer.alloc(padTo(body.length) - body.length));
  });
  if (options.endBlocks !== false) parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** One installed package of a test dpkg database; `source` becomes its Source field. */
export interface DpkgPackage {
  name: string;
  version: string;
  arch?: string;
  source?: string;
}

/** A dpkg status database (`var/lib/dpkg/status`) listing `pkgs` as installed. */
export function dpkgStatus(...pkgs: DpkgPackage[]): string {
  return pkgs
    .map(
      (p) =>
        `Package: ${p.name}\nStatus: install ok installed\nPriority: optional\nSection: misc\n` +
        `Maintainer: Hullscan Tests <tests@hullscan.test>\nArchitecture: ${p.arch ?? 'amd64'}\n` +
        `${p.source ? `Source: ${p.source}\n` : ''}Version: ${p.version}\nDescription: hullscan test fixture\n`,
    )
    .join('\n');
}

/** The directories and status file of a dpkg database listing `pkgs`, as layer entries. */
export function dpkgEntries(...pkgs: DpkgPackage[]): TarEntry[] {
  return [
    { path: 'var/', type: 'Directory' },
    { path: 'var/lib/', type: 'Directory' },
    { path: 'var/lib/dpkg/', type: 'Directory' },
    { path: 'var/lib/dpkg/status', body: dpkgStatus(...pkgs) },
  ];
}

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n' +
  'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';

/** A Debian-looking base: real os-release layout and a one-package dpkg database. */
function baseEntries(): TarEntry[] {
  return [
    { path: 'etc/', type: 'Directory' },
    { path: 'etc/debian_version', body: '12.5\n' },
    { path: 'etc/os-release', type: 'SymbolicLink', linkpath: '../usr/lib/os-release' },
    { path: 'usr/', type: 'Directory' },
    { path: 'usr/lib/', type: 'Directory' },
    { path: 'usr/lib/os-release', body: OS_RELEASE },
    { path: 'var/', type: 'Directory' },
    { path: 'var/lib/', type: 'Directory' },
    { path: 'var/lib/dpkg/', type: 'Directory' },
    { path: 'var/lib/dpkg/status', body: dpkgStatus(HOSTILE_BASE_PACKAGE) },
  ];
}

export function gzipLayer(tar: Buffer, createdBy: string): Layer {
  return { blob: zlib.gzipSync(tar, { level: 9 }), mediaType: GZIP, diffId: sha256(tar), createdBy };
}

function imageConfig(layers: Layer[], platform: { os: string; architecture: string; variant?: string }) {
  return {
    created: '2024-03-01T12:00:00Z',
    author: 'hullscan hostile fixtures',
    ...platform,
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['/bin/true'],
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((l, i) => ({ created: `2024-03-01T12:0${i}:00Z`, created_by: l.createdBy })),
  };
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export class OciLayout {
  constructor(readonly dir: string) {}

  static async create(dir: string): Promise<OciLayout> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    return new OciLayout(dir);
  }

  blobPath(digest: string): string {
    return path.join(this.dir, 'blobs', 'sha256', hex(digest));
  }

  async put(data: Buffer | string, mediaType: string): Promise<Descriptor> {
    const buf = Buffer.from(data);
    const digest = sha256(buf);
    await writeFile(this.blobPath(digest), buf);
    return { mediaType, digest, size: buf.length };
  }

  /** Writes layers, config and manifest blobs; returns the manifest's descriptor. */
  async image(
    layers: Layer[],
    platform: { os: string; architecture: string; variant?: string } = { os: 'linux', architecture: 'amd64' },
    editConfig: (config: ReturnType<typeof imageConfig>) => void = () => {},
  ): Promise<Descriptor> {
    const layerDescs: Descriptor[] = [];
    for (const layer of layers) layerDescs.push(await this.put(layer.blob, layer.mediaType));
    const config = imageConfig(layers, platform);
    editConfig(config);
    const configDesc = await this.put(JSON.stringify(config), 'application/vnd.oci.image.config.v1+json');
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: configDesc,
      layers: layerDescs,
    };
    return this.put(JSON.stringify(manifest), manifest.mediaType);
  }

  async tag(entries: { desc: Descriptor; tag: string }[]): Promise<void> {
    const manifests = entries.map(({ desc, tag }) => ({
      ...desc,
      annotations: { 'org.opencontainers.image.ref.name': tag },
    }));
    await writeFile(path.join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  }
}

async function ociImage(dir: string, layers: Layer[]): Promise<{ ref: string; layout: OciLayout }> {
  const layout = await OciLayout.create(path.join(dir, 'oci'));
  const desc = await layout.image(layers);
  await layout.tag([{ desc, tag: 'latest' }]);
  return { ref: `oci:${layout.dir}:latest`, layout };
}

/** A docker-archive (`docker save` layout) with manifest.json and config FIRST, layers after. */
function dockerArchive(
  layers: { tar: Buffer; createdBy: string }[],
  editConfig: (config: ReturnType<typeof imageConfig>) => void = () => {},
): { archive: Buffer; layerOffsets: { name: string; dataOffset: number; size: number }[] } {
  const asLayers: Layer[] = layers.map((l) => ({
    blob: l.tar,
    mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
    diffId: sha256(l.tar),
    createdBy: l.createdBy,
  }));
  const config = imageConfig(asLayers, { os: 'linux', architecture: 'amd64' });
  editConfig(config);
  const configJson = JSON.stringify(config);
  const configName = `${hex(sha256(configJson))}.json`;
  const layerNames = asLayers.map((l) => `${hex(l.diffId)}/layer.tar`);
  const manifest = JSON.stringify([
    { Config: configName, RepoTags: ['hullscan-test/hostile:1'], Layers: layerNames },
  ]);
  const entries: TarEntry[] = [
    { path: 'manifest.json', body: manifest },
    { path: configName, body: configJson },
    {
      path: 'repositories',
      body: JSON.stringify({ 'hullscan-test/hostile': { '1': hex(asLayers.at(-1)!.diffId) } }),
    },
  ];
  asLayers.forEach((l, i) => {
    entries.push({ path: `${hex(l.diffId)}/`, type: 'Directory' });
    entries.push({ path: layerNames[i]!, body: l.blob });
  });
  const archive = tarball(entries);
  // locate each layer's data inside the archive (for truncation)
  const layerOffsets: { name: string; dataOffset: number; size: number }[] = [];
  let offset = 0;
  for (const e of entries) {
    const size = e.type === 'Directory' ? 0 : Buffer.byteLength(e.body ?? '');
    if (layerNames.includes(e.path)) layerOffsets.push({ name: e.path, dataOffset: offset + BLOCK, size });
    offset += BLOCK + padTo(size);
  }
  return { archive, layerOffsets };
}

async function writeArchive(dir: string, data: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'image.tar');
  await writeFile(file, data);
  return `docker-archive:${file}`;
}

/** Pseudo-random, incompressible, reproducible bytes. */
function noise(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The cases. Each returns the reference to pass to `hullscan scan`.

/** docker-archive cut in the middle of its layer's data (not on a block boundary). */
export async function truncatedArchive(dir: string): Promise<string> {
  const layer = tarball([
    ...baseEntries(),
    { path: 'usr/share/', type: 'Directory' },
    { path: 'usr/share/blob.bin', body: noise(64 * 1024) },
  ]);
  const { archive, layerOffsets } = dockerArchive([{ tar: layer, createdBy: 'COPY rootfs/ /' }]);
  const cut = layerOffsets[0]!.dataOffset + Math.floor(layerOffsets[0]!.size / 2) + 100;
  return writeArchive(dir, archive.subarray(0, cut));
}

/** OCI layout whose layer blob does not hash to its name: same tar, gzip header OS byte changed. */
export async function wrongBlobDigest(dir: string): Promise<string> {
  const layer = gzipLayer(tarball(baseEntries()), 'COPY rootfs/ /');
  const { ref, layout } = await ociImage(dir, [layer]);
  const tampered = Buffer.from(layer.blob);
  tampered[9] = 0xff; // RFC 1952 OS field: "unknown". Still valid gzip, same content, same size.
  await writeFile(layout.blobPath(sha256(layer.blob)), tampered);
  return ref;
}

/** OCI layout whose second layer's blob file is absent. */
export async function missingBlob(dir: string): Promise<string> {
  const base = gzipLayer(tarball(baseEntries()), 'COPY rootfs/ /');
  const extra = gzipLayer(
    tarball([
      { path: 'app/', type: 'Directory' },
      { path: 'app/hello.txt', body: 'hello\n' },
    ]),
    'COPY hello.txt /app/',
  );
  const { ref, layout } = await ociImage(dir, [base, extra]);
  await rm(layout.blobPath(sha256(extra.blob)));
  return ref;
}

/** A layer entry named `../../etc/passwd`. */
export async function pathTraversal(dir: string): Promise<string> {
  const layer = gzipLayer(
    tarball([...baseEntries(), { path: '../../etc/passwd', body: 'root::0:0:pwned:/root:/bin/sh\n' }]),
    'COPY passwd ../../etc/passwd',
  );
  return (await ociImage(dir, [layer])).ref;
}

/** A layer entry with an absolute name, `/etc/shadow`. */
export async function absolutePath(dir: string): Promise<string> {
  const layer = gzipLayer(
    tarball([...baseEntries(), { path: '/etc/shadow', body: 'root:$6$x$y:19000:0:99999:7:::\n' }]),
    'COPY shadow /etc/shadow',
  );
  return (await ociImage(dir, [layer])).ref;
}

/** etc/os-release -> a -> /etc/b -> ../etc/os-release, and no usr/lib/os-release to fall back to. */
export async function symlinkLoop(dir: string): Promise<string> {
  const entries = baseEntries().filter((e) => !e.path.includes('os-release'));
  entries.push(
    { path: 'etc/os-release', type: 'SymbolicLink', linkpath: 'a' },
    { path: 'etc/a', type: 'SymbolicLink', linkpath: '/etc/b' },
    { path: 'etc/b', type: 'SymbolicLink', linkpath: '../etc/os-release' },
  );
  const layer = gzipLayer(tarball(entries), 'RUN ln -s a /etc/os-release && ln -s /etc/b /etc/a && ...');
  return (await ociImage(dir, [layer])).ref;
}

/** var/lib/dpkg/status is a hard link to a file that exists in no layer. */
export async function hardLinkMissing(dir: string): Promise<string> {
  const entries = baseEntries().filter((e) => e.path !== 'var/lib/dpkg/status');
  entries.push({ path: 'var/lib/dpkg/status', type: 'Link', linkpath: 'var/lib/dpkg/status-old' });
  const layer = gzipLayer(tarball(entries), 'RUN ln /var/lib/dpkg/status-old /var/lib/dpkg/status');
  return (await ociImage(dir, [layer])).ref;
}

/**
 * A gzip layer holding one file of `size` zero bytes (default 2 GiB) in ≈ size/1000 of gzip. Built from
 * independent raw-deflate pieces (full flush resets the window), so 1 MiB of zeros is compressed once and
 * repeated; only the diffID hash and CRC run over the full size (≈1.5 s for 2 GiB).
 */
export async function gzipBomb(dir: string, options: { size?: number } = {}): Promise<string> {
  const size = options.size ?? DEFAULT_BOMB_SIZE;
  if (typeof zlib.crc32 !== 'function') throw new Error('gzipBomb needs zlib.crc32 (Node >= 20.15)');
  const MiB = 1024 * 1024;
  const header = tarHeader({ path: 'var/tmp/zeros.bin' }, size);
  const zeros = padTo(size) + 2 * BLOCK; // file data, its padding, end-of-archive blocks
  const full = Math.floor(zeros / MiB);
  const rest = Buffer.alloc(zeros % MiB);
  const chunk = Buffer.alloc(MiB);
  const flush = { finishFlush: zlib.constants.Z_FULL_FLUSH, level: 9 };
  const head = zlib.deflateRawSync(header, flush);
  const body = zlib.deflateRawSync(chunk, flush);
  const tail = zlib.deflateRawSync(rest, { level: 9 });
  const hash = createHash('sha256').update(header);
  let crc = zlib.crc32(header);
  for (let i = 0; i < full; i++) {
    hash.update(chunk);
    crc = zlib.crc32(chunk, crc);
  }
  hash.update(rest);
  crc = zlib.crc32(rest, crc);
  const gzHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((BLOCK + zeros) % 2 ** 32, 4);
  const blob = Buffer.concat([gzHeader, head, ...Array<Buffer>(full).fill(body), tail, trailer]);
  const bomb: Layer = {
    blob,
    mediaType: GZIP,
    diffId: `sha256:${hash.digest('hex')}`,
    createdBy: 'RUN fallocate',
  };
  const base = gzipLayer(tarball(baseEntries()), 'COPY rootfs/ /');
  return (await ociImage(dir, [base, bomb])).ref;
}

/** A manifest with zero layers (and an empty diff_ids list). */
export async function emptyImage(dir: string): Promise<string> {
  return (await ociImage(dir, [])).ref;
}

/** An image index offering linux/s390x and linux/ppc64le only; scan it with `--platform linux/amd64`. */
export async function indexWithoutPlatform(dir: string): Promise<string> {
  const layout = await OciLayout.create(path.join(dir, 'oci'));
  const platforms = [
    { os: 'linux', architecture: 's390x' },
    { os: 'linux', architecture: 'ppc64le' },
  ];
  const manifests: Descriptor[] = [];
  for (const platform of platforms) {
    const layer = gzipLayer(
      tarball([...baseEntries(), { path: 'etc/arch', body: `${platform.architecture}\n` }]),
      'COPY rootfs/ /',
    );
    manifests.push({ ...(await layout.image([layer], platform)), platform });
  }
  const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests };
  const desc = await layout.put(JSON.stringify(index), index.mediaType);
  await layout.tag([{ desc, tag: 'multi' }]);
  return `oci:${layout.dir}:multi`;
}

/** docker-archive whose config lists a diff_id that is not the layer's SHA-256. */
export async function diffIdMismatch(dir: string): Promise<string> {
  const { archive } = dockerArchive(
    [{ tar: tarball(baseEntries()), createdBy: 'COPY rootfs/ /' }],
    (config) => {
      config.rootfs.diff_ids = [sha256('not the layer')];
    },
  );
  return writeArchive(dir, archive);
}

/**
 * VALID: a layer without end-of-archive blocks whose last entry (var/lib/dpkg/status, listing
 * NO_END_BLOCKS_PACKAGE) is not padded to 512 bytes — what `umoci insert` writes. Must scan fine.
 */
export async function noEndBlocks(dir: string): Promise<string> {
  const base = gzipLayer(tarball(baseEntries()), 'COPY rootfs/ /');
  const layer = gzipLayer(
    tarball(
      [
        { path: 'opt/extra.txt', body: 'extra\n' },
        { path: 'var/lib/dpkg/status', body: dpkgStatus(HOSTILE_BASE_PACKAGE, NO_END_BLOCKS_PACKAGE) },
      ],
      { endBlocks: false, padLast: false },
    ),
    'umoci insert status /var/lib/dpkg/status',
  );
  return (await ociImage(dir, [base, layer])).ref;
}

/** Every case by name, for table-driven tests. */
export const HOSTILE = {
  truncatedArchive,
  wrongBlobDigest,
  missingBlob,
  pathTraversal,
  absolutePath,
  symlinkLoop,
  hardLinkMissing,
  gzipBomb,
  emptyImage,
  indexWithoutPlatform,
  diffIdMismatch,
} as const;
