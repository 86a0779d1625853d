import type { Account, ImageFilter, ImageRecord, VulnerabilityRow } from './store.js';

/**
 * Scan tasks, their images, image sources and periodic scan settings: the durable state of the job
 * system (#7). The queue only carries "look at (task, image, attempt)"; everything a worker may claim,
 * renew, finish or lose is decided here, by conditional updates, so a duplicated, late or replayed job
 * changes nothing. Times are epoch milliseconds (the caller's clock: one `now` per call).
 */

/** DESIGN §3: the per-image states of a task. NOT_SCAN never appears on a task's image. */
export type TaskImageState = 'WAIT_SCAN' | 'SCANNING' | 'SCANNED' | 'SCAN_ERR' | 'CANCELED';

/** The finding categories a task scans. */
export interface ScanCategories {
  vul: boolean;
  virus: boolean;
  risk: boolean;
}

export interface NewTask {
  taskId: string;
  categories: ScanCategories;
  /** images of the account to scan, in order; the store keeps only the ones the account has */
  imageIds: string[];
  /** the task's deadline (created + Timeout); past it every unfinished image ends SCAN_ERR `timeout` */
  deadlineMs: number;
  /** 'manual' (CreateAssetImageScanTask) or 'schedule' (a scan setting fired) */
  origin: 'manual' | 'schedule';
}

export interface TaskRow {
  taskId: string;
  categories: ScanCategories;
  origin: 'manual' | 'schedule';
  createdMs: number;
  deadlineMs: number;
  /** READY (nothing claimed yet), SCANNING, END */
  status: 'READY' | 'SCANNING' | 'END';
  /** '' until END; then Success, Timeout, Cancel or Error (every image failed) */
  subStatus: '' | 'Success' | 'Timeout' | 'Cancel' | 'Error';
  finishedMs?: number;
}

/** DescribeAssetImageScanStatus's figures, from the task's images. */
export interface TaskCounts {
  total: number;
  /** images in a final state (SCANNED, SCAN_ERR, CANCELED) */
  finished: number;
  /** images SCANNING right now (the others unfinished are WAIT_SCAN) */
  running: number;
  scanned: number;
  failed: number;
  canceled: number;
  /**
   * SCANNED images that have at least one vulnerability, risk or virus once saved — counting what a
   * category the task did not scan kept from before (DescribeAssetImageScanStatus's RiskCount)
   */
  risky: number;
  /** bytes of the unfinished images still to read (their size less what their running scans read) */
  bytesLeft: number;
  /** bytes read by this task's finished and running scans, and the scans' summed running time */
  bytesDone: number;
  busyMs: number;
}

/** One (task, image) the dispatcher should (re)send a job for. */
export interface JobTicket {
  uin: string;
  taskId: string;
  imageId: string;
  attempt: number;
}

/** What a worker gets when its claim succeeds: what to scan and how. */
export interface Claimed extends JobTicket {
  categories: ScanCategories;
  /** where the image's bytes can be read (an `oci:`/`docker-archive:`… reference); undefined: index only */
  source?: string;
  /** the image's stored size (bytes to read when nothing is cached) */
  size: number;
  deadlineMs: number;
}

/** A live scan's report: bytes read of the image so far; the store sets progress and RemainScanTime. */
export interface Heartbeat {
  bytesDone: number;
  bytesTotal: number;
  /** seconds the scan expects to need still (bytes left ÷ its measured rate) */
  remainSeconds: number;
}

/** What a heartbeat learns: keep going, or stop because the task was stopped, timed out or the claim was lost. */
export type HeartbeatVerdict = 'ok' | 'canceled' | 'timeout' | 'lost';

export type Completion =
  /** the scan's record: saved with the image's other categories kept when the task did not scan them */
  | { record: ImageRecord; bytesDone: number }
  /**
   * an index-only image (no source) re-matched: its vulnerability rows, VulCnt, per-level counts,
   * Reason and Solution replaced (as replaceVulnerabilities does), everything else kept, SCANNED
   */
  | { vulnerabilities: VulnerabilityRow[]; reason: string; solution: string; bytesDone: 0 }
  /** the scan failed: SCAN_ERR with this ScanError; the image's previous results stay */
  | { error: string; bytesDone: number };

/** Which images ModifyAssetImageScanStop stops: a task's, listed ones, or the ones a filter selects. */
export interface StopSelection {
  taskId?: string;
  imageIds?: string[];
  filter?: ImageFilter;
  excludeImageIds?: string[];
}

/** A periodic scan (CreateAssetImageScanSetting). Times of day are `HH:MM` in UTC. */
export interface ScanSetting {
  enable: boolean;
  scanTime: string;
  scanEndTime: string;
  periodDays: number;
  categories: ScanCategories;
  /** ScanScope 1: these images; 0: every image of the account */
  scope: number;
  images: string[];
  excludeImages: string[];
  containerRunning: boolean;
  /** when it fires next (epoch ms); computed by the caller from the setting and its clock */
  nextRunMs: number;
  lastRunMs?: number;
  lastTaskId?: string;
  /** Success | ImageNeedIsEmpty | InternalError, from the last firing */
  lastResult?: string;
}

/** An image registered by its location, before any scan (AddAssetImage): NOT_SCAN until a task scans it. */
export interface ImageSource {
  imageId: string;
  reference: string;
}

export interface TaskStore {
  /** Registers where an image's bytes are (replacing an earlier location of the same image). */
  setImageSource(account: Account, source: ImageSource): Promise<void>;
  getImageSource(account: Account, imageId: string): Promise<string | undefined>;
  /**
   * Creates the task and one WAIT_SCAN row per image the account has (unknown ids are dropped),
   * attempt 0, bytes to read = the image's Size; the images' Status/ScanStatus become WAIT_SCAN, their
   * progress of the task's categories 0 (the other categories keep theirs), RemainScanTime 0. Returns
   * the tickets to send (one per image). A task with no image is stored END/Success. A taskId the
   * account used before is an error.
   */
  createTask(account: Account, task: NewTask, nowMs: number): Promise<JobTicket[]>;
  getTask(account: Account, taskId: string): Promise<TaskRow | undefined>;
  /** The account's newest task (DescribeAssetImageScanTask), or undefined. */
  latestTask(account: Account): Promise<TaskRow | undefined>;
  taskCounts(account: Account, taskId: string): Promise<TaskCounts | undefined>;
  /** The task's image rows (tests and the console): id, state, attempt, error. */
  taskImages(
    account: Account,
    taskId: string,
  ): Promise<{ imageId: string; state: TaskImageState; attempt: number; error: string }[]>;
  /** Marks that a job was sent for these tickets (so the reaper does not resend them yet). */
  markSent(tickets: JobTicket[], nowMs: number): Promise<void>;
  /**
   * Claims a ticket for `worker` until `leaseUntilMs`: only when the row is WAIT_SCAN with this attempt
   * and the task has not passed its deadline. The row and the image become SCANNING (the task SCANNING).
   */
  claim(ticket: JobTicket, worker: string, leaseUntilMs: number, nowMs: number): Promise<Claimed | undefined>;
  /** Renews the lease and records progress, when the claim still holds; else says why it does not. */
  heartbeat(
    ticket: JobTicket,
    worker: string,
    beat: Heartbeat,
    leaseUntilMs: number,
    nowMs: number,
  ): Promise<HeartbeatVerdict>;
  /**
   * Finishes a claimed scan in one transaction: saves the record (or the error) and sets the row and
   * image final, only if the claim still holds; false (and nothing written) when it does not. Ends the
   * task when this was its last unfinished image.
   */
  complete(ticket: JobTicket, worker: string, done: Completion, nowMs: number): Promise<boolean>;
  /**
   * Stops the selected WAIT_SCAN/SCANNING rows of the account's unfinished tasks: CANCELED, the image
   * CANCELED with its previous results kept; tasks left with nothing unfinished end Cancel. Returns how
   * many rows it stopped. The given parts of the selection all apply; at least one of taskId, imageIds
   * and filter is required (an empty filter selects every image).
   */
  stop(account: Account, selection: StopSelection, nowMs: number): Promise<number>;
  /**
   * Housekeeping any node may run at any time (idempotent, safe concurrently):
   * - SCANNING rows whose lease expired go back to WAIT_SCAN with attempt + 1, or end SCAN_ERR
   *   `worker lost` after `maxAttempts` claims;
   * - unfinished rows of tasks past their deadline end SCAN_ERR `timeout` (the task END/Timeout);
   * - tasks with nothing unfinished end;
   * and returns the WAIT_SCAN tickets whose job was never sent or was sent before `resendBeforeMs`.
   */
  reap(nowMs: number, options: { maxAttempts: number; resendBeforeMs: number }): Promise<JobTicket[]>;
  /** The account's scan setting, or undefined when none was ever made. */
  getScanSetting(account: Account): Promise<ScanSetting | undefined>;
  putScanSetting(account: Account, setting: ScanSetting): Promise<void>;
  /**
   * Settings (any account) enabled and due at `nowMs`, each claimed for this firing: its nextRunMs is
   * moved to `next(setting)` only if nobody else moved it first, so one node fires each due setting once.
   * `next` must return a time after the setting's nextRunMs (else this throws, claiming nothing); the
   * settings returned carry their new nextRunMs.
   */
  claimDueSettings(
    nowMs: number,
    next: (s: ScanSetting) => number,
  ): Promise<{ account: Account; setting: ScanSetting }[]>;
  /** Records a firing's outcome on the setting. */
  settingFired(account: Account, result: { atMs: number; taskId?: string; result: string }): Promise<void>;
  /**
   * Image ids of the account matching the filter, minus `exclude` (task and stop selection), in id
   * order; with `containerRunning`, only images with a running container (ContainerCnt > 0).
   */
  selectImageIds(
    account: Account,
    filter: ImageFilter,
    exclude: string[],
    options?: { containerRunning?: boolean },
  ): Promise<string[]>;
}
