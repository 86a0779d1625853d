import PgBoss from 'pg-boss';
import { maskUrl } from '../../store/postgres/postgres-store.js';
import { DEFAULT_GRACE_MS } from '../in-process/in-process-queue.js';
import type { JobQueue } from '../queue.js';

/** pg-boss's own schema when the caller names none. */
export const DEFAULT_JOB_SCHEMA = 'hullscan_jobs';

/**
 * How long a fetched job may stay active before pg-boss fails it (pg-boss 10 caps this below 24 h).
 * A worker killed mid-job is recovered long before by the task reaper (src/store/tasks.ts reap), which
 * resends the ticket as a new job: pg-boss itself never retries (retryLimit 0).
 */
const EXPIRE_IN_SECONDS = 23 * 60 * 60;
/** Completed and failed jobs leave the job table this soon (moved to pg-boss's archive)… */
const ARCHIVE_AFTER_SECONDS = 15 * 60;
/** …and the archive forgets them after this many days. */
const DELETE_ARCHIVED_AFTER_DAYS = 1;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;

export interface PgBossQueueOptions {
  /** a postgres:// or postgresql:// URL */
  connectionString: string;
  /** pg-boss's tables live here, created or migrated by open(); default `hullscan_jobs` */
  schema?: string;
  /** how often an idle worker looks for jobs another process queued; default 0.5 (pg-boss's minimum) */
  pollingIntervalSeconds?: number;
  /** where pg-boss and handler errors are reported, one line each; default stderr */
  log?: (line: string) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The job queue on PostgreSQL through pg-boss 10: jobs are rows in `schema`, so every PgBossQueue
 * opened on the same database and schema (several processes, several machines) shares them, and
 * pg-boss's `FOR UPDATE SKIP LOCKED` fetch hands each job to one of them (at least once overall: a job
 * whose worker died stays active until it expires; the task reaper resends its ticket meanwhile).
 *
 * work() with concurrency N runs N independent loops that each fetch one job, run the handler, mark the
 * job completed or failed, and fetch again: one slow job never holds the others back. An idle loop looks
 * again every `pollingIntervalSeconds`, and at once when this instance enqueues to its queue. The loops
 * are ours rather than pg-boss's work(): pg-boss 10's worker does not await its complete()/fail() calls,
 * so a database error at that moment would be an unhandled rejection and end the process. Here every
 * pg-boss error (its 'error' event, a failed complete/fail) goes to `log`; none ends the process.
 */
export class PgBossQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #log: (line: string) => void;
  readonly #pollMs: number;
  /** createQueue() of each name, once per instance (pg-boss needs the queue before send or fetch) */
  readonly #created = new Map<string, Promise<void>>();
  readonly #loops = new Set<Promise<void>>();
  /** the jobs handlers run right now, by id, with their queue name */
  readonly #active = new Map<string, string>();
  /** idle loops' wake-up calls, by queue name */
  readonly #idle = new Map<string, Set<() => void>>();
  #stopping = false;
  #stopped: Promise<void> | undefined;

  private constructor(boss: PgBoss, options: PgBossQueueOptions) {
    this.#boss = boss;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#pollMs = (options.pollingIntervalSeconds ?? 0.5) * 1000;
  }

  /** Connects, creates or migrates pg-boss's schema, and starts pg-boss's maintenance (archiving). */
  static async open(options: PgBossQueueOptions): Promise<PgBossQueue> {
    const schema = options.schema ?? DEFAULT_JOB_SCHEMA;
    if (!SCHEMA_NAME.test(schema)) {
      throw new Error(`job queue: "${schema}" is not a plain schema name (letters, digits, _; at most 50)`);
    }
    const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 0.5;
    if (!(pollingIntervalSeconds >= 0.5)) {
      throw new Error(
        `job queue: pollingIntervalSeconds must be at least 0.5, got ${pollingIntervalSeconds}`,
      );
    }
    const boss = new PgBoss({
      connectionString: options.connectionString,
      schema,
      application_name: 'hullscan',
      migrate: true,
      supervise: true,
      schedule: false,
      retryLimit: 0,
      expireInSeconds: EXPIRE_IN_SECONDS,
      archiveCompletedAfterSeconds: ARCHIVE_AFTER_SECONDS,
      archiveFailedAfterSeconds: ARCHIVE_AFTER_SECONDS,
      deleteAfterDays: DELETE_ARCHIVED_AFTER_DAYS,
      pollingIntervalSeconds,
    });
    const queue = new PgBossQueue(boss, { ...options, pollingIntervalSeconds });
    boss.on('error', (e) => queue.#report(`job queue: ${message(e)}`));
    try {
      await boss.start();
    } catch (cause) {
      await boss.stop({ graceful: false }).catch(() => {});
      throw new Error(`job queue: cannot start pg-boss on ${maskUrl(options.connectionString)} (${schema})`, {
        cause,
      });
    }
    return queue;
  }

  #report(line: string): void {
    try {
      this.#log(line);
    } catch {
      // a failing logger must not stop the queue
    }
  }

  #ensureQueue(name: string): Promise<void> {
    let created = this.#created.get(name);
    if (!created) {
      created = this.#boss.createQueue(name, {
        name,
        retryLimit: 0,
        expireInSeconds: EXPIRE_IN_SECONDS,
      });
      created.catch(() => this.#created.delete(name));
      this.#created.set(name, created);
    }
    return created;
  }

  /** Inserts all jobs in one statement (one round trip), then wakes this instance's idle loops. */
  async enqueue<T extends object>(name: string, jobs: T[]): Promise<void> {
    if (this.#stopping) throw new Error(`job queue ${name}: cannot enqueue on a stopped queue`);
    await this.#ensureQueue(name);
    if (jobs.length === 0) return;
    await this.#boss.insert(
      jobs.map((data) => ({ name, data, retryLimit: 0, expireInSeconds: EXPIRE_IN_SECONDS })),
    );
    for (const wake of [...(this.#idle.get(name) ?? [])]) wake();
  }

  async work<T extends object>(
    name: string,
    options: { concurrency: number },
    handler: (job: T) => Promise<void>,
  ): Promise<void> {
    if (this.#stopping) throw new Error(`job queue ${name}: cannot work a stopped queue`);
    const { concurrency } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(`job queue ${name}: concurrency must be a positive integer, got ${concurrency}`);
    }
    await this.#ensureQueue(name);
    for (let i = 0; i < concurrency; i++) {
      const loop = this.#loop(name, handler).finally(() => this.#loops.delete(loop));
      this.#loops.add(loop);
    }
  }

  async #loop<T extends object>(name: string, handler: (job: T) => Promise<void>): Promise<void> {
    while (!this.#stopping) {
      let job: PgBoss.Job<T> | undefined;
      try {
        [job] = await this.#boss.fetch<T>(name, { batchSize: 1 });
      } catch (e) {
        this.#report(`job queue ${name}: fetch failed: ${message(e)}`);
      }
      if (!job) {
        await this.#sleep(name);
        continue;
      }
      this.#active.set(job.id, name);
      try {
        await handler(job.data);
      } catch (e) {
        this.#report(`job queue ${name}: job ${job.id} failed: ${message(e)}`);
        if (this.#active.delete(job.id)) await this.#settle('fail', name, job.id, { message: message(e) });
        continue;
      }
      if (this.#active.delete(job.id)) await this.#settle('complete', name, job.id);
    }
  }

  /** Marks a job done in pg-boss; a failure (database unreachable) is logged: the job expires later. */
  async #settle(how: 'complete' | 'fail', name: string, id: string, data?: object): Promise<void> {
    try {
      if (how === 'complete') await this.#boss.complete(name, id);
      else await this.#boss.fail(name, id, data ?? {});
    } catch (e) {
      this.#report(`job queue ${name}: cannot mark job ${id} ${how}d: ${message(e)}`);
    }
  }

  /** Waits one polling interval, less when this instance enqueues to `name` or stops. */
  #sleep(name: string): Promise<void> {
    return new Promise((resolve) => {
      let wakers = this.#idle.get(name);
      if (!wakers) {
        wakers = new Set();
        this.#idle.set(name, wakers);
      }
      const set = wakers;
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.#pollMs);
      set.add(wake);
    });
  }

  /**
   * Stops fetching, waits up to `graceMs` for running handlers, marks the jobs of handlers still
   * running as failed (their tickets go back through the reaper), and closes pg-boss's connections.
   */
  stop(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    this.#stopped ??= this.#stop(graceMs);
    return this.#stopped;
  }

  async #stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const wakers of this.#idle.values()) for (const wake of [...wakers]) wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#loops]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, graceMs));
      }),
    ]);
    clearTimeout(timer);
    const abandoned = [...this.#active];
    this.#active.clear();
    for (const [id, name] of abandoned) {
      await this.#settle('fail', name, id, { message: 'worker stopped before the job finished' });
    }
    try {
      await this.#boss.stop({ graceful: false, close: true });
    } catch (e) {
      this.#report(`job queue: stopping pg-boss failed: ${message(e)}`);
    }
  }
}
