import type { Account, ImageRecord, Store } from '../store/store.js';
import { imageDetail } from './detail.js';
import type { ScanResult } from './scan-image.js';

/** What a scan leaves in the store: the detail, components, names and layers. */
export function imageRecord(r: ScanResult, timeZone: string): ImageRecord {
  return {
    detail: imageDetail(r, timeZone),
    components: r.components,
    names: r.manifest.names,
    layers: r.layers.map((l) => ({ diffID: l.diffID, size: l.size })),
  };
}

/** Saves a scan under `account` (atomically, replacing an earlier scan of the same image). */
export function saveScan(store: Store, account: Account, r: ScanResult, timeZone: string): Promise<void> {
  return store.saveImage(account, imageRecord(r, timeZone));
}
