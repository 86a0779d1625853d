import { randomUUID } from 'node:crypto';
import { failpoint } from '../core/failpoint.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Account, Store } from '../store/store.js';
import type { JobTicket, ScanSetting, StopSelection } from '../store/tasks.js';
import { describeForRegistration } from './add-images.js';
import { type RunnerOptions, runTicket } from './runner.js';
import { nextRunMs, windowMs } from './schedule.js';
import type { SettingInput, TaskRequest, TaskService, TaskStatus } from './service.js';
import type { TaskTiming } from './timing.js';

/** The queue every scan job goes through. */
export const SCAN_QUEUE = 'hullscan-scan';

/** Bytes per second assumed for LeftSeconds before a task has measured its own rate. */
const ASSUMED_RATE = 50 * 1024 * 1024;

export interface TaskSystemOptions {
  store: Store;
  queue: JobQueue;
  timing: TaskTiming;
  timeZone: string;
  /** AddAssetImage accepts references only under these directories */
  imageRoots: string[];
  log: (line: string) => void;
}

/**
 * The job system over the store (durable state) and the queue (delivery): the TaskService the API
 * calls, plus the housekeeping loop every node runs (expired leases, deadlines, unsent jobs, task
 * ends) and the scan-setting scheduler. Any number of nodes may run one over the same database.
 */
export class TaskSystem implements TaskService {
  readonly #o: TaskSystemOptions;
  #timers: NodeJS.Timeout[] = [];
  #reaping: Promise<void> | undefined;
  #scheduling: Promise<void> | undefined;
  #stopped = false;

  constructor(options: TaskSystemOptions) {
    this.#o = options;
  }

  /** Starts housekeeping and the scheduler; `resendSentBefore`: jobs sent before it are presumed lost. */
  async start(resendSentBefore = 0): Promise<void> {
    await this.reap(resendSentBefore);
    const { reapMs, scheduleTickMs } = this.#o.timing;
    this.#timers.push(
      setInterval(() => {
        this.#reaping ??= this.reap().finally(() => {
          this.#reaping = undefined;
        });
      }, reapMs),
      setInterval(() => {
        this.#scheduling ??= this.fireDueSettings().finally(() => {
          this.#scheduling = undefined;
        });
      }, scheduleTickMs),
    );
  }

  /** Runs scan jobs in this process: `concurrency` at once, until stop(). */
  async work(concurrency: number, runner: Omit<RunnerOptions, 'store' | 'timing' | 'log'>): Promise<void> {
    const { store, timing, log } = this.#o;
    await this.#o.queue.work<JobTicket>(SCAN_QUEUE, { concurrency }, (ticket) =>
      runTicket(ticket, { ...runner, store, timing, log }),
    );
  }

  /** Stops housekeeping, the scheduler and this process's workers (running scans get `graceMs`). */
  async shutdown(graceMs = 5000): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.#o.queue.stop(graceMs);
    await Promise.allSettled([this.#reaping, this.#scheduling]);
  }

  /** One housekeeping pass; errors are logged (the next pass retries). */
  async reap(resendSentBefore = 0): Promise<void> {
    const { store, timing, log } = this.#o;
    try {
      const now = Date.now();
      const tickets = await store.reap(now, {
        maxAttempts: timing.maxAttempts,
        resendBeforeMs: Math.max(resendSentBefore, now - timing.resendMs),
      });
      if (tickets.length) await failpoint('reap:before-send');
      await this.#send(tickets);
    } catch (e) {
      if (!this.#stopped) log(`hullscan: task housekeeping failed: ${(e as Error).message}`);
    }
  }

  async #send(tickets: JobTicket[]): Promise<void> {
    if (tickets.length === 0) return;
    await this.#o.queue.enqueue(SCAN_QUEUE, tickets);
    await this.#o.store.markSent(tickets, Date.now());
  }

  async createTask(account: Account, r: TaskRequest): Promise<{ taskId: string; imageCount: number }> {
    const { store } = this.#o;
    const imageIds = r.imageIds
      ? r.imageIds.filter((id) => !r.excludeImageIds.includes(id))
      : await store.selectImageIds(account, r.filter ?? {}, r.excludeImageIds, {
          containerRunning: r.containerRunning,
        });
    return this.#create(account, imageIds, r.categories, r.timeoutSeconds * 1000, 'manual');
  }

  async #create(
    account: Account,
    imageIds: string[],
    categories: TaskRequest['categories'],
    timeoutMs: number,
    origin: 'manual' | 'schedule',
  ): Promise<{ taskId: string; imageCount: number }> {
    const taskId = `task-${randomUUID()}`;
    const now = Date.now();
    const tickets = await this.#o.store.createTask(
      account,
      { taskId, categories, imageIds, deadlineMs: now + timeoutMs, origin },
      now,
    );
    // a crash between the two leaves the tickets unsent: housekeeping sends them
    await failpoint('task:after-create');
    await this.#send(tickets).catch((e) =>
      this.#o.log(`hullscan: queueing task ${taskId} failed (housekeeping retries): ${(e as Error).message}`),
    );
    return { taskId, imageCount: tickets.length };
  }

  async status(account: Account, taskId?: string): Promise<TaskStatus | undefined> {
    const { store } = this.#o;
    const task =
      taskId === undefined ? await store.latestTask(account) : await store.getTask(account, taskId);
    if (!task) return undefined;
    const counts = await store.taskCounts(account, task.taskId);
    if (!counts) return undefined;
    let leftSeconds = 0;
    if (task.status !== 'END' && counts.bytesLeft > 0) {
      const measured =
        counts.busyMs > 0 && counts.bytesDone > 0 ? counts.bytesDone / (counts.busyMs / 1000) : 0;
      const running = Math.max(1, counts.running);
      leftSeconds = Math.ceil(counts.bytesLeft / ((measured || ASSUMED_RATE) * running));
    }
    return { task, counts, leftSeconds };
  }

  stop(account: Account, selection: StopSelection): Promise<number> {
    return this.#o.store.stop(account, selection, Date.now());
  }

  getSetting(account: Account): Promise<ScanSetting | undefined> {
    return this.#o.store.getScanSetting(account);
  }

  async putSetting(account: Account, s: SettingInput): Promise<void> {
    const previous = await this.#o.store.getScanSetting(account);
    const next = nextRunMs(s.scanTime, s.periodDays, Date.now(), this.#o.timing.dayMs);
    await this.#o.store.putScanSetting(account, {
      ...s,
      nextRunMs: next,
      ...(previous?.lastRunMs !== undefined ? { lastRunMs: previous.lastRunMs } : {}),
      ...(previous?.lastTaskId ? { lastTaskId: previous.lastTaskId } : {}),
      ...(previous?.lastResult ? { lastResult: previous.lastResult } : {}),
    });
  }

  /** Creates the tasks of every scan setting due now; each fires on one node only. */
  async fireDueSettings(): Promise<void> {
    const { store, timing, log } = this.#o;
    try {
      const now = Date.now();
      const due = await store.claimDueSettings(now, (s) =>
        nextRunMs(s.scanTime, s.periodDays, now, timing.dayMs, s.nextRunMs),
      );
      for (const { account, setting } of due) {
        try {
          const ids =
            setting.scope === 1
              ? setting.images.filter((id) => !setting.excludeImages.includes(id))
              : await store.selectImageIds(account, {}, setting.excludeImages, {
                  containerRunning: setting.containerRunning,
                });
          const window = windowMs(setting.scanTime, setting.scanEndTime, timing.dayMs) ?? 3600_000;
          const { taskId, imageCount } = await this.#create(
            account,
            ids,
            setting.categories,
            window,
            'schedule',
          );
          await store.settingFired(account, {
            atMs: now,
            taskId,
            result: imageCount > 0 ? 'Success' : 'ImageNeedIsEmpty',
          });
        } catch (e) {
          log(`hullscan: scheduled scan of account ${account.uin} failed: ${(e as Error).message}`);
          await store.settingFired(account, { atMs: now, result: 'InternalError' }).catch(() => {});
        }
      }
    } catch (e) {
      if (!this.#stopped) log(`hullscan: scan scheduler failed: ${(e as Error).message}`);
    }
  }

  async addImages(
    account: Account,
    references: string[],
  ): Promise<{ reference: string; imageId: string; imageName: string }[]> {
    const out = [];
    for (const ref of references) {
      const { reference, record } = await describeForRegistration(ref, this.#o.imageRoots, this.#o.timeZone);
      await this.#o.store.registerImage(account, record);
      await this.#o.store.setImageSource(account, { imageId: record.detail.ImageID, reference });
      out.push({ reference, imageId: record.detail.ImageID, imageName: record.detail.ImageName });
    }
    return out;
  }
}
