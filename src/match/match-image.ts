import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '../core/component.js';
import type { OsInfo } from '../core/os.js';
import type { ImageRecord, Store, VulnerabilityRow } from '../store/store.js';
import { openVulnDb, type VulnDb } from '../vulndb/vulndb.js';
import { advisoriesAtCurrentVersion, cachedAdvisories } from './cached-advisories.js';
import { type AdvisorySource, matchComponents } from './match-components.js';
import { imageAdvice, vulnerabilityRow } from './vulnerability-rows.js';

/** `DIR/vulndb.sqlite`, the advisory database `hullscan db import` fills. */
export function vulnDbFile(dataDir: string): string {
  return join(dataDir, 'vulndb.sqlite');
}

/** The data directory's advisory database when something has been imported into it, else undefined. */
export async function openVulnDbIfPresent(dataDir: string): Promise<VulnDb | undefined> {
  const file = vulnDbFile(dataDir);
  if (!existsSync(file)) return undefined;
  const db = await openVulnDb(file);
  if ((await db.currentVersion()) > 0) return db;
  await db.close();
  return undefined;
}

/** OsInfo back from a stored OsName (`debian:12.5`). */
export function osFromName(osName: string): OsInfo | undefined {
  const i = osName.indexOf(':');
  if (!osName) return undefined;
  return i < 0
    ? { id: osName, version: '', source: 'OsName' }
    : { id: osName.slice(0, i), version: osName.slice(i + 1), source: 'OsName' };
}

/** Matches components and returns the stored rows, most severe first, with the image's Reason and Solution. */
export async function vulnerabilitiesOf(
  components: Component[],
  os: OsInfo | undefined,
  db: AdvisorySource,
  timeZone: string,
): Promise<{ rows: VulnerabilityRow[]; reason: string; solution: string }> {
  const matches = await matchComponents(components, os, await advisoriesAtCurrentVersion(db));
  // a language package installed in several places is one vulnerability (ImagesVul names no path);
  // the component list says where each copy sits
  const seen = new Set<string>();
  const rows = matches
    .filter((m) => {
      const key = `${m.advisory.id}\0${m.component.type}\0${m.component.name}\0${m.component.version}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((m) => vulnerabilityRow(m, timeZone))
    .sort((a, b) => b.level - a.level);
  return { rows, ...imageAdvice(rows) };
}

/** Adds the vulnerabilities to a record about to be saved, with VulCnt, Reason and Solution to match. */
export async function withVulnerabilities(
  record: ImageRecord,
  os: OsInfo | undefined,
  db: AdvisorySource,
  timeZone: string,
): Promise<ImageRecord> {
  const v = await vulnerabilitiesOf(record.components, os, db, timeZone);
  return {
    ...record,
    detail: { ...record.detail, VulCnt: v.rows.length, Reason: v.reason, Solution: v.solution },
    vulnerabilities: v.rows,
  };
}

/**
 * Re-matches every stored image of every account against the current advisories, from the stored
 * component index (no layer is read), a page of images at a time so memory stays bounded. Each
 * (ecosystem, package) is looked up once per run.
 */
export async function rematchAll(
  store: Store,
  db: AdvisorySource,
  timeZone: string,
  onProgress?: (done: number) => void,
): Promise<{ images: number; vulnerabilities: number }> {
  let after: { uin: string; imageId: string } | undefined;
  let images = 0;
  let vulnerabilities = 0;
  const advisories = cachedAdvisories(db);
  for (;;) {
    const page = await store.storedIndexes(after, 50);
    if (page.length === 0) break;
    for (const im of page) {
      const v = await vulnerabilitiesOf(im.components, osFromName(im.osName), advisories, timeZone);
      await store.replaceVulnerabilities(im.uin, im.imageId, v.rows, {
        reason: v.reason,
        solution: v.solution,
      });
      images++;
      vulnerabilities += v.rows.length;
    }
    onProgress?.(images);
    const last = page.at(-1)!;
    after = { uin: last.uin, imageId: last.imageId };
  }
  return { images, vulnerabilities };
}
