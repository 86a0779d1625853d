/** The host and container tables (migration 0007), merged into StoreDatabase. Times: epoch ms. */
export interface HostTables {
  hosts: HostsTable;
  host_images: HostImagesTable;
  host_containers: HostContainersTable;
}

export interface HostsTable {
  uin: string;
  host_id: string;
  host_name: string;
  /** JSON array of strings; the first is the host's main IP */
  ips: string;
  /** normal | super */
  node_type: string;
  agent_version: string;
  docker_version: string;
  /** seq of the last applied report */
  last_seq: number | string;
  last_seen_ms: number | string;
  /** past this the host is offline */
  offline_at_ms: number | string;
  /** 0 or 1: what the image counters currently count it as */
  online: number;
  image_cnt: number;
  container_cnt: number;
}

export interface HostImagesTable {
  uin: string;
  host_id: string;
  image_id: string;
  /** JSON arrays of strings */
  repo_tags: string;
  repo_digests: string;
  size: number | string;
  created: number | string;
  agent_error: string;
}

export interface HostContainersTable {
  uin: string;
  host_id: string;
  container_id: string;
  name: string;
  image_id: string;
  image_name: string;
  state: string;
  status: string;
  created: number | string;
}
