import type { AdvisorySource } from './match-components.js';

type Ranges = Awaited<ReturnType<AdvisorySource['advisoriesFor']>> extends Map<string, infer R> ? R : never;

/**
 * An AdvisorySource that asks `db` once per (ecosystem, package name) and answers repeats from memory,
 * for a run over many images (a re-match) where the same packages come back image after image. Use one
 * per run: it never sees a newer database version than the one it first read.
 */
export function cachedAdvisories(db: AdvisorySource): AdvisorySource {
  const byEcosystem = new Map<string, Map<string, Ranges | null>>();
  return {
    async advisoriesFor(ecosystem, names) {
      let known = byEcosystem.get(ecosystem);
      if (!known) {
        known = new Map();
        byEcosystem.set(ecosystem, known);
      }
      const missing = [...new Set(names.filter((n) => !known.has(n)))];
      if (missing.length > 0) {
        const found = await db.advisoriesFor(ecosystem, missing);
        for (const n of missing) known.set(n, found.get(n) ?? null);
      }
      const out = new Map<string, Ranges>();
      for (const n of names) {
        const r = known.get(n);
        if (r) out.set(n, r);
      }
      return out;
    },
  };
}

/** A source that can tell which database version its answers come from (VulnDb can). */
type VersionedSource = AdvisorySource & { currentVersion?: () => Promise<number> };

const MAX_CACHED_LOOKUPS = 20_000;
const perSource = new WeakMap<object, { version: number; source: AdvisorySource; lookups: number }>();

/**
 * `db` itself when it cannot say its version; else a cachedAdvisories(db) kept for as long as the
 * database's current version stays the same (at most MAX_CACHED_LOOKUPS calls), so repeated matches
 * (scans, re-matches) skip the queries and the parsing of ranges.
 */
export async function advisoriesAtCurrentVersion(db: VersionedSource): Promise<AdvisorySource> {
  if (typeof db.currentVersion !== 'function') return db;
  const version = await db.currentVersion();
  let entry = perSource.get(db);
  if (!entry || entry.version !== version || entry.lookups >= MAX_CACHED_LOOKUPS) {
    entry = { version, source: cachedAdvisories(db), lookups: 0 };
    perSource.set(db, entry);
  }
  entry.lookups++;
  return entry.source;
}
