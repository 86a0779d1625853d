import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import type { VulnDb } from '../vulndb/vulndb.js';
import { openVulnDbIfPresent, rematchAll } from './match-image.js';

/** `DIR/vulndb.matched`: the vulndb version the stored images were last re-matched against. */
export function matchedVersionFile(dataDir: string): string {
  return join(dataDir, 'vulndb.matched');
}

/** The version recorded by the last complete re-match of the data directory, 0 when none. */
export async function readMatchedVersion(dataDir: string): Promise<number> {
  try {
    const n = Number((await readFile(matchedVersionFile(dataDir), 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Records that every stored image was re-matched against `version` (atomic replace). */
export async function writeMatchedVersion(dataDir: string, version: number): Promise<void> {
  const file = matchedVersionFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${version}\n`);
  await rename(tmp, file);
}

export interface BackgroundRematchOptions {
  dataDir: string;
  store: Store;
  timeZone: string;
  /** how often the vulndb's current version is checked; the first check runs at once */
  intervalMs: number;
  log: (line: string) => void;
}

export interface BackgroundRematcher {
  /** Resolves when the check in progress (if any) has finished or been cut short at a page boundary. */
  stop(): Promise<void>;
}

class Stopped extends Error {}

/**
 * Watches the data directory's vulndb and, when its current version differs from the one last matched
 * (`vulndb.matched`), re-matches every stored image in the background: one run at a time, between
 * requests (each image is its own store transaction), errors logged by message only. A run cut short
 * by stop() or an error leaves the recorded version as it was, so the next check starts it again.
 */
export function startBackgroundRematch(options: BackgroundRematchOptions): BackgroundRematcher {
  const { dataDir, store, timeZone, intervalMs, log } = options;
  let db: VulnDb | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function check(): Promise<void> {
    db ??= await openVulnDbIfPresent(dataDir);
    if (!db) return;
    const version = await db.currentVersion();
    if (version === 0 || version === (await readMatchedVersion(dataDir))) return;
    const started = performance.now();
    const r = await rematchAll(store, db, timeZone, () => {
      if (stopped) throw new Stopped();
    });
    // a newer import during the run is caught by the next check
    await writeMatchedVersion(dataDir, version);
    log(
      `hullscan: re-matched ${r.images} stored images against vulndb version ${version}: ${r.vulnerabilities} vulnerabilities (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }

  function tick(): void {
    if (stopped || running) return;
    running = check()
      .catch((e: unknown) => {
        if (e instanceof Stopped) return;
        log(`hullscan: background re-match failed: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  }

  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await db?.close();
    },
  };
}
