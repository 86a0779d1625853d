/**
 * A job queue (DESIGN §2 `JobQueue`): in-process (the embedded default) or on PostgreSQL (pg-boss), for
 * several `hullscan worker` processes on several machines. Jobs are small JSON values; delivery is at
 * least once (a job may be handled twice, e.g. after its worker died), so handlers are idempotent —
 * the task store's conditional claims make them so.
 */
export interface JobQueue {
  /** Sends jobs to the named queue; resolves once they are durably queued (PostgreSQL) or queued (in-process). */
  enqueue<T extends object>(name: string, jobs: T[]): Promise<void>;
  /**
   * Handles the named queue's jobs with up to `concurrency` handlers at once until stop(). A handler
   * that throws fails its job (no retry: the task reaper decides what to resend).
   */
  work<T extends object>(
    name: string,
    options: { concurrency: number },
    handler: (job: T) => Promise<void>,
  ): Promise<void>;
  /** Stops taking jobs; waits up to `graceMs` for running handlers, then resolves. */
  stop(graceMs?: number): Promise<void>;
}
