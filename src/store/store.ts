import type { Component } from '../core/component.js';
import type { RiskFinding, VirusFinding } from '../core/finding.js';
import type { ImageDetail } from '../scan/detail.js';
import type { HostStore } from './hosts.js';
import type { RegistryStore } from './registries.js';
import type { TaskStore } from './tasks.js';

/** An account: the owner of every asset. No store call ever returns another account's data. */
export interface Account {
  appId: number;
  /** account id (TCSS "Uin"), the key every asset is stored under */
  uin: string;
}

/** What a finished scan leaves in the store for one image of one account. */
export interface ImageRecord {
  /** DescribeAssetImageDetail's fields as DESIGN §3 defines them */
  detail: ImageDetail;
  components: Component[];
  /** every reference the image was seen under, normalised; the first is detail.ImageName */
  names: string[];
  /**
   * diffIDs, bottom layer first, each with the index (0-based, oldest first) of the config history
   * entry that created it when the history says (undefined when unknown)
   */
  layers: { diffID: string; size: number; historyIndex?: number }[];
  /**
   * Vulnerabilities matched against the image's components, when matching ran; VulCnt, the per-level
   * counts, Reason and Solution of the stored image then follow from them.
   */
  vulnerabilities?: VulnerabilityRow[];
  /**
   * Risk rows (secrets, high-risk behaviour), when those scanners ran; RiskCnt and SensitiveInfoCnt
   * of the stored image then follow from them. A save always replaces the image's earlier risk rows:
   * undefined leaves none, and the counts are the detail's (the scan says "not scanned" there).
   */
  risks?: RiskRow[];
  /**
   * Virus rows, when a malware engine ran; VirusCnt then follows from them. Replaced like risks. The
   * store stamps each row's scan times: LatestScanTime is detail.ScanTime, FirstScanTime the earliest
   * ScanTime the same (path, md5, virus name) was stored with for this image (kept across rescans).
   */
  viruses?: VirusFinding[];
}

/** One risk row of an image (DescribeAssetImageRiskList): the finding, secrets only masked. */
export type RiskRow = RiskFinding;

/** One virus row of an image (DescribeAssetImageVirusList), with its scan times (`YYYY-MM-DD HH:MM:SS`). */
export interface VirusRow extends VirusFinding {
  firstScanTime: string;
  latestScanTime: string;
}

/** Risk list filters: Level (1–4), Behavior (1–4), Type (1, 2); values OR-ed, filters AND-ed. */
export interface RiskFilter {
  level?: number[];
  behavior?: number[];
  type?: number[];
}

/**
 * Virus list filters: Name (substring of the virus name or the file name, case-insensitive; exact:
 * equal to either), RiskLevel (1–4).
 */
export interface VirusFilter {
  name?: { values: string[]; exact: boolean };
  riskLevel?: number[];
}

/** One (advisory, component) pair of an image, with the fields ImagesVul shows. */
export interface VulnerabilityRow {
  advisoryId: string;
  /** the CVE the advisory is about when it names one, else its id */
  cveId: string;
  aliases: string[];
  name: string;
  component: string;
  version: string;
  componentType: string;
  purl: string;
  /** fixed versions the advisory names; empty when unfixed */
  fixedVersions: string[];
  /** 1 low, 2 medium, 3 high, 4 critical */
  level: number;
  cvss3Score: number;
  cvss3Vector: string;
  description: string;
  references: string[];
  /** what to do: which package to upgrade to which version */
  officialSolution: string;
  /** advisory published time, `YYYY-MM-DD HH:MM:SS` */
  submitTime: string;
  /** `CanBeFixed` when a fixed version exists */
  tags: string[];
  category: string;
  unfixed: boolean;
}

/** One stored layer of an image (listLayers); historyIndex null when the build step is unknown. */
export interface StoredLayer {
  diffID: string;
  size: number;
  historyIndex: number | null;
}

/**
 * A vulnerability row as listVulnerabilities reads it: `layer` is the diffID of the bottom-most layer
 * among the image's components with the row's component name, version (and type, when the row has
 * one); absent when no such component names its layer.
 */
export interface ListedVulnerability extends VulnerabilityRow {
  layer?: string;
}

/**
 * One component (name, version, type) ranked across an account's images by its vulnerabilities.
 * Counts are of distinct advisories (per level: of the advisories stored at that level) and of
 * distinct images; fixedVersion is the first version of the smallest non-empty fixed-version list
 * (as stored JSON text) any of its rows names, '' when none names one.
 */
export interface ComponentTopRow {
  name: string;
  version: string;
  type: string;
  vulCount: number;
  criticalVulCount: number;
  highVulCount: number;
  mediumVulCount: number;
  lowVulCount: number;
  imageCount: number;
  fixedVersion: string;
}

/** Filters of topVulnerableComponents: component name, type (as ComponentFilter matches them). */
export type ComponentTopFilter = Pick<ComponentFilter, 'name' | 'type'>;

/** The fields topVulnerableComponents sorts by. */
export const COMPONENT_TOP_SORTS = ['VulCount', 'ImageCount', 'CriticalVulCount', 'HighVulCount'] as const;

/** Vulnerability list filters: Name (substring of name or CVE id), Level (1–4), CVE id. */
export interface VulnerabilityFilter {
  name?: { values: string[]; exact: boolean };
  level?: number[];
  cveId?: { values: string[]; exact: boolean };
}

/** The fields the re-matcher needs of a stored image. */
export interface StoredIndex {
  uin: string;
  imageId: string;
  osName: string;
  components: Component[];
}

/** Sorting and paging shared by the list queries. `by` is a field name of the listed rows. */
export interface Page {
  limit: number;
  offset: number;
  by?: string;
  order?: 'asc' | 'desc';
}

/**
 * Image list filters (DescribeAssetImageList / DescribeAssetImageSimpleList). Every value list is
 * OR-ed within a filter and filters are AND-ed; `exact` false means substring match (case-insensitive),
 * with SQL/LIKE metacharacters in values matched literally.
 */
export interface ImageFilter {
  imageName?: { values: string[]; exact: boolean };
  imageId?: { values: string[]; exact: boolean };
  osName?: { values: string[]; exact: boolean };
  /** matches image name or image id (SimpleList's Keywords) */
  keywords?: { values: string[]; exact: boolean };
  /** DESIGN §3 ScanStatus strings: NOT_SCAN, WAIT_SCAN, SCANNING, SCAN_ERR, CANCELED, SCANNED */
  scanStatus?: string[];
  /** security risks any of which the image must have: VirusCnt, RiskCnt, VulCnt, IsTrustImage (untrusted), … */
  securityRisk?: string[];
}

export interface ImageListRow extends ImageDetail {
  ComponentCnt: number;
  /** vulnerabilities per level (4 critical … 1 low); they add up to VulCnt */
  CriticalLevelVulCnt: number;
  HighLevelVulCnt: number;
  MediumLevelVulCnt: number;
  LowLevelVulCnt: number;
}

export interface ComponentFilter {
  name?: { values: string[]; exact: boolean };
  version?: { values: string[]; exact: boolean };
  type?: { values: string[]; exact: boolean };
}

export interface ComponentRow extends Component {
  imageId: string;
}

export interface AccountSummary {
  imageCount: number;
  scannedCount: number;
  unscannedCount: number;
  /** images with VulCnt > 0 / RiskCnt > 0 / VirusCnt > 0 / untrusted */
  withVuls: number;
  withRisks: number;
  withVirus: number;
  untrusted: number;
  /** images with any of the above */
  unsafe: number;
  /** images first stored today (server time zone) */
  todayNew: number;
  todayUnsafe: number;
  /** latest ScanTime, '' when none */
  latestScanTime: string;
  containerCount: number;
  hostCount: number;
  superNodeCount: number;
}

/**
 * Persistent inventory. Implementations: SQLite (embedded default), PostgreSQL, one contract
 * test suite for both. Postconditions are stated per method.
 */
export interface Store extends TaskStore {
  /** registries of each account and the images found in them */
  readonly registries: RegistryStore;
  /** hosts reported by agents, their images and containers */
  readonly hosts: HostStore;
  /** Creates or upgrades the schema; idempotent. */
  migrate(): Promise<void>;
  /**
   * Registers an image the account does not have yet (AddAssetImage): its detail, names and layers,
   * no components and no findings; the detail says how it stands (normally NOT_SCAN). True when it was
   * inserted; false, with nothing changed, when the account has the image already (whatever its state).
   */
  registerImage(account: Account, image: ImageRecord): Promise<boolean>;
  /**
   * Stores one image's scan result for `account`, replacing any earlier result of the same ImageID
   * for that account, in one transaction: afterwards readers see all of it or none of it.
   */
  saveImage(account: Account, image: ImageRecord): Promise<void>;
  /** The stored detail, or undefined when this account has no such image. */
  getImage(account: Account, imageId: string): Promise<ImageDetail | undefined>;
  /** Images of the account matching `filter`, sorted and paged; `total` counts all matches. */
  listImages(
    account: Account,
    filter: ImageFilter,
    page: Page,
  ): Promise<{ total: number; rows: ImageListRow[] }>;
  /** Components of one image of the account; undefined when the account has no such image. */
  listComponents(
    account: Account,
    imageId: string,
    filter: ComponentFilter,
    page: Page,
  ): Promise<{ total: number; rows: ComponentRow[] } | undefined>;
  summary(account: Account, timeZone: string): Promise<AccountSummary>;
  /**
   * Replaces the vulnerabilities of one stored image (any account: the re-matcher's call) and sets
   * its VulCnt, per-level counts, Reason and Solution from them, in one transaction. False when the
   * image is gone.
   */
  replaceVulnerabilities(
    uin: string,
    imageId: string,
    rows: VulnerabilityRow[],
    text: { reason: string; solution: string },
  ): Promise<boolean>;
  /** Vulnerabilities of one image of the account, filtered, sorted (Level by default, highest first) and paged. */
  listVulnerabilities(
    account: Account,
    imageId: string,
    filter: VulnerabilityFilter,
    page: Page,
  ): Promise<{ total: number; rows: ListedVulnerability[] } | undefined>;
  /** Layers of one image of the account, bottom first; undefined when the account has no such image. */
  listLayers(account: Account, imageId: string): Promise<StoredLayer[] | undefined>;
  /**
   * The account's vulnerable components (name, version, type over every image's vulnerability rows),
   * filtered, sorted by `by` (one of COMPONENT_TOP_SORTS, default VulCount) in `order` (default desc),
   * ties by VulCount desc, ImageCount desc, then name, version and type ascending, and paged; `total`
   * counts every matching component. Throws a plain Error for another `by`.
   */
  topVulnerableComponents(
    account: Account,
    filter: ComponentTopFilter,
    page: Page,
  ): Promise<{ total: number; rows: ComponentTopRow[] }>;
  /**
   * Risk rows of one image of the account, filtered, sorted (by: Level, Type, Behavior, Rule, Path;
   * without `by`, highest level first) and paged; undefined when the account has no such image.
   */
  listRisks(
    account: Account,
    imageId: string,
    filter: RiskFilter,
    page: Page,
  ): Promise<{ total: number; rows: RiskRow[] } | undefined>;
  /**
   * Virus rows of one image of the account, filtered, sorted (by: RiskLevel, VirusName, FileName,
   * Path, Size, FirstScanTime, LatestScanTime; without `by`, highest level first) and paged;
   * undefined when the account has no such image.
   */
  listViruses(
    account: Account,
    imageId: string,
    filter: VirusFilter,
    page: Page,
  ): Promise<{ total: number; rows: VirusRow[] } | undefined>;
  /** Vulnerability count per component `name\0version` of one image of the account. */
  componentVulCounts(account: Account, imageId: string): Promise<Map<string, number>>;
  /** Stored indexes of every account in a stable order, `limit` at a time after `after` (a cursor). */
  storedIndexes(after: { uin: string; imageId: string } | undefined, limit: number): Promise<StoredIndex[]>;
  close(): Promise<void>;
}
