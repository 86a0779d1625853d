import { BadInputError } from '../core/errors.js';
import type { ImageSource } from '../core/image.js';
import {
  openVulnDbIfPresent,
  osFromName,
  vulnerabilitiesOf,
  withVulnerabilities,
} from '../match/match-image.js';
import { imageRecord } from '../scan/image-record.js';
import type { LayerCacheStore } from '../scan/layer-cache.js';
import { type ScanProgress, scanSource } from '../scan/scan-image.js';
import { scannerPlan, type VirusOptions } from '../scan/scanners.js';
import { openSource } from '../sources/open-source.js';
import type { Account, ImageRecord, Store, VulnerabilityRow } from '../store/store.js';
import type { Claimed } from '../store/tasks.js';

/**
 * Opens an image reference a plain openSource cannot (`docker://` images of an account's registry,
 * with that registry's credentials); undefined when the reference is not one it handles.
 */
export type ImageOpener = (
  account: Account,
  reference: string,
  signal: AbortSignal,
) => Promise<ImageSource | undefined>;

export interface ScanJobOptions {
  store: Store;
  openImage?: ImageOpener;
  dataDir: string;
  timeZone: string;
  layerCache?: LayerCacheStore;
  virus: VirusOptions;
  signal: AbortSignal;
  onProgress: (p: ScanProgress) => void;
}

/** What a scan of one claimed image produced. */
export type ScanOutcome =
  | {
      kind: 'record';
      record: ImageRecord;
      bytesRead: number;
      layersCached: number;
      layersRead: number;
    }
  /** an index-only image (no source): its stored components were matched again */
  | {
      kind: 'rematched';
      vulnerabilities: VulnerabilityRow[];
      reason: string;
      solution: string;
    };

/** The message for a vulnerability scan that could not match (no advisory database on this node). */
export const NO_VULNDB = 'no vulnerability database on the scanning node (run hullscan db import there)';

/** The scanners a task's categories stand for (the inventory always runs). */
function scannersOf(c: Claimed['categories']): string[] {
  return [...(c.vul ? ['vuln'] : []), ...(c.risk ? ['secret', 'risk'] : []), ...(c.virus ? ['virus'] : [])];
}

/**
 * Scans one claimed image: reads it from its source (only the layers the cache lacks), runs the
 * categories the task asked for, matches vulnerabilities when asked, and returns the record to save.
 * An image known only by its submitted index can have its vulnerabilities matched again, but nothing
 * else: its bytes are not here.
 */
export async function scanClaimed(claimed: Claimed, o: ScanJobOptions): Promise<ScanOutcome> {
  const account: Account = { appId: 0, uin: claimed.uin };
  if (!claimed.source) {
    if (!claimed.categories.vul)
      throw new Error(
        'no source to read the image from: its index was submitted by a client (scan it there, or add it with AddAssetImage)',
      );
    return rematchStored(account, claimed, o);
  }
  const plan = await scannerPlan(scannersOf(claimed.categories), o.dataDir, o.virus);
  const source =
    (await o.openImage?.(account, claimed.source, o.signal)) ?? (await openSource(claimed.source));
  let result: Awaited<ReturnType<typeof scanSource>>;
  try {
    result = await scanSource(source, {
      dataDir: o.dataDir,
      layerCache: o.layerCache,
      analyzers: plan.analyzers,
      imageChecks: plan.imageChecks,
      filesystemChecks: plan.filesystemChecks,
      signal: o.signal,
      onProgress: o.onProgress,
    });
  } finally {
    await source.close();
  }
  if (result.manifest.imageID !== claimed.imageId)
    throw new BadInputError(
      claimed.source,
      `now holds image ${result.manifest.imageID}, not ${claimed.imageId} (the reference was moved to another image)`,
    );
  if (plan.errors.virus || plan.errors.risk) result.scannerErrors = plan.errors;
  let record = imageRecord(result, o.timeZone, plan.scans);
  if (claimed.categories.vul) {
    const db = await openVulnDbIfPresent(o.dataDir);
    if (db) {
      try {
        record = await withVulnerabilities(record, result.os, db, o.timeZone);
      } finally {
        await db.close();
      }
    } else {
      record = { ...record, detail: { ...record.detail, ScanVulError: NO_VULNDB }, vulnerabilities: [] };
    }
  }
  const layersRead = result.layers.filter((l) => !l.cached).length;
  return {
    kind: 'record',
    record,
    bytesRead: result.layers.filter((l) => !l.cached).reduce((s, l) => s + l.size, 0),
    layersCached: result.layers.length - layersRead,
    layersRead,
  };
}

/** Matches an index-only image's stored components again (the index is all the service has of it). */
async function rematchStored(account: Account, claimed: Claimed, o: ScanJobOptions): Promise<ScanOutcome> {
  const detail = await o.store.getImage(account, claimed.imageId);
  if (!detail) throw new Error('the image is no longer stored');
  const db = await openVulnDbIfPresent(o.dataDir);
  if (!db) throw new Error(NO_VULNDB);
  try {
    const components = [];
    for (let offset = 0; ; offset += 5000) {
      const page = await o.store.listComponents(account, claimed.imageId, {}, { limit: 5000, offset });
      if (!page) throw new Error('the image is no longer stored');
      components.push(...page.rows);
      if (page.rows.length < 5000) break;
    }
    o.signal.throwIfAborted();
    const v = await vulnerabilitiesOf(components, osFromName(detail.OsName), db, o.timeZone);
    return {
      kind: 'rematched',
      vulnerabilities: v.rows,
      reason: v.reason,
      solution: v.solution,
    };
  } finally {
    await db.close();
  }
}
