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
    layers: r.layers.map((l) => ({ diffID: l.diffID, size: l.size })),
    ...(scans.risk ? { risks: r.risks } : {}),
    ...(scans.virus ? { viruses: r.viruses } : {}),
  };
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
