import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { failpoint } from '../core/failpoint.js';
import type { LayerCacheStore } from '../scan/layer-cache.js';
import type { ScanProgress } from '../scan/scan-image.js';
import type { VirusOptions } from '../scan/scanners.js';
import type { Store } from '../store/store.js';
import type { Completion, HeartbeatVerdict, JobTicket } from '../store/tasks.js';
import { type ImageOpener, scanClaimed } from './scan-job.js';
import type { TaskTiming } from './timing.js';

/** A worker's name in the store: host, pid and a random part (a restarted process is a new worker). */
export function workerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface RunnerOptions {
  store: Store;
  dataDir: string;
  timeZone: string;
  timing: TaskTiming;
  worker: string;
  layerCache?: LayerCacheStore;
  openImage?: ImageOpener;
  virus: VirusOptions;
  log: (line: string) => void;
  /** called after each scan this runner finished (tests and benchmarks count layer reads) */
  onScanned?: (s: { ticket: JobTicket; layersRead: number; layersCached: number; bytesRead: number }) => void;
}

/** Why a scan was aborted by its own heartbeat or deadline. */
class Halt extends Error {
  constructor(readonly verdict: Exclude<HeartbeatVerdict, 'ok'>) {
    super(verdict === 'timeout' ? 'timeout' : `scan ${verdict}`);
  }
}

/**
 * Handles one queued ticket: claims it (a duplicate, late or replayed job claims nothing and is
 * dropped), scans with a heartbeat that renews the lease, reports progress and RemainScanTime, and
 * aborts the scan within one heartbeat when the task is stopped, times out or the claim is lost;
 * then completes it in one transaction — or leaves it to the reaper when the claim is gone.
 */
export async function runTicket(ticket: JobTicket, o: RunnerOptions): Promise<void> {
  const { store, timing, worker } = o;
  const claimed = await store.claim(ticket, worker, Date.now() + timing.leaseMs, Date.now());
  if (!claimed) return;
  const abort = new AbortController();
  const started = Date.now();
  let progress: ScanProgress = { bytesRead: 0, bytesTotal: claimed.size, layersDone: 0, layersTotal: 0 };
  let halted: Halt | undefined;
  const halt = (h: Halt) => {
    if (halted) return;
    halted = h;
    abort.abort(h);
  };
  let beating = false;
  const beat = async () => {
    if (beating || halted) return;
    beating = true;
    try {
      const elapsed = (Date.now() - started) / 1000;
      const left = Math.max(0, progress.bytesTotal - progress.bytesRead);
      const rate = elapsed > 0 && progress.bytesRead > 0 ? progress.bytesRead / elapsed : 0;
      const verdict = await store.heartbeat(
        ticket,
        worker,
        {
          bytesDone: progress.bytesRead,
          bytesTotal: progress.bytesTotal,
          remainSeconds: rate > 0 ? Math.ceil(left / rate) : 0,
        },
        Date.now() + timing.leaseMs,
        Date.now(),
      );
      if (verdict !== 'ok') halt(new Halt(verdict));
    } catch (e) {
      // a database hiccup: the lease has slack for a few missed beats; the reaper decides if it runs out
      o.log(`hullscan: heartbeat of ${ticket.imageId} failed: ${(e as Error).message}`);
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(beat, timing.heartbeatMs);
  const deadline = setTimeout(() => halt(new Halt('timeout')), Math.max(0, claimed.deadlineMs - Date.now()));
  let done: Completion;
  try {
    const outcome = await scanClaimed(claimed, {
      store,
      dataDir: o.dataDir,
      timeZone: o.timeZone,
      layerCache: o.layerCache,
      openImage: o.openImage,
      virus: o.virus,
      signal: abort.signal,
      onProgress: (p) => {
        progress = p;
        // fault tests kill the worker here: a layer half read
        if (p.bytesRead > 0 && p.bytesRead < p.bytesTotal) void failpoint('scan:mid-layer');
      },
    });
    if (halted) throw halted;
    if (outcome.kind === 'record') {
      done = { record: outcome.record, bytesDone: outcome.bytesRead };
      o.onScanned?.({
        ticket,
        layersRead: outcome.layersRead,
        layersCached: outcome.layersCached,
        bytesRead: outcome.bytesRead,
      });
    } else {
      done = {
        vulnerabilities: outcome.vulnerabilities,
        reason: outcome.reason,
        solution: outcome.solution,
        bytesDone: 0,
      };
    }
  } catch (e) {
    const h = halted ?? (e instanceof Halt ? e : undefined);
    // stopped or taken over: the stop (or the new owner) already said what became of the image
    if (h && h.verdict !== 'timeout') return;
    done = { error: h ? 'timeout' : oneLine(e), bytesDone: progress.bytesRead };
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
  }
  const saved = await store.complete(ticket, worker, done, Date.now());
  if (!saved)
    o.log(
      `hullscan: scan of ${ticket.imageId} (task ${ticket.taskId}) finished after its claim was lost; discarded`,
    );
}

/** An error's message on one line, without stack or nested causes' noise. */
function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s+/g, ' ').trim().slice(0, 500) || 'scan failed';
}
