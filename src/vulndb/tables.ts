import type { Generated } from 'kysely';

/**
 * The advisory database's tables as Kysely sees them (src/vulndb/migrations creates them). Every row
 * belongs to one database version; outside an import only the current version has rows. JSON arrays
 * and objects are stored as text, times as ISO 8601 UTC text.
 */
export interface VulnDatabase {
  db_versions: DbVersionsTable;
  vulndb_current: VulnDbCurrentTable;
  advisories: AdvisoriesTable;
  affected_ranges: AffectedRangesTable;
}

/** One import: the current version's row, and the last failed import's (until the next success). */
export interface DbVersionsTable {
  version: Generated<number>;
  /** `importing` is only ever seen inside the import's own transaction */
  status: 'importing' | 'complete' | 'failed';
  started_at: string;
  finished_at: string | null;
  /** JSON ImportSource[] */
  sources: string;
  advisory_count: number;
  range_count: number;
  /** JSON AdvisoryCount[] and EcosystemCount[] (see vulndb.ts), filled when the import completes */
  advisory_counts: string;
  ecosystem_counts: string;
  /** JSON string[] */
  notices: string;
  error: string | null;
}

/** A single row (id 1) naming the version queries read; absent until the first import succeeds. */
export interface VulnDbCurrentTable {
  id: number;
  version: number;
}

export interface AdvisoriesTable {
  /** row key that affected_ranges.advisory points to */
  key: Generated<number>;
  version: number;
  /** feed name: `osv`, `debian-tracker`, `alpine-secdb` */
  source: string;
  id: string;
  /** JSON string[] */
  aliases: string;
  summary: string;
  details: string;
  /** vendor severity as 1–4 (low, medium, high, critical) */
  vendor_level: number | null;
  cvss3_vector: string | null;
  cvss3_score: number | null;
  /** JSON string[] of URLs */
  references: string;
  published: string | null;
  modified: string | null;
  /** OSV `withdrawn`: such an advisory has no affected_ranges rows */
  withdrawn: string | null;
}

/**
 * One affected range of one package, clustered by (version, ecosystem, package) so a package's ranges
 * are one b-tree range read. `seq` orders the rows of one import.
 */
export interface AffectedRangesTable {
  version: number;
  ecosystem: string;
  package: string;
  seq: number;
  advisory: number;
  /** JSON StoredRange without ecosystem and package */
  range: string;
}
