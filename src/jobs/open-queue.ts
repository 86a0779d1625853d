import { isPostgresUrl, maskUrl } from '../store/postgres/postgres-store.js';
import { InProcessQueue } from './in-process/in-process-queue.js';
import { PgBossQueue } from './postgres/pg-boss-queue.js';
import type { JobQueue } from './queue.js';

export interface OpenQueueOptions {
  /** a postgres:// or postgresql:// URL: jobs are shared through that database (pg-boss) */
  databaseUrl?: string;
  /** pg-boss's schema (default `hullscan_jobs`); only with databaseUrl */
  schema?: string;
  /** where queue errors are reported, one line each; default stderr */
  log?: (line: string) => void;
}

/**
 * The job queue, ready to use: on PostgreSQL (PgBossQueue, shared by every process on that database)
 * when a database URL is given, else in this process's memory (InProcessQueue). A URL that is not a
 * PostgreSQL one is an error, not a silent fallback to the in-process queue.
 */
export async function openQueue(options: OpenQueueOptions = {}): Promise<JobQueue> {
  const { databaseUrl, schema, log } = options;
  if (databaseUrl) {
    if (!isPostgresUrl(databaseUrl)) {
      throw new Error(
        `job queue: database URL ${maskUrl(databaseUrl)} is not a PostgreSQL URL (postgres:// or postgresql://)`,
      );
    }
    return PgBossQueue.open({ connectionString: databaseUrl, schema, log });
  }
  return new InProcessQueue({ log });
}
