/**
 * Hosts (nodes running a hullscan agent), their images and containers (#8): what HostCnt,
 * ContainerCnt, SuperNodeCnt and the host and container lists are answered from.
 */
import type { Account, Page } from './store.js';

export type NodeType = 'normal' | 'super';

/** One image on a host as its Engine lists it. */
export interface HostImage {
  /** `sha256:` + 64 hex (Docker's image ID) */
  imageId: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  /** Engine's Created, seconds since the epoch */
  created: number;
  /** the agent's last failure scanning this image here; '' when fine */
  agentError: string;
}

/** One container on a host (any state). */
export interface HostContainer {
  containerId: string;
  name: string;
  imageId: string;
  imageName: string;
  /** Engine state: created, running, paused, restarting, removing, exited, dead */
  state: string;
  status: string;
  /** seconds since the epoch */
  created: number;
}

/** One agent report: the whole state of one host (it replaces the previous one). */
export interface HostReport {
  hostId: string;
  hostName: string;
  ips: string[];
  nodeType: NodeType;
  agentVersion: string;
  dockerVersion: string;
  /** grows with every report of this agent; a report not above the last applied one is ignored */
  seq: number;
  images: HostImage[];
  containers: HostContainer[];
}

export interface HostRow {
  hostId: string;
  hostName: string;
  ips: string[];
  nodeType: NodeType;
  agentVersion: string;
  dockerVersion: string;
  online: boolean;
  lastSeenMs: number;
  imageCnt: number;
  containerCnt: number;
}

export interface ContainerRow extends HostContainer {
  hostId: string;
  hostName: string;
  hostIp: string;
  nodeType: NodeType;
  /** when the report holding it was applied, ms since the epoch */
  updatedMs: number;
}

type Text = { values: string[]; exact: boolean };

/** Host list filters; values OR-ed, filters AND-ed; `exact` false: case-insensitive substring. */
export interface HostFilter {
  online?: boolean;
  hostName?: Text;
  hostIp?: Text;
  hostId?: Text;
  dockerVersion?: Text;
  nodeType?: NodeType[];
}

export interface ContainerFilter {
  containerName?: Text;
  containerId?: Text;
  imageName?: Text;
  imageId?: Text;
  hostIp?: Text;
  hostId?: Text;
  state?: string[];
  nodeType?: NodeType[];
}

export interface HostCounts {
  hosts: number;
  online: number;
  superNodes: number;
  superNodesOnline: number;
  /** containers on online hosts, by state */
  containers: number;
  running: number;
  paused: number;
  stopped: number;
}

/**
 * Postconditions: every write is one transaction; an image's host_cnt / super_node_cnt /
 * container_cnt columns always equal what the ONLINE hosts' reports say (recounted on every applied
 * report and every sweep); lists and counts never show another account's hosts.
 */
export interface HostStore {
  /**
   * Applies a report when its seq is above the host's last applied one: the host row, its images and
   * containers are replaced, the host is online until `nowMs + offlineAfterMs`, images the account did
   * not have are registered NOT_SCAN (`register` builds their stored columns), and the counters of
   * every image concerned are recounted. Otherwise nothing changes. Returns whether it applied and
   * the last applied seq.
   */
  applyReport(
    account: Account,
    report: HostReport,
    opts: { nowMs: number; offlineAfterMs: number; timeZone: string },
  ): Promise<{ applied: boolean; lastSeq: number }>;
  /** Marks hosts whose deadline passed offline (any account) and recounts their images; returns how many. */
  sweep(nowMs: number): Promise<number>;
  listHosts(account: Account, filter: HostFilter, page: Page): Promise<{ total: number; rows: HostRow[] }>;
  listContainers(
    account: Account,
    filter: ContainerFilter,
    page: Page,
  ): Promise<{ total: number; rows: ContainerRow[] }>;
  /** (image, host) pairs of online hosts, by image then host, at most `limit`. */
  imageHosts(
    account: Account,
    filter: { imageId?: string[]; hostId?: string[] },
    limit: number,
  ): Promise<{ total: number; rows: { imageId: string; hostId: string }[] }>;
  counts(account: Account): Promise<HostCounts>;
}
