import { createHash } from 'node:crypto';
import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream';
import { BadInputError } from '../../core/errors.js';
import type { ImageConfigJson, ImageManifest, ImageSource, LayerDescriptor } from '../../core/image.js';
import { normalizeImageName } from '../../core/reference.js';
import { DIGEST_RE, diffIDs } from '../image-json.js';
import { isIndex } from '../media-types.js';
import { formatPlatform, hostPlatform, type Platform, platformMatches } from '../platform.js';
import { checkRepository, DistributionClient } from './client.js';
import { type OpenRegistryImage, type RegistryConnection, RegistryError } from './types.js';

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform>;
}

/** `HOST/REPO[:TAG|@DIGEST]` split; the host must be explicit (`docker.io/library/nginx`). */
export function parseRegistryReference(reference: string): {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
} {
  const s = reference.replace(/^docker:\/\//, '');
  const slash = s.indexOf('/');
  if (slash <= 0) throw new BadInputError(reference, 'a registry reference is HOST/REPO[:TAG|@DIGEST]');
  const host = s.slice(0, slash);
  let rest = s.slice(slash + 1);
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new BadInputError(reference, `"${digest}" is not a sha256 digest`);
  }
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new BadInputError(reference, `"${tag}" is not a tag`);
  }
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(host) && !/^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host))
    throw new BadInputError(reference, `"${host}" is not a registry host[:port]`);
  let repository = rest;
  if ((host === 'docker.io' || host === 'index.docker.io') && !repository.includes('/'))
    repository = `library/${repository}`;
  try {
    checkRepository(repository);
  } catch {
    throw new BadInputError(reference, `"${repository}" is not a repository name`);
  }
  if (!tag && !digest) tag = 'latest';
  return { host, repository, tag, digest };
}

/** Checks the blob's bytes (count and sha256) while they stream; a short or altered blob is an error. */
class VerifyingStream extends Transform {
  private readonly hash = createHash('sha256');
  private n = 0;
  constructor(
    private readonly digest: string,
    private readonly size: number | undefined,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.n += chunk.length;
    if (this.size !== undefined && this.n > this.size) {
      cb(
        new RegistryError(
          'bad-digest',
          `blob ${this.digest} is longer than the ${this.size} bytes the manifest says`,
        ),
      );
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.size !== undefined && this.n !== this.size) {
      cb(new RegistryError('unreachable', `blob ${this.digest} ended after ${this.n} of ${this.size} bytes`));
      return;
    }
    const got = `sha256:${this.hash.digest('hex')}`;
    if (got !== this.digest) {
      cb(new RegistryError('bad-digest', `blob digest mismatch: expected ${this.digest}, got ${got}`));
      return;
    }
    cb();
  }
}

/** An image in a registry: describe() reads the manifest(s) and config, openLayer() streams one blob. */
export class RegistrySource implements ImageSource {
  readonly client: DistributionClient;
  private readonly ref: ReturnType<typeof parseRegistryReference>;

  constructor(
    private readonly reference: string,
    conn: RegistryConnection,
    private readonly opts: { platform?: Platform; signal?: AbortSignal } = {},
  ) {
    this.ref = parseRegistryReference(reference);
    if (registryHost(conn.host) !== registryHost(this.ref.host))
      throw new BadInputError(reference, `the connection is for ${conn.host}, not ${this.ref.host}`);
    this.client = new DistributionClient(conn);
  }

  private pickPlatform(manifests: Descriptor[]): Descriptor {
    const want = this.opts.platform ?? hostPlatform();
    const strict = this.opts.platform !== undefined && want.variant !== undefined;
    const hit =
      manifests.find((d) => platformMatches(want, d.platform, true)) ??
      (strict ? undefined : manifests.find((d) => platformMatches(want, d.platform, false)));
    if (!hit) {
      const avail = manifests.map((d) => formatPlatform(d.platform)).join(', ');
      throw new BadInputError(
        this.reference,
        `no manifest for platform ${formatPlatform(want)} in the image index (available: ${avail}); choose one with --platform`,
      );
    }
    if (typeof hit.digest !== 'string' || !DIGEST_RE.test(hit.digest))
      throw new RegistryError('protocol', `the image index names a malformed digest`);
    return hit;
  }

  async describe(signal?: AbortSignal): Promise<ImageManifest> {
    const sig = signal ?? this.opts.signal;
    const { repository, tag, digest } = this.ref;
    const top = await this.client.manifest(repository, digest ?? tag!, sig);
    let current = top;
    for (let depth = 0; isIndex(current.mediaType); depth++) {
      if (depth >= 2) throw new RegistryError('protocol', 'image indexes nested too deeply');
      const index = JSON.parse(current.body.toString('utf8')) as { manifests?: Descriptor[] };
      if (!Array.isArray(index.manifests) || index.manifests.length === 0)
        throw new RegistryError('protocol', `the image index ${current.digest} lists no manifests`);
      const d = this.pickPlatform(index.manifests);
      current = await this.client.manifest(repository, d.digest, sig);
    }
    const manifest = JSON.parse(current.body.toString('utf8')) as {
      config?: Descriptor;
      layers?: Descriptor[];
    };
    const label = this.reference;
    if (
      !manifest.config ||
      typeof manifest.config.digest !== 'string' ||
      !DIGEST_RE.test(manifest.config.digest)
    )
      throw new RegistryError('protocol', `manifest ${current.digest} has no valid config`);
    const configBuf = await this.client.smallBlob(repository, manifest.config.digest, sig);
    let config: ImageConfigJson;
    try {
      config = JSON.parse(configBuf.toString('utf8')) as ImageConfigJson;
      if (!config || typeof config !== 'object') throw new Error('not an object');
    } catch {
      throw new BadInputError(label, 'config is not valid JSON');
    }
    const mlayers = Array.isArray(manifest.layers) ? manifest.layers : [];
    const ids = diffIDs(label, config, mlayers.length);
    const layers: LayerDescriptor[] = mlayers.map((l, i) => {
      if (typeof l.digest !== 'string' || !DIGEST_RE.test(l.digest))
        throw new BadInputError(label, `layer ${i + 1} of ${mlayers.length} has malformed digest`);
      if (l.size !== undefined && (!Number.isSafeInteger(l.size) || l.size < 0))
        throw new BadInputError(label, `layer ${i + 1} of ${mlayers.length} has a malformed size`);
      return { diffID: ids[i]!, digest: l.digest, mediaType: l.mediaType, size: l.size, location: l.digest };
    });
    const name = `${this.ref.host}/${repository}`;
    const names: string[] = [];
    if (tag) {
      const n = normalizeImageName(`${name}:${tag}`);
      if (n) names.push(n);
    }
    const repoDigest = normalizeImageName(`${name}@${top.digest}`);
    return {
      reference: this.reference,
      transport: 'docker',
      names,
      repoDigests: repoDigest ? [repoDigest] : [],
      manifestDigest: current.digest,
      imageID: manifest.config.digest,
      config,
      layers,
    };
  }

  async openLayer(layer: LayerDescriptor, signal?: AbortSignal): Promise<Readable> {
    const digest = layer.digest ?? layer.location;
    const res = await this.client.blob(this.ref.repository, digest, signal ?? this.opts.signal);
    const verify = new VerifyingStream(digest, layer.size);
    const out = new PassThrough();
    res.on('error', (e) =>
      out.destroy(
        e instanceof RegistryError
          ? e
          : new RegistryError('unreachable', `blob ${digest}: connection lost (${e.message})`, { cause: e }),
      ),
    );
    // a connection closed before the end without an error event
    res.on('aborted', () =>
      out.destroy(new RegistryError('unreachable', `blob ${digest}: connection lost mid-blob`)),
    );
    res.on('close', () => {
      if (!res.complete)
        out.destroy(new RegistryError('unreachable', `blob ${digest}: connection lost mid-blob`));
    });
    verify.on('error', (e) => out.destroy(e));
    out.on('close', () => {
      if (!res.complete) res.destroy();
    });
    res.pipe(verify).pipe(out);
    return out;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

function registryHost(h: string): string {
  const l = h.toLowerCase();
  return l === 'index.docker.io' ? 'docker.io' : l;
}

/** Opens `HOST/REPO[:TAG|@DIGEST]` from a registry (see OpenRegistryImage). */
export const openRegistryImage: OpenRegistryImage = async (reference, connection, options) =>
  new RegistrySource(reference, connection, options);
