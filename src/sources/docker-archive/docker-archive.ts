import type { Readable } from 'node:stream';
import { BadInputError } from '../../core/errors.js';
import type { ImageConfigJson, ImageManifest, ImageSource, LayerDescriptor } from '../../core/image.js';
import { normalizeImageName } from '../../core/reference.js';
import type { FileSet } from '../file-set.js';
import { diffIDs, parseJson, sha256 } from '../image-json.js';

interface ManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

/** `docker save` output (https://github.com/moby/docker-image-spec/blob/main/spec.md#combined-image-json--filesystem-changeset-format), both the manifest.json layout and the legacy `<id>/layer.tar` one. */
export class DockerArchiveSource implements ImageSource {
  constructor(
    private readonly files: FileSet,
    private readonly opts: { reference: string; ref?: string },
  ) {}

  private pick(entries: ManifestEntry[]): ManifestEntry {
    const label = this.files.label;
    if (entries.length === 0) throw new BadInputError(label, 'empty image: manifest.json lists no images');
    const ref = this.opts.ref;
    if (ref === undefined) {
      if (entries.length === 1) return entries[0]!;
      const tags = entries.flatMap((e) => e.RepoTags ?? []).join(', ');
      throw new BadInputError(
        label,
        `archive holds ${entries.length} images; name one as docker-archive:PATH:REF or @N (available: ${tags})`,
      );
    }
    const at = /^@(\d+)$/.exec(ref);
    if (at) {
      const e = entries[Number(at[1])];
      if (!e) throw new BadInputError(label, `archive has no image ${ref}`);
      return e;
    }
    const want = normalizeImageName(ref) ?? ref;
    const hit = entries.find((e) =>
      (e.RepoTags ?? []).some((t) => t === ref || normalizeImageName(t) === want),
    );
    if (!hit) throw new BadInputError(label, `no image tagged "${ref}" in archive`);
    return hit;
  }

  async describe(): Promise<ImageManifest> {
    const label = this.files.label;
    if (!(await this.files.exists('manifest.json'))) {
      throw new BadInputError(
        label,
        'not a docker-archive: manifest.json is missing (pre-1.10 archives without it are not supported)',
      );
    }
    const list = parseJson<ManifestEntry[]>(label, 'manifest.json', await this.files.read('manifest.json'));
    if (!Array.isArray(list)) throw new BadInputError(label, 'manifest.json is not a list');
    const entry = this.pick(list);
    if (typeof entry.Config !== 'string') throw new BadInputError(label, 'manifest.json entry has no Config');
    if (!(await this.files.exists(entry.Config)))
      throw new BadInputError(label, `missing config ${entry.Config}`);
    const configBuf = await this.files.read(entry.Config, 16 << 20);
    const imageID = sha256(configBuf);
    const named = /([a-f0-9]{64})(?:\.json)?$/.exec(entry.Config);
    if (named && `sha256:${named[1]}` !== imageID) {
      throw new BadInputError(
        label,
        `config ${entry.Config} digest mismatch: its content hashes to ${imageID}`,
      );
    }
    const config = parseJson<ImageConfigJson>(label, entry.Config, configBuf);
    const paths = entry.Layers ?? [];
    const ids = diffIDs(label, config, paths.length);
    const layers: LayerDescriptor[] = [];
    for (const [i, p] of paths.entries()) {
      if (typeof p !== 'string') throw new BadInputError(label, `layer ${i + 1} path is not a string`);
      const size = await this.files.size(p);
      if (size === undefined)
        throw new BadInputError(label, `missing blob ${p} (layer ${i + 1} of ${paths.length})`);
      const blob = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(p);
      const diffID = ids[i]!;
      layers.push({ diffID, digest: blob ? `sha256:${blob[1]}` : undefined, size, location: p });
    }
    const names = (entry.RepoTags ?? []).map((t) => normalizeImageName(t)).filter((t): t is string => !!t);
    return {
      reference: this.opts.reference,
      transport: 'docker-archive',
      names,
      repoDigests: [],
      imageID,
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
