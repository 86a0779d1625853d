import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerAnalysis } from '../core/analyzer.js';
import type { LayerMeta } from '../walk/walk-layer.js';

/** Bump when LayerMeta's meaning changes. */
export const WALK_VERSION = 1;

/**
 * Findings per (layer diffID, analyzer, analyzer version) in the data directory, one JSON file each,
 * written atomically (temp file + rename) and only after the layer's digests verified.
 * A missing or unreadable entry is a miss, never an error.
 */
export class LayerCache {
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
}
