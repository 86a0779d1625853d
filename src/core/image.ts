import type { Readable } from 'node:stream';

/** The parts of an OCI/Docker image config (https://github.com/opencontainers/image-spec/blob/main/config.md) we read. */
export interface ImageConfigJson {
  created?: string;
  author?: string;
  architecture?: string;
  variant?: string;
  os?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
    Entrypoint?: string[] | string | null;
    Cmd?: string[] | string | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    Volumes?: Record<string, unknown> | null;
    StopSignal?: string;
  };
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: {
    created?: string;
    created_by?: string;
    author?: string;
    comment?: string;
    empty_layer?: boolean;
  }[];
}

/** One layer as the image describes it. */
export interface LayerDescriptor {
  /** sha256 of the uncompressed tar, from the config's rootfs.diff_ids */
  diffID: string;
  /** digest of the blob as stored (compressed), when the source names one */
  digest?: string;
  mediaType?: string;
  /** stored (compressed) size in bytes, when known */
  size?: number;
  /** where the source finds the blob (source-specific: an archive member, a blob path) */
  location: string;
}

/** Everything about an image that can be known without reading its layers. */
export interface ImageManifest {
  /** the reference as the user gave it */
  reference: string;
  transport: string;
  /** repository tags, normalised (`docker.io/library/nginx:1.25`) */
  names: string[];
  repoDigests: string[];
  /** digest of the platform manifest, when the source has one */
  manifestDigest?: string;
  /** `sha256:` + hex SHA-256 of the config blob */
  imageID: string;
  config: ImageConfigJson;
  layers: LayerDescriptor[];
}

/**
 * An image to scan. `describe` verifies the manifest and config digests and that every layer blob
 * exists; `openLayer` streams the blob as stored (the walker verifies its digests while reading).
 */
export interface ImageSource {
  describe(signal?: AbortSignal): Promise<ImageManifest>;
  openLayer(layer: LayerDescriptor, signal?: AbortSignal): Promise<Readable>;
  /** where the stored blob lies on local disk, when it does: lets the walker read it on a worker thread */
  layerRange?(layer: LayerDescriptor): Promise<{ path: string; start: number; end: number } | undefined>;
  close(): Promise<void>;
}
