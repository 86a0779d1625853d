import { createHash } from 'node:crypto';
import type { Component } from '../../core/component.js';
import type { FindingLevel, RiskBehavior, RiskType, VirusFinding } from '../../core/finding.js';
import type { ImageDetail } from '../../scan/detail.js';
import type {
  ComponentRow,
  ImageListRow,
  ImageRecord,
  RiskRow,
  StoredLayer,
  VirusRow,
  VulnerabilityRow,
} from '../store.js';
import type {
  ImageComponentsTable,
  ImageLayersTable,
  ImageRisksTable,
  ImagesTable,
  ImageVirusesTable,
  ImageVulnerabilitiesTable,
} from './tables.js';

type ImageColumns = Omit<ImagesTable, 'uin' | 'first_seen' | 'updated_at' | 'vuln_digest'>;

/** The images columns a detail or list row is read from (reading fewer columns is measurably faster). */
export const DETAIL_COLUMNS = [
  'image_id',
  'image_name',
  'image_digest',
  'create_time',
  'size',
  'os_name',
  'architecture',
  'author',
  'build_history',
  'scan_time',
  'scan_status',
  'status',
  'vul_cnt',
  'risk_cnt',
  'sensitive_info_cnt',
  'virus_cnt',
  'host_cnt',
  'container_cnt',
  'super_node_cnt',
  'is_trust_image',
  'is_authorized',
  'agent_error',
  'scan_error',
  'scan_vul_progress',
  'scan_virus_progress',
  'scan_risk_progress',
  'scan_vul_error',
  'scan_virus_error',
  'scan_risk_error',
  'remain_scan_time',
  'reason',
  'solution',
  'repo_digests',
  'component_cnt',
  'critical_level_vul_cnt',
  'high_level_vul_cnt',
  'medium_level_vul_cnt',
  'low_level_vul_cnt',
] as const satisfies readonly (keyof ImagesTable)[];

export type DetailColumns = Pick<ImagesTable, (typeof DETAIL_COLUMNS)[number]>;

/** The images row of a detail (everything but the key's uin and the save times). */
export function imageColumns(d: ImageDetail, componentCount: number): ImageColumns {
  return {
    image_id: d.ImageID,
    image_name: d.ImageName,
    image_digest: d.ImageDigest,
    create_time: d.CreateTime,
    size: d.Size,
    os_name: d.OsName,
    architecture: d.Architecture,
    author: d.Author,
    build_history: d.BuildHistory,
    scan_time: d.ScanTime,
    scan_status: d.ScanStatus,
    status: d.Status,
    vul_cnt: d.VulCnt,
    risk_cnt: d.RiskCnt,
    sensitive_info_cnt: d.SensitiveInfoCnt,
    virus_cnt: d.VirusCnt,
    host_cnt: d.HostCnt,
    container_cnt: d.ContainerCnt,
    super_node_cnt: d.SuperNodeCnt,
    is_trust_image: d.IsTrustImage ? 1 : 0,
    is_authorized: d.IsAuthorized,
    agent_error: d.AgentError,
    scan_error: d.ScanError,
    scan_vul_progress: d.ScanVulProgress,
    scan_virus_progress: d.ScanVirusProgress,
    scan_risk_progress: d.ScanRiskProgress,
    scan_vul_error: d.ScanVulError,
    scan_virus_error: d.ScanVirusError,
    scan_risk_error: d.ScanRiskError,
    remain_scan_time: d.RemainScanTime,
    reason: d.Reason,
    solution: d.Solution,
    repo_digests: JSON.stringify(d.RepoDigests),
    component_cnt: componentCount,
    critical_level_vul_cnt: 0,
    high_level_vul_cnt: 0,
    medium_level_vul_cnt: 0,
    low_level_vul_cnt: 0,
  };
}

/** Dialects may hand back 64-bit integers as strings or bigints; the API speaks JS numbers. */
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export function imageDetail(r: DetailColumns): ImageDetail {
  return {
    ImageID: r.image_id,
    ImageName: r.image_name,
    ImageDigest: r.image_digest,
    CreateTime: r.create_time,
    Size: num(r.size),
    HostCnt: num(r.host_cnt),
    ContainerCnt: num(r.container_cnt),
    SuperNodeCnt: num(r.super_node_cnt),
    ScanTime: r.scan_time,
    VulCnt: num(r.vul_cnt),
    RiskCnt: num(r.risk_cnt),
    SensitiveInfoCnt: num(r.sensitive_info_cnt),
    IsTrustImage: num(r.is_trust_image) === 1,
    OsName: r.os_name,
    AgentError: r.agent_error,
    ScanError: r.scan_error,
    Architecture: r.architecture,
    Author: r.author,
    BuildHistory: r.build_history,
    ScanVirusProgress: num(r.scan_virus_progress),
    ScanVulProgress: num(r.scan_vul_progress),
    ScanRiskProgress: num(r.scan_risk_progress),
    ScanVirusError: r.scan_virus_error,
    ScanVulError: r.scan_vul_error,
    ScanRiskError: r.scan_risk_error,
    ScanStatus: r.scan_status,
    VirusCnt: num(r.virus_cnt),
    Status: num(r.status),
    RemainScanTime: num(r.remain_scan_time),
    IsAuthorized: num(r.is_authorized),
    Solution: r.solution,
    Reason: r.reason,
    RepoDigests: JSON.parse(r.repo_digests) as string[],
  };
}

export function imageListRow(r: DetailColumns): ImageListRow {
  return {
    ...imageDetail(r),
    ComponentCnt: num(r.component_cnt),
    CriticalLevelVulCnt: num(r.critical_level_vul_cnt),
    HighLevelVulCnt: num(r.high_level_vul_cnt),
    MediumLevelVulCnt: num(r.medium_level_vul_cnt),
    LowLevelVulCnt: num(r.low_level_vul_cnt),
  };
}

/** One ImageRecord layer as stored at `position` (0: the bottom layer). */
export function layerColumns(
  uin: string,
  imageId: string,
  position: number,
  l: ImageRecord['layers'][number],
): ImageLayersTable {
  return {
    uin,
    image_id: imageId,
    position,
    diff_id: l.diffID,
    size: l.size,
    history_index: l.historyIndex ?? null,
  };
}

export function storedLayer(r: Pick<ImageLayersTable, 'diff_id' | 'size' | 'history_index'>): StoredLayer {
  return {
    diffID: r.diff_id,
    size: num(r.size),
    historyIndex: r.history_index === null ? null : num(r.history_index),
  };
}

export function componentColumns(
  uin: string,
  imageId: string,
  position: number,
  c: Component,
): ImageComponentsTable {
  return {
    uin,
    image_id: imageId,
    position,
    name: c.name,
    version: c.version,
    type: c.type,
    arch: c.arch ?? null,
    source_name: c.sourceName ?? null,
    source_version: c.sourceVersion ?? null,
    epoch: c.epoch ?? null,
    release: c.release ?? null,
    licenses: c.licenses === undefined ? null : JSON.stringify(c.licenses),
    maintainer: c.maintainer ?? null,
    vendor: c.vendor ?? null,
    modularity_label: c.modularityLabel ?? null,
    purl: c.purl ?? null,
    layer: c.layer ?? null,
    path: c.path ?? null,
  };
}

/** The component as saved: optional fields that were absent stay absent. */
export function componentRow(r: ImageComponentsTable): ComponentRow {
  const c: ComponentRow = { imageId: r.image_id, name: r.name, version: r.version, type: r.type };
  if (r.arch !== null) c.arch = r.arch;
  if (r.source_name !== null) c.sourceName = r.source_name;
  if (r.source_version !== null) c.sourceVersion = r.source_version;
  if (r.epoch !== null) c.epoch = num(r.epoch);
  if (r.release !== null) c.release = r.release;
  if (r.licenses !== null) c.licenses = JSON.parse(r.licenses) as string[];
  if (r.maintainer !== null) c.maintainer = r.maintainer;
  if (r.vendor !== null) c.vendor = r.vendor;
  if (r.modularity_label !== null) c.modularityLabel = r.modularity_label;
  if (r.purl !== null) c.purl = r.purl;
  if (r.layer !== null) c.layer = r.layer;
  if (r.path !== null) c.path = r.path;
  return c;
}

/** A vulnerability row as stored (lists as JSON text, booleans as 0/1). */
export function vulnerabilityColumns(
  uin: string,
  imageId: string,
  position: number,
  v: VulnerabilityRow,
): ImageVulnerabilitiesTable {
  return {
    uin,
    image_id: imageId,
    position,
    advisory_id: v.advisoryId,
    cve_id: v.cveId,
    aliases: JSON.stringify(v.aliases),
    name: v.name,
    component: v.component,
    version: v.version,
    component_type: v.componentType,
    purl: v.purl,
    fixed_versions: JSON.stringify(v.fixedVersions),
    level: v.level,
    cvss3_score: v.cvss3Score,
    cvss3_vector: v.cvss3Vector,
    description: v.description,
    reference: JSON.stringify(v.references),
    official_solution: v.officialSolution,
    submit_time: v.submitTime,
    tags: JSON.stringify(v.tags),
    category: v.category,
    unfixed: v.unfixed ? 1 : 0,
  };
}

export function vulnerabilityRow(r: ImageVulnerabilitiesTable): VulnerabilityRow {
  return {
    advisoryId: r.advisory_id,
    cveId: r.cve_id,
    aliases: JSON.parse(r.aliases) as string[],
    name: r.name,
    component: r.component,
    version: r.version,
    componentType: r.component_type,
    purl: r.purl,
    fixedVersions: JSON.parse(r.fixed_versions) as string[],
    level: Number(r.level),
    cvss3Score: Number(r.cvss3_score),
    cvss3Vector: r.cvss3_vector,
    description: r.description,
    references: JSON.parse(r.reference) as string[],
    officialSolution: r.official_solution,
    submitTime: r.submit_time,
    tags: JSON.parse(r.tags) as string[],
    category: r.category,
    unfixed: Number(r.unfixed) === 1,
  };
}

/** A digest of vulnerability rows: equal digests, equal rows (order included). */
export function vulnerabilityDigest(rows: VulnerabilityRow[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** VulCnt and the per-level counts of a set of vulnerability rows. */
export function vulnerabilityCounts(rows: VulnerabilityRow[]) {
  const by = (l: number) => rows.filter((r) => r.level === l).length;
  return {
    vul_cnt: rows.length,
    critical_level_vul_cnt: by(4),
    high_level_vul_cnt: by(3),
    medium_level_vul_cnt: by(2),
    low_level_vul_cnt: by(1),
  };
}

/** RiskCnt (every row) and SensitiveInfoCnt (the Type 2 rows) of a set of risk rows. */
export function riskCounts(rows: RiskRow[]) {
  return { risk_cnt: rows.length, sensitive_info_cnt: rows.filter((r) => r.type === 2).length };
}

/** A risk row as stored; absent optional fields are NULL. */
export function riskColumns(uin: string, imageId: string, position: number, r: RiskRow): ImageRisksTable {
  return {
    uin,
    image_id: imageId,
    position,
    type: r.type,
    behavior: r.behavior,
    level: r.level,
    rule: r.rule,
    description: r.desc,
    instruction: r.instruction,
    solution: r.solution,
    path: r.path ?? null,
    history_index: r.historyIndex ?? null,
    layer: r.layer ?? null,
    masked: r.masked ?? null,
    secret_hash: r.secretHash ?? null,
  };
}

/** The risk row as saved: optional fields that were absent stay absent. */
export function riskRow(r: ImageRisksTable): RiskRow {
  const out: RiskRow = {
    type: Number(r.type) as RiskType,
    behavior: Number(r.behavior) as RiskBehavior,
    level: Number(r.level) as FindingLevel,
    rule: r.rule,
    desc: r.description,
    instruction: r.instruction,
    solution: r.solution,
  };
  if (r.path !== null) out.path = r.path;
  if (r.history_index !== null) out.historyIndex = Number(r.history_index);
  if (r.layer !== null) out.layer = r.layer;
  if (r.masked !== null) out.masked = r.masked;
  if (r.secret_hash !== null) out.secretHash = r.secret_hash;
  return out;
}

/** The key a flagged file keeps its FirstScanTime under across rescans of the same image. */
export const virusKey = (v: { path: string; md5: string; virusName: string }): string =>
  `${v.path}\0${v.md5}\0${v.virusName}`;

/** A virus row as stored, with its scan times. */
export function virusColumns(
  uin: string,
  imageId: string,
  position: number,
  v: VirusFinding,
  times: { first: string; latest: string },
): ImageVirusesTable {
  return {
    uin,
    image_id: imageId,
    position,
    path: v.path,
    file_name: v.fileName,
    md5: v.md5,
    size: v.size,
    virus_name: v.virusName,
    level: v.level,
    category: v.category,
    tags: JSON.stringify(v.tags),
    description: v.desc,
    solution: v.solution,
    engine: v.engine,
    layer: v.layer ?? null,
    first_scan_time: times.first,
    latest_scan_time: times.latest,
  };
}

export function virusRow(r: ImageVirusesTable): VirusRow {
  const out: VirusRow = {
    path: r.path,
    fileName: r.file_name,
    md5: r.md5,
    size: Number(r.size),
    virusName: r.virus_name,
    level: Number(r.level) as FindingLevel,
    category: r.category,
    tags: JSON.parse(r.tags) as string[],
    desc: r.description,
    solution: r.solution,
    engine: r.engine === 'clamd' ? 'clamd' : 'builtin',
    firstScanTime: r.first_scan_time,
    latestScanTime: r.latest_scan_time,
  };
  if (r.layer !== null) out.layer = r.layer;
  return out;
}
