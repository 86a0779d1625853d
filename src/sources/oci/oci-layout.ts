import type { Readable } from 'node:stream';
import { BadInputError } from '../../core/errors.js';
import type { ImageConfigJson, ImageManifest, ImageSource, LayerDescriptor } from '../../core/image.js';
import { normalizeImageName } from '../../core/reference.js';
import type { FileSet } from '../file-set.js';
import { DIGEST_RE, diffIDs, parseJson, verifyDigest } from '../image-json.js';
import { isIndex } from '../media-types.js';
import { formatPlatform, type Platform, platformMatches } from '../platform.js';

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform>;
  annotations?: Record<string, string>;
}
interface IndexJson {
  manifests?: Descriptor[];
  mediaType?: string;
}
interface ManifestJson {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
}

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/**
 * An OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md), from a
 * directory (`oci:DIR[:REF]`) or an archive of one (`oci-archive:PATH[:REF]`).
 */
export class OciLayoutSource implements ImageSource {
  constructor(
    private readonly files: FileSet,
    private readonly opts: {
      reference: string;
      transport: string;
      ref?: string;
      platform: Platform;
      platformGiven: boolean;
    },
  ) {}

  private async blob(d: Descriptor, what: string, max = 16 << 20): Promise<Buffer> {
    if (typeof d.digest !== 'string' || !DIGEST_RE.test(d.digest)) {
      throw new BadInputError(this.files.label, `${what} has malformed digest "${String(d.digest)}"`);
    }
    if (!(await this.files.exists(blobPath(d.digest)))) {
      throw new BadInputError(this.files.label, `missing blob ${d.digest} (${what})`);
    }
    const buf = await this.files.read(blobPath(d.digest), max);
    verifyDigest(this.files.label, what, d.digest, buf);
    if (typeof d.size === 'number' && d.size !== buf.length) {
      throw new BadInputError(
        this.files.label,
        `${what} ${d.digest} is ${buf.length} bytes, descriptor says ${d.size}`,
      );
    }
    return buf;
  }

  private pickTop(index: IndexJson): Descriptor {
    const all = index.manifests ?? [];
    const label = this.files.label;
    if (all.length === 0) throw new BadInputError(label, 'empty image: index.json lists no manifests');
    const names = (d: Descriptor) =>
      [d.annotations?.[REF_NAME], d.annotations?.[CONTAINERD_NAME]].filter(Boolean) as string[];
    if (this.opts.ref !== undefined) {
      const want = this.opts.ref;
      const hit =
        all.find((d) => names(d).includes(want)) ??
        all.find((d) => names(d).some((n) => n.endsWith(`:${want}`)));
      if (!hit) {
        const avail = all.flatMap(names).join(', ') || 'none named';
        throw new BadInputError(label, `no image named "${want}" in the layout (available: ${avail})`);
      }
      return hit;
    }
    if (all.length === 1) return all[0]!;
    if (all.every((d) => d.platform))
      return { mediaType: 'index.json', digest: '', manifests: all } as Descriptor;
    const avail = all.flatMap(names).join(', ');
    throw new BadInputError(
      label,
      `the layout holds ${all.length} images; name one with :REF (available: ${avail || 'unnamed'})`,
    );
  }

  private pickPlatform(manifests: Descriptor[]): Descriptor {
    const want = this.opts.platform;
    const strict = this.opts.platformGiven && want.variant !== undefined;
    const hit =
      manifests.find((d) => platformMatches(want, d.platform, true)) ??
      (strict ? undefined : manifests.find((d) => platformMatches(want, d.platform, false)));
    if (!hit) {
      const avail = manifests.map((d) => formatPlatform(d.platform)).join(', ');
      throw new BadInputError(
        this.files.label,
        `no manifest for platform ${formatPlatform(want)} in the image index (available: ${avail}); choose one with --platform`,
      );
    }
    return hit;
  }

  async describe(): Promise<ImageManifest> {
    const label = this.files.label;
    if (!(await this.files.exists('index.json')))
      throw new BadInputError(label, 'not an OCI layout: index.json is missing');
    const index = parseJson<IndexJson>(label, 'index.json', await this.files.read('index.json'));
    let desc = this.pickTop(index);
    const names: string[] = [];
    const addName = (d: Descriptor) => {
      for (const n of [d.annotations?.[CONTAINERD_NAME], d.annotations?.[REF_NAME]]) {
        const norm = n ? normalizeImageName(n) : undefined;
        if (norm && !names.includes(norm)) names.push(norm);
      }
    };
    addName(desc);
    for (let depth = 0; depth < 4; depth++) {
      const inline = (desc as Descriptor & { manifests?: Descriptor[] }).manifests;
      if (inline) {
        desc = this.pickPlatform(inline);
        continue;
      }
      if (!isIndex(desc.mediaType)) break;
      const sub = parseJson<IndexJson>(label, `index ${desc.digest}`, await this.blob(desc, 'image index'));
      desc = this.pickPlatform(sub.manifests ?? []);
    }
    if (isIndex(desc.mediaType)) throw new BadInputError(label, 'image indexes nested too deeply');
    const manifestBuf = await this.blob(desc, 'manifest');
    const manifest = parseJson<ManifestJson>(label, `manifest ${desc.digest}`, manifestBuf);
    if (isIndex(manifest.mediaType))
      throw new BadInputError(label, `manifest ${desc.digest} is an index without platform data`);
    if (!manifest.config) throw new BadInputError(label, `manifest ${desc.digest} has no config`);
    const configBuf = await this.blob(manifest.config, 'config');
    const config = parseJson<ImageConfigJson>(label, 'config', configBuf);
    const mlayers = manifest.layers ?? [];
    const ids = diffIDs(label, config, mlayers.length);
    const layers: LayerDescriptor[] = [];
    for (const [i, l] of mlayers.entries()) {
      const what = `layer ${i + 1} of ${mlayers.length}`;
      if (typeof l.digest !== 'string' || !DIGEST_RE.test(l.digest)) {
        throw new BadInputError(label, `${what} has malformed digest "${String(l.digest)}"`);
      }
      const size = await this.files.size(blobPath(l.digest));
      if (size === undefined) throw new BadInputError(label, `missing blob ${l.digest} (${what})`);
      if (typeof l.size === 'number' && l.size !== size) {
        throw new BadInputError(label, `${what} blob ${l.digest} is ${size} bytes, manifest says ${l.size}`);
      }
      layers.push({
        diffID: ids[i]!,
        digest: l.digest,
        mediaType: l.mediaType,
        size,
        location: blobPath(l.digest),
      });
    }
    return {
      reference: this.opts.reference,
      transport: this.opts.transport,
      names,
      repoDigests: [],
      manifestDigest: desc.digest,
      imageID: manifest.config.digest,
      config,
      layers,
    };
  }

  async openLayer(layer: LayerDescriptor): Promise<Readable> {
    return this.files.stream(layer.location);
  }

  layerRange(layer: LayerDescriptor) {
    return this.files.range(layer.location);
  }

  async close(): Promise<void> {}
}
