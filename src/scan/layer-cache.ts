import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LayerAnalysis } from '../core/analyzer.js';
import type { LayerMeta } from '../walk/walk-layer.js';

/** Bump when LayerMeta's meaning changes. */
export const WALK_VERSION = 1;

/** A live claim's holder touches it this often… */
export const CLAIM_HEARTBEAT_MS = 5_000;
/** …so one untouched for this long is abandoned (a killed process, another host, a reused pid). */
export const STALE_CLAIM_MS = 60_000;

/** Whether a claim file's owner is gone: a dead process on this host, or a claim too old to trust. */
function abandoned(text: string, mtimeMs: number, now: number): boolean {
  const [pid, host] = text.split(' ');
  if (host === hostname() && pid && /^\d+$/.test(pid)) {
    try {
      process.kill(Number(pid), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
  }
  return now - mtimeMs > STALE_CLAIM_MS;
}

/**
 * Where layer analyses are kept between scans, and who may walk a layer right now: the data
 * directory's files (LayerCache) or a PostgreSQL table shared by workers on several machines.
 * A missing or unreadable entry is a miss, never an error.
 */
export interface LayerCacheStore {
  getMeta(diffID: string): Promise<LayerMeta | undefined>;
  putMeta(meta: LayerMeta): Promise<void>;
  getAnalysis(diffID: string, analyzer: string, version: number): Promise<LayerAnalysis | undefined>;
  putAnalysis(diffID: string, a: LayerAnalysis): Promise<void>;
  /**
   * Waits until no other live holder walks the layer, then holds it until the returned release is
   * called; a holder that died (process killed, connection lost) stops holding it. The caller re-reads
   * the cache after the claim: the other holder may have filled it.
   */
  claim(diffID: string, signal?: AbortSignal): Promise<() => Promise<void>>;
}

/**
 * Findings per (layer diffID, analyzer, analyzer version) in the data directory, one JSON file each,
 * written atomically (temp file + rename) and only after the layer's digests verified.
 * A missing or unreadable entry is a miss, never an error.
 */
export class LayerCache implements LayerCacheStore {
  constructor(readonly dir: string) {}

  private path(diffID: string, key: string): string {
    const hex = diffID.replace(/^sha256:/, '');
    if (!/^[a-f0-9]{64}$/.test(hex)) throw new Error(`bad diffID ${diffID}`);
    if (!/^[a-z0-9@._-]+$/i.test(key)) throw new Error(`bad cache key ${key}`);
    return join(this.dir, 'layers', hex.slice(0, 2), hex, `${key}.json`);
  }

  private async get<T>(diffID: string, key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path(diffID, key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private async put(diffID: string, key: string, value: unknown): Promise<void> {
    const p = this.path(diffID, key);
    await mkdir(join(p, '..'), { recursive: true });
    const tmp = `${p}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, p);
  }

  getMeta(diffID: string): Promise<LayerMeta | undefined> {
    return this.get<LayerMeta>(diffID, `walk@${WALK_VERSION}`);
  }

  putMeta(meta: LayerMeta): Promise<void> {
    return this.put(meta.diffID, `walk@${WALK_VERSION}`, meta);
  }

  getAnalysis(diffID: string, analyzer: string, version: number): Promise<LayerAnalysis | undefined> {
    return this.get<LayerAnalysis>(diffID, `${analyzer}@${version}`);
  }

  putAnalysis(diffID: string, a: LayerAnalysis): Promise<void> {
    return this.put(diffID, `${a.analyzer}@${a.version}`, a);
  }

  /**
   * Claims a layer for analysis, so two scans sharing this data directory (two processes, or two
   * images with a common layer in one process) never walk it at the same time: waits while another
   * live claim holds it, takes over a claim whose process died (or that its holder stopped touching
   * for STALE_CLAIM_MS: the holder touches it every CLAIM_HEARTBEAT_MS), and resolves to the release
   * function. The caller re-reads the cache after the
   * claim: the other holder may have filled it.
   */
  async claim(diffID: string, signal?: AbortSignal): Promise<() => Promise<void>> {
    const file = this.path(diffID, 'claim');
    await mkdir(join(file, '..'), { recursive: true });
    for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
      signal?.throwIfAborted();
      try {
        const h = await open(file, 'wx');
        try {
          await h.writeFile(`${process.pid} ${hostname()} ${Date.now()}`);
        } finally {
          await h.close();
        }
        let released = false;
        const beat = setInterval(() => {
          const now = new Date();
          utimes(file, now, now).catch(() => {});
        }, CLAIM_HEARTBEAT_MS);
        beat.unref();
        return async () => {
          if (released) return;
          released = true;
          clearInterval(beat);
          await unlink(file).catch(() => {});
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      try {
        const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
        if (abandoned(text, st.mtimeMs, Date.now())) {
          await unlink(file).catch(() => {});
          continue;
        }
      } catch {
        continue; // released between our tries
      }
      await sleep(pause, undefined, { signal }).catch(() => signal?.throwIfAborted());
    }
  }
}
