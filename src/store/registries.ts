import type { Account, ImageListRow, Page } from './store.js';

/**
 * Image registries of an account and the images found in them (#8): the durable state behind the
 * AddAssetImageRegistryRegistryDetail … DescribeAssetImageRegistrySummary actions. Every call is
 * scoped to one account: no call reads or changes another account's registries or images.
 */

/** What the API sets on a registry (Add/UpdateAssetImageRegistryRegistryDetail). */
export interface RegistrySettings {
  /** unique per account */
  name: string;
  /** harbor, quay, jfrog, aws, azure, other-tcr, … */
  type: string;
  /** `scheme://host[:port]` */
  url: string;
  /** `host[:port]` of url, as image references name the registry */
  host: string;
  username: string;
  /** the password sealed by src/registries/secrets.ts ('' when none); never the clear text */
  sealedPassword: string;
  netType: string;
  region: string;
  version: string;
  speedLimit: number;
  /** skip TLS verification / allow plain HTTP */
  insecure: boolean;
  /** 0 full, 1 incremental */
  syncMode: number;
  needScan: boolean;
  instanceId: string;
}

/** One stored registry. Times are epoch ms. */
export interface Registry extends RegistrySettings {
  id: number;
  /** '' never checked, `success` or `failed` (with connectMessage) */
  connectStatus: string;
  connectMessage: string;
  /** '' never synced, SYNCING, SUCCESS or FAILED (with syncMessage) */
  syncStatus: string;
  syncMessage: string;
  /** the last sync that ended (SUCCESS or FAILED, which may have stored part of what it found) */
  latestSyncMs?: number;
  createdMs: number;
}

/** What a sync learnt of an image a tag points to (by describing its manifest and config). */
export interface RegistryImageInfo {
  /** `sha256:` of the config blob: the ImageID the images table knows it by */
  imageId: string;
  size: number;
  /** `YYYY-MM-DD HH:MM:SS` */
  createTime: string;
  architecture: string;
}

/** One tag a sync saw: its manifest digest, and the image info when it was (re)described. */
export interface SyncedTag {
  repository: string;
  tag: string;
  digest: string;
  /** undefined: the stored info is kept (the digest is unchanged); given: replaces it */
  image?: RegistryImageInfo;
}

export interface SyncResult {
  /** full: tags of the registry not seen are removed, except in `failedRepositories` */
  full: boolean;
  seen: SyncedTag[];
  failedRepositories: string[];
  nowMs: number;
}

/** One image (repository:tag) of a registry. */
export interface RegistryImage extends RegistryImageInfo {
  /** unique per account, never reused */
  id: number;
  registryId: number;
  /** the registry's host (`host[:port]`) and type, as stored when the image was listed */
  host: string;
  registryType: string;
  region: string;
  /** first path segment of the repository ('' when it has one segment) */
  namespace: string;
  repository: string;
  tag: string;
  digest: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** A registry image with its stored scan result (the images row of its ImageID), if any. */
export interface RegistryImageView extends RegistryImage {
  detail?: ImageListRow;
}

/**
 * Registry image filters; values OR-ed within a filter, filters AND-ed; text filters match by
 * substring (case-insensitive) unless exact.
 */
export interface RegistryImageFilter {
  ids?: number[];
  registryIds?: number[];
  repository?: { values: string[]; exact: boolean };
  tag?: { values: string[]; exact: boolean };
  namespace?: { values: string[]; exact: boolean };
  digest?: { values: string[]; exact: boolean };
  imageId?: { values: string[]; exact: boolean };
  /** `host/repository` */
  address?: { values: string[]; exact: boolean };
  registryType?: string[];
  /** DESIGN §3 ScanStatus of the image's stored result; NOT_SCAN when it has none */
  scanStatus?: string[];
  excludeIds?: number[];
  /** only the most recently pushed (created) image of each repository */
  onlyLatest?: boolean;
  /** only images with a container (their stored ContainerCnt > 0) */
  running?: boolean;
}

/** Counts of what a sync changed. */
export interface SyncCounts {
  added: number;
  updated: number;
  kept: number;
  removed: number;
}

export interface RegistryStore {
  /** Stores a new registry; its id, or undefined (nothing stored) when the account has the name already. */
  addRegistry(account: Account, settings: RegistrySettings): Promise<number | undefined>;
  /**
   * Replaces a registry's settings (connection and sync state kept). `sealedPassword` undefined keeps
   * the stored one.
   */
  updateRegistry(
    account: Account,
    id: number,
    settings: Omit<RegistrySettings, 'sealedPassword'> & { sealedPassword?: string },
  ): Promise<'updated' | 'not-found' | 'name-taken'>;
  /** Removes a registry and its images (not the images' scan results); false when there was none. */
  removeRegistry(account: Account, id: number): Promise<boolean>;
  getRegistry(account: Account, id: number): Promise<Registry | undefined>;
  registryByName(account: Account, name: string): Promise<Registry | undefined>;
  /** Registries of the account, by id unless `page.by` names Name, RegistryType, Url or LatestSyncTime. */
  listRegistries(account: Account, page: Page): Promise<{ total: number; rows: Registry[] }>;
  setConnection(account: Account, id: number, ok: boolean, message: string): Promise<void>;
  /** Sets the sync state; an ended state (SUCCESS/FAILED) sets latestSyncMs to `nowMs`. */
  setSyncState(
    account: Account,
    id: number,
    status: 'SYNCING' | 'SUCCESS' | 'FAILED',
    message: string,
    nowMs: number,
  ): Promise<void>;
  /** Every image of a registry (what a sync compares with). */
  registryImages(account: Account, registryId: number): Promise<RegistryImage[]>;
  /**
   * Applies a sync in one transaction: new tags inserted (with ids), changed digests updated, seen
   * tags' lastSeen set; with `full`, unseen tags outside failed repositories removed. False when the
   * registry is gone (nothing written).
   */
  applySync(account: Account, registryId: number, sync: SyncResult): Promise<SyncCounts | false>;
  /** Registry images matching `filter`, each with its stored result; sorted by id unless `page.by`. */
  listImages(
    account: Account,
    filter: RegistryImageFilter,
    page: Page,
  ): Promise<{ total: number; rows: RegistryImageView[] }>;
  getImage(account: Account, id: number): Promise<RegistryImageView | undefined>;
  /** Remembers a job-system task under a new numeric TaskID (the registry actions' TaskID). */
  recordScanTask(account: Account, taskId: string, nowMs: number): Promise<number>;
  /** The job-system task of a numeric TaskID; the latest one when `id` is undefined. */
  scanTask(account: Account, id?: number): Promise<{ id: number; taskId: string } | undefined>;
}
