import type { JobQueue } from '../queue.js';

/** How long stop() waits for running handlers when the caller names no grace period. */
export const DEFAULT_GRACE_MS = 30_000;

export interface InProcessQueueOptions {
  /** Where a failed handler's error is reported (one line each); default stderr. */
  log?: (line: string) => void;
}

interface Registration {
  concurrency: number;
  running: number;
  handler: (job: object) => Promise<void>;
}

interface NamedQueue {
  jobs: object[];
  registrations: Registration[];
}

/**
 * The embedded job queue (the default without PostgreSQL): jobs live in this process's memory only.
 * Each queue name is FIFO; jobs enqueued before anyone works the queue wait for the first work().
 * Every work() call runs up to its `concurrency` handlers at once, and a handler starts as soon as a
 * job and a free slot meet (no polling). A handler that throws is logged and its job dropped; the loop
 * goes on. Jobs are copied through JSON on enqueue, so handlers see what a PostgreSQL queue would give
 * them and the caller's later changes to the objects do not leak in.
 */
export class InProcessQueue implements JobQueue {
  readonly #queues = new Map<string, NamedQueue>();
  readonly #running = new Set<Promise<void>>();
  readonly #log: (line: string) => void;
  #stopped = false;

  constructor(options: InProcessQueueOptions = {}) {
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  #queue(name: string): NamedQueue {
    let q = this.#queues.get(name);
    if (!q) {
      q = { jobs: [], registrations: [] };
      this.#queues.set(name, q);
    }
    return q;
  }

  async enqueue<T extends object>(name: string, jobs: T[]): Promise<void> {
    const q = this.#queue(name);
    for (const job of jobs) {
      const copy: unknown = JSON.parse(JSON.stringify(job));
      if (copy === null || typeof copy !== 'object') {
        throw new Error(`job queue ${name}: a job must be a JSON object, got ${JSON.stringify(job)}`);
      }
      q.jobs.push(copy);
    }
    this.#dispatch(name, q);
  }

  async work<T extends object>(
    name: string,
    options: { concurrency: number },
    handler: (job: T) => Promise<void>,
  ): Promise<void> {
    if (this.#stopped) throw new Error(`job queue ${name}: cannot work a stopped queue`);
    const { concurrency } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(`job queue ${name}: concurrency must be a positive integer, got ${concurrency}`);
    }
    const q = this.#queue(name);
    q.registrations.push({ concurrency, running: 0, handler: handler as (job: object) => Promise<void> });
    this.#dispatch(name, q);
  }

  /** Starts handlers while the queue has jobs and some registration a free slot (oldest job first). */
  #dispatch(name: string, q: NamedQueue): void {
    for (const r of q.registrations) {
      while (!this.#stopped && r.running < r.concurrency && q.jobs.length > 0) {
        const job = q.jobs.shift()!;
        r.running++;
        const run = this.#run(name, r, job).finally(() => {
          this.#running.delete(run);
          r.running--;
          this.#dispatch(name, q);
        });
        this.#running.add(run);
      }
    }
  }

  async #run(name: string, r: Registration, job: object): Promise<void> {
    try {
      await r.handler(job);
    } catch (e) {
      try {
        this.#log(`job queue ${name}: job failed: ${e instanceof Error ? e.message : String(e)}`);
      } catch {
        // a failing logger must not stop the queue either
      }
    }
  }

  /**
   * Stops starting jobs (queued ones stay queued, unhandled) and resolves once the running handlers
   * finished or `graceMs` passed, whichever is first; handlers still running then go on unobserved.
   */
  async stop(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    this.#stopped = true;
    if (this.#running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, graceMs));
      }),
    ]);
    clearTimeout(timer);
  }
}
