import type { Account, ImageFilter } from '../store/store.js';
import type { ScanCategories, ScanSetting, StopSelection, TaskCounts, TaskRow } from '../store/tasks.js';

/** CreateAssetImageScanTask's selection, validated: the listed images, or all/filtered ones minus exclusions. */
export interface TaskRequest {
  /** ScanScope 1 / Images: exactly these ids (unknown ones are ignored) */
  imageIds?: string[];
  /** Filters (DescribeAssetImageList's); with neither imageIds nor filter, every image of the account */
  filter?: ImageFilter;
  excludeImageIds: string[];
  containerRunning: boolean;
  categories: ScanCategories;
  /** Timeout in seconds (default 3600) */
  timeoutSeconds: number;
}

/** DescribeAssetImageScanStatus's answer for one task. */
export interface TaskStatus {
  task: TaskRow;
  counts: TaskCounts;
  /** LeftSeconds: bytes left ÷ the task's measured rate (0 when done; an estimate from the image sizes before any scan finished) */
  leftSeconds: number;
}

/** The scan setting as the API shows it (times `HH:MM`). */
export type SettingInput = Omit<ScanSetting, 'nextRunMs' | 'lastRunMs' | 'lastTaskId' | 'lastResult'>;

/** What the API layer asks of the job system; one implementation over the store and the queue. */
export interface TaskService {
  /** Stores the task, marks its images WAIT_SCAN and queues them; resolves to the TaskID. */
  createTask(account: Account, request: TaskRequest): Promise<{ taskId: string; imageCount: number }>;
  /** The task's status, or the account's latest task's when taskId is undefined; undefined when none. */
  status(account: Account, taskId?: string): Promise<TaskStatus | undefined>;
  /** Stops the selected images' scans (running ones within a second); how many were stopped. */
  stop(account: Account, selection: StopSelection): Promise<number>;
  getSetting(account: Account): Promise<ScanSetting | undefined>;
  /** Saves the periodic scan setting; the scheduler fires it at ScanTime (UTC) every ScanPeriod days. */
  putSetting(account: Account, setting: SettingInput): Promise<void>;
  /**
   * hullscan's AddAssetImage: registers images by reference (`oci:DIR[:TAG]`, `docker-archive:FILE`…)
   * so tasks can scan them; each is opened to learn its ID, names and size, and stored NOT_SCAN (or keeps
   * its earlier results). References outside the server's allowed image roots are refused (BadInputError).
   */
  addImages(
    account: Account,
    references: string[],
  ): Promise<{ reference: string; imageId: string; imageName: string }[]>;
}
