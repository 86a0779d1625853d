/** The registry tables (migration 0006), merged into StoreDatabase. Booleans 0/1, times epoch ms. */
export interface RegistryTables {
  registries: RegistriesTable;
  registry_images: RegistryImagesTable;
  registry_scan_tasks: RegistryScanTasksTable;
}

/** One registry of an account (Registry); the password only sealed (AES-256-GCM). */
export interface RegistriesTable {
  uin: string;
  id: number;
  name: string;
  type: string;
  url: string;
  /** `host[:port]` of url */
  host: string;
  username: string;
  sealed_password: string;
  net_type: string;
  region: string;
  version: string;
  speed_limit: number;
  insecure: number;
  sync_mode: number;
  need_scan: number;
  instance_id: string;
  connect_status: string;
  connect_message: string;
  sync_status: string;
  sync_message: string;
  latest_sync_ms: number | null;
  created_ms: number;
}

/** One repository:tag of a registry and what its manifest points to. */
export interface RegistryImagesTable {
  uin: string;
  id: number;
  registry_id: number;
  namespace: string;
  repository: string;
  tag: string;
  /** manifest (or index) digest */
  digest: string;
  /** config digest ('' until described) */
  image_id: string;
  size: number;
  create_time: string;
  architecture: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

/** The numeric TaskID of a registry scan task and the job-system task it stands for. */
export interface RegistryScanTasksTable {
  uin: string;
  id: number;
  task_id: string;
  created_ms: number;
}
