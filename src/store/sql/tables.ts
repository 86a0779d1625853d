import type { HostTables } from './host-tables.js';
import type { RegistryTables } from './registry-tables.js';
/**
 * The store's tables as Kysely sees them (src/store/migrations creates them). Every dialect stores the
 * same shapes: text, integers (booleans as 0/1), JSON arrays as text, times as text.
 */
export interface StoreDatabase extends RegistryTables, HostTables {
  images: ImagesTable;
  image_names: ImageNamesTable;
  image_layers: ImageLayersTable;
  image_components: ImageComponentsTable;
  image_vulnerabilities: ImageVulnerabilitiesTable;
  image_risks: ImageRisksTable;
  image_viruses: ImageVirusesTable;
  scan_tasks: ScanTasksTable;
  task_images: TaskImagesTable;
  image_sources: ImageSourcesTable;
  scan_settings: ScanSettingsTable;
}

/** One scan task of an account (TaskRow); categories as 0/1, times epoch ms. */
export interface ScanTasksTable {
  uin: string;
  task_id: string;
  /** the account's AppId, so a task's images can be written as the account's */
  app_id: number;
  vul: number;
  virus: number;
  risk: number;
  /** 'manual' or 'schedule' */
  origin: string;
  created_ms: number;
  /** past it, every unfinished image of the task ends SCAN_ERR `timeout` */
  deadline_ms: number;
  /** READY, SCANNING or END */
  status: string;
  /** '' until END; then Success, Timeout, Cancel or Error */
  sub_status: string;
  finished_ms: number | null;
}

/** One image of a scan task: its state, the claim on it and what its scan measured. */
export interface TaskImagesTable {
  uin: string;
  task_id: string;
  image_id: string;
  /** order within the task's image list */
  position: number;
  /** TaskImageState */
  state: string;
  /** how many times the row went back to WAIT_SCAN after a lost claim; a job names the attempt it is for */
  attempt: number;
  /** the worker holding the claim while SCANNING, else NULL */
  worker: string | null;
  /** the claim holds until then (SCANNING only) */
  lease_ms: number | null;
  /** when a job for the current attempt was last sent; NULL: not sent yet */
  sent_ms: number | null;
  /** '' unless SCAN_ERR: the cause (`timeout`, `worker lost`, the worker's message) */
  error: string;
  /** the image's Size when the task was created */
  bytes_total: number;
  /** bytes the current (or final) scan read, from heartbeats and the completion */
  bytes_done: number;
  /** how long the scan ran when bytes_done was last recorded (heartbeat or completion) */
  busy_ms: number;
  started_ms: number | null;
  finished_ms: number | null;
  /** 1 when SCANNED with a vulnerability, risk or virus */
  risky: number;
}

/** Where an account's image can be read (AddAssetImage); may exist before the image's row does. */
export interface ImageSourcesTable {
  uin: string;
  image_id: string;
  /** an `oci:`, `docker-archive:`… reference */
  reference: string;
  added_ms: number;
}

/** The account's periodic scan setting (ScanSetting); booleans 0/1, image lists JSON text. */
export interface ScanSettingsTable {
  uin: string;
  app_id: number;
  enable: number;
  /** `HH:MM` UTC */
  scan_time: string;
  scan_end_time: string;
  period_days: number;
  vul: number;
  virus: number;
  risk: number;
  scope: number;
  images: string;
  exclude_images: string;
  container_running: number;
  next_run_ms: number;
  last_run_ms: number | null;
  last_task_id: string | null;
  last_result: string | null;
}

/** One risk finding of an image (RiskRow); optional fields are NULL when absent; secrets only masked. */
export interface ImageRisksTable {
  uin: string;
  image_id: string;
  position: number;
  /** 1 high-risk behaviour, 2 sensitive information */
  type: number;
  /** 1–4 (DESIGN §3) */
  behavior: number;
  level: number;
  rule: string;
  /** the TCSS Desc */
  description: string;
  /** the TCSS InstructionContent, secrets masked */
  instruction: string;
  solution: string;
  path: string | null;
  history_index: number | null;
  layer: string | null;
  masked: string | null;
  secret_hash: string | null;
}

/** One flagged file of an image (VirusRow); tags as JSON text, times `YYYY-MM-DD HH:MM:SS`. */
export interface ImageVirusesTable {
  uin: string;
  image_id: string;
  position: number;
  path: string;
  file_name: string;
  md5: string;
  size: number;
  virus_name: string;
  level: number;
  category: string;
  tags: string;
  description: string;
  solution: string;
  /** `builtin` or `clamd` */
  engine: string;
  layer: string | null;
  /** when this (path, md5, virus name) was first stored for the image, kept across rescans */
  first_scan_time: string;
  latest_scan_time: string;
}

/** One (advisory, component) pair of an image; lists as JSON text, level 1–4. */
export interface ImageVulnerabilitiesTable {
  uin: string;
  image_id: string;
  position: number;
  advisory_id: string;
  cve_id: string;
  aliases: string;
  name: string;
  component: string;
  version: string;
  component_type: string;
  purl: string;
  fixed_versions: string;
  level: number;
  cvss3_score: number;
  cvss3_vector: string;
  description: string;
  reference: string;
  official_solution: string;
  submit_time: string;
  tags: string;
  category: string;
  unfixed: number;
}

/** One image of one account: every ImageDetail field as a column, so lists filter and sort in SQL. */
export interface ImagesTable {
  /** Account.uin */
  uin: string;
  /** sha256 of the image's vulnerability rows ('' before any matching) */
  vuln_digest: string;
  image_id: string;
  image_name: string;
  image_digest: string;
  /** `YYYY-MM-DD HH:MM:SS` (DESIGN §3), so text order is time order */
  create_time: string;
  size: number;
  os_name: string;
  architecture: string;
  author: string;
  build_history: string;
  scan_time: string;
  scan_status: string;
  status: number;
  vul_cnt: number;
  risk_cnt: number;
  sensitive_info_cnt: number;
  virus_cnt: number;
  host_cnt: number;
  container_cnt: number;
  super_node_cnt: number;
  /** 0 or 1 */
  is_trust_image: number;
  is_authorized: number;
  agent_error: string;
  scan_error: string;
  scan_vul_progress: number;
  scan_virus_progress: number;
  scan_risk_progress: number;
  scan_vul_error: string;
  scan_virus_error: string;
  scan_risk_error: string;
  remain_scan_time: number;
  reason: string;
  solution: string;
  /** JSON array of strings */
  repo_digests: string;
  component_cnt: number;
  /** vulnerabilities per level; 0 until vulnerability matching fills them */
  critical_level_vul_cnt: number;
  high_level_vul_cnt: number;
  medium_level_vul_cnt: number;
  low_level_vul_cnt: number;
  /** ISO 8601 UTC instant of the first save, kept across rescans */
  first_seen: string;
  /** ISO 8601 UTC instant of the latest save */
  updated_at: string;
}

/** ImageRecord.names in order; position 0 is the image name. */
export interface ImageNamesTable {
  uin: string;
  image_id: string;
  position: number;
  name: string;
}

/** ImageRecord.layers, bottom layer at position 0. */
export interface ImageLayersTable {
  uin: string;
  image_id: string;
  position: number;
  diff_id: string;
  size: number;
  /** index (0-based, oldest first) of the config history entry that created the layer; NULL: unknown */
  history_index: number | null;
}

/** ImageRecord.components in the order given; optional Component fields are NULL when absent. */
export interface ImageComponentsTable {
  uin: string;
  image_id: string;
  position: number;
  name: string;
  version: string;
  type: string;
  arch: string | null;
  source_name: string | null;
  source_version: string | null;
  epoch: number | null;
  release: string | null;
  /** JSON array of strings */
  licenses: string | null;
  maintainer: string | null;
  vendor: string | null;
  modularity_label: string | null;
  purl: string | null;
  layer: string | null;
  path: string | null;
}
