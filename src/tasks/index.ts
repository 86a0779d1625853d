import pg from 'pg';
import { openQueue } from '../jobs/open-queue.js';
import type { LayerCacheStore } from '../scan/layer-cache.js';
import { PgLayerCache } from '../scan/pg-layer-cache.js';
import type { VirusOptions } from '../scan/scanners.js';
import { virusOptions } from '../scan/scanners.js';
import type { Store } from '../store/store.js';
import type { JobTicket } from '../store/tasks.js';
import { workerName } from './runner.js';
import type { ImageOpener } from './scan-job.js';
import type { TaskService } from './service.js';
import { TaskSystem } from './task-system.js';
import { DEFAULT_TIMING, type TaskTiming } from './timing.js';

export { SCAN_QUEUE, TaskSystem } from './task-system.js';
export { DEFAULT_TIMING, type TaskTiming, taskTiming, timingFrom } from './timing.js';

/**
 * The schemas of the queue and the shared layer cache, beside the store's: `hullscan_jobs` and
 * `hullscan_layers` for a store in `public`, else `<schema>_jobs` and `<schema>_layers` — so two
 * deployments (or test runs) in one database, each in its own schema, never take each other's jobs.
 */
export async function sideSchemas(databaseUrl: string): Promise<{ jobs: string; layers: string }> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ s: string | null }>('select current_schema() as s');
    const schema = rows[0]?.s ?? 'public';
    const base = schema === 'public' ? 'hullscan' : schema;
    return { jobs: `${base}_jobs`, layers: `${base}_layers` };
  } finally {
    await client.end().catch(() => {});
  }
}

export interface StartTaskSystemOptions {
  store: Store;
  dataDir: string;
  timeZone: string;
  /** PostgreSQL: the queue (pg-boss) and the shared layer cache live there; else in-process and files */
  databaseUrl?: string;
  /** scan workers in this process (default 2; 0 = an API node that only queues) */
  workers?: number;
  /** AddAssetImage accepts references only under these directories */
  imageRoots?: string[];
  timing?: Partial<TaskTiming>;
  virus?: VirusOptions;
  /** opens `docker://` references of an account's registries (with their credentials) */
  openImage?: ImageOpener;
  log?: (line: string) => void;
  onScanned?: (s: { ticket: JobTicket; layersRead: number; layersCached: number; bytesRead: number }) => void;
}

export interface RunningTaskSystem {
  service: TaskService;
  system: TaskSystem;
  /** this process's worker name (in task rows while it scans) */
  worker: string;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the job system of one node: housekeeping and scheduler always, `workers` scan workers when
 * asked. With a database URL the queue and the layer cache are PostgreSQL's, shared by every node;
 * without, the queue is in-process and, since its jobs died with any earlier process, every job sent
 * before this start is sent again.
 */
export async function startTaskSystem(o: StartTaskSystemOptions): Promise<RunningTaskSystem> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timing = { ...DEFAULT_TIMING, ...o.timing };
  const startedAt = Date.now();
  const side = o.databaseUrl ? await sideSchemas(o.databaseUrl) : undefined;
  const queue = await openQueue({ databaseUrl: o.databaseUrl, schema: side?.jobs, log });
  let layerCache: (LayerCacheStore & { close(): Promise<void> }) | undefined;
  const system = new TaskSystem({
    store: o.store,
    queue,
    timing,
    timeZone: o.timeZone,
    imageRoots: o.imageRoots ?? [],
    log,
  });
  const worker = workerName();
  try {
    const workers = o.workers ?? 2;
    if (workers > 0) {
      if (o.databaseUrl) layerCache = await PgLayerCache.open(o.databaseUrl, { schema: side?.layers });
      await system.work(workers, {
        dataDir: o.dataDir,
        timeZone: o.timeZone,
        worker,
        layerCache,
        openImage: o.openImage,
        virus: o.virus ?? virusOptions({}),
        onScanned: o.onScanned,
      });
    }
    await system.start(o.databaseUrl ? 0 : startedAt);
  } catch (e) {
    await system.shutdown(0).catch(() => {});
    await layerCache?.close().catch(() => {});
    throw e;
  }
  return {
    service: system,
    system,
    worker,
    async stop(graceMs = 5000) {
      await system.shutdown(graceMs);
      await layerCache?.close();
    },
  };
}
