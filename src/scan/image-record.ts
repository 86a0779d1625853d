import type { ImageConfigJson } from '../core/image.js';
import type { Account, ImageRecord, Store } from '../store/store.js';
import { type FindingScans, INVENTORY_ONLY, imageDetail } from './detail.js';
import type { ScanResult } from './scan-image.js';

/**
 * What a scan leaves in the store: the detail, components, names and layers, and the risk and virus
 * rows of the categories in `scans` (a category that did not run has none, and its detail says so).
 */
export function imageRecord(
  r: ScanResult,
  timeZone: string,
  scans: FindingScans = INVENTORY_ONLY,
): ImageRecord {
  return {
    detail: imageDetail(r, timeZone, scans),
    components: r.components,
    names: r.manifest.names,
    layers: withHistoryIndexes(
      r.layers.map((l) => ({ diffID: l.diffID, size: l.size })),
      r.manifest.config,
    ),
    ...(scans.risk ? { risks: r.risks } : {}),
    ...(scans.virus ? { viruses: r.viruses } : {}),
  };
}

/**
 * The layers (bottom first), each with the index of the config history entry that created it: the
 * entries not marked `empty_layer` take the layers in order, by position (as historyLayers pairs them;
 * two layers may share a diffID). When their count is not the layer count, no layer gets an index.
 */
export function withHistoryIndexes<L extends { diffID: string; size: number }>(
  layers: L[],
  config: ImageConfigJson,
): (L & { historyIndex?: number })[] {
  const creating = (config.history ?? []).flatMap((h, i) => (h.empty_layer ? [] : [i]));
  if (creating.length !== layers.length) return layers;
  return layers.map((l, i) => ({ ...l, historyIndex: creating[i]! }));
}

/** Saves a scan under `account` (atomically, replacing an earlier scan of the same image). */
export function saveScan(
  store: Store,
  account: Account,
  r: ScanResult,
  timeZone: string,
  scans: FindingScans = INVENTORY_ONLY,
): Promise<void> {
  return store.saveImage(account, imageRecord(r, timeZone, scans));
}
