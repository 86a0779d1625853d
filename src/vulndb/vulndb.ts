import { type Kysely, sql } from 'kysely';
import type { Advisory, Severity } from '../core/advisory.js';
import { BadInputError } from '../core/errors.js';
import { Notices, type StoredRange } from './feed-record.js';
import { ImportWriter } from './import-writer.js';
import { feedDocuments, readAhead } from './input/feed-documents.js';
import { migrateVulnDb } from './migrations/migrate.js';
import { feedRecords, WHOLE_DOCUMENT_LIMIT } from './read-feeds.js';
import { openVulnDbConnection, type VulnDbConnectionOptions } from './sqlite-connection.js';
import type { VulnDatabase } from './tables.js';
import { VENDOR_BY_LEVEL } from './vendor-severity.js';

/** What one import path gave. */
export interface ImportSource {
  /** the path as given to importFeeds */
  path: string;
  /** JSON documents read under it (files and zip entries) */
  documents: number;
  /** records read, by feed (`osv`, `debian-tracker`, `alpine-secdb`), before records of one id were combined */
  records: Record<string, number>;
}

/** Advisories of one feed in a version; `withdrawn` ones are counted but never returned by advisoriesFor. */
export interface AdvisoryCount {
  source: string;
  advisories: number;
  withdrawn: number;
}

/** Advisories and ranges of one feed for one ecosystem. */
export interface EcosystemCount {
  source: string;
  ecosystem: string;
  advisories: number;
  ranges: number;
}

export interface ImportReport {
  /** the new current version */
  version: number;
  /** the version it replaced (now deleted), 0 when there was none */
  replaced: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  sources: ImportSource[];
  /** distinct advisories (source, id) and affected-range rows written */
  advisories: number;
  ranges: number;
  advisoryCounts: AdvisoryCount[];
  ecosystemCounts: EcosystemCount[];
  /** counted remarks: skipped files, ignored GIT ranges, never-affected releases… */
  notices: string[];
}

export interface VulnDbStatus {
  /** 0 until an import has succeeded */
  currentVersion: number;
  importedAt?: string;
  /** seconds since importedAt */
  ageSeconds?: number;
  sources: ImportSource[];
  advisories: number;
  ranges: number;
  advisoryCounts: AdvisoryCount[];
  ecosystemCounts: EcosystemCount[];
  notices: string[];
  /** the last import that failed after the current version was made, if any */
  lastFailure?: { startedAt: string; finishedAt: string; error: string };
}

/** An advisory as lookups return it: everything but `affected` (the matching range comes beside it). */
export type VulnAdvisory = Omit<Advisory, 'affected'>;

/** One affected range of a looked-up package, with its advisory. */
export interface AdvisoryRange {
  advisory: VulnAdvisory;
  range: StoredRange;
}

export interface ImportOptions {
  /** clock for the version's times (default: the system clock) */
  now?: () => Date;
}

/**
 * The offline advisory database. Queries read the current version; an import builds a new version
 * beside it and makes it current only when all of it succeeded.
 */
export interface VulnDb {
  /**
   * Imports every document under `paths` (OSV files, folders and all.zip archives, Debian Security
   * Tracker JSON, Alpine secdb JSON; formats found from content) as a new version, in one transaction
   * on its own connection: queries go on reading the previous version meanwhile. On success the new
   * version is current and the previous one deleted; on any failure (a malformed record, no advisories
   * at all, an I/O error) nothing of it remains, the previous version stays current, the failure is
   * recorded for status(), and the error is thrown (FeedRecordError/BadInputError name the file and record).
   */
  importFeeds(paths: readonly string[], options?: ImportOptions): Promise<ImportReport>;
  /** What the current version holds and how old it is. */
  status(options?: ImportOptions): Promise<VulnDbStatus>;
  /**
   * The affected ranges in the current version of each named package of `ecosystem` (OSV ecosystem
   * string, exact match; names exact), one indexed query per 500 names, all in one read snapshot.
   * Names with no range are absent from the map. Ranges keep feed order; an advisory object is shared
   * between the entries of one call. Withdrawn advisories are never returned.
   */
  advisoriesFor(ecosystem: string, packageNames: readonly string[]): Promise<Map<string, AdvisoryRange[]>>;
  /** The current version number, 0 when nothing has been imported. */
  currentVersion(): Promise<number>;
  /** Waits for running imports, then closes the database. */
  close(): Promise<void>;
}

const NAMES_PER_QUERY = 500;

function iso(now: () => Date): string {
  return now().toISOString();
}

async function currentOf(db: Kysely<VulnDatabase>): Promise<number> {
  const row = await db.selectFrom('vulndb_current').select('version').where('id', '=', 1).executeTakeFirst();
  return row?.version ?? 0;
}

async function countsOf(db: Kysely<VulnDatabase>, version: number) {
  const advisoryCounts: AdvisoryCount[] = (
    await db
      .selectFrom('advisories')
      .select(['source'])
      .select((eb) => [
        eb.fn.countAll<number>().as('advisories'),
        sql<number>`count(withdrawn)`.as('withdrawn'),
      ])
      .where('version', '=', version)
      .groupBy('source')
      .orderBy('source')
      .execute()
  ).map((r) => ({ source: r.source, advisories: Number(r.advisories), withdrawn: Number(r.withdrawn) }));
  const ecosystemCounts: EcosystemCount[] = (
    await db
      .selectFrom('affected_ranges as r')
      .innerJoin('advisories as a', 'a.key', 'r.advisory')
      .select(['a.source', 'r.ecosystem'])
      .select([sql<number>`count(distinct r.advisory)`.as('advisories'), sql<number>`count(*)`.as('ranges')])
      .where('r.version', '=', version)
      .groupBy(['a.source', 'r.ecosystem'])
      .orderBy('a.source')
      .orderBy('r.ecosystem')
      .execute()
  ).map((r) => ({
    source: r.source,
    ecosystem: r.ecosystem,
    advisories: Number(r.advisories),
    ranges: Number(r.ranges),
  }));
  return { advisoryCounts, ecosystemCounts };
}

function severityOf(row: {
  vendor_level: number | null;
  cvss3_vector: string | null;
  cvss3_score: number | null;
}) {
  const severity: Severity = {};
  const vendor = row.vendor_level === null ? undefined : VENDOR_BY_LEVEL[row.vendor_level];
  if (vendor) severity.vendor = vendor;
  if (row.cvss3_vector !== null) severity.cvss3Vector = row.cvss3_vector;
  if (row.cvss3_score !== null) severity.cvss3Score = row.cvss3_score;
  return severity;
}

class SqliteVulnDb implements VulnDb {
  readonly #file: string;
  readonly #db: Kysely<VulnDatabase>;
  readonly #options: VulnDbConnectionOptions;
  #imports: Promise<unknown> = Promise.resolve();

  constructor(file: string, db: Kysely<VulnDatabase>, options: VulnDbConnectionOptions) {
    this.#file = file;
    this.#db = db;
    this.#options = options;
  }

  async importFeeds(paths: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
    // One import at a time per handle: a second would wait for the first's write lock inside a
    // synchronous SQLite call, blocking the event loop the first one needs.
    const run = this.#imports.then(() => this.#import(paths, options));
    this.#imports = run.catch(() => {});
    return run;
  }

  async #import(paths: readonly string[], options: ImportOptions): Promise<ImportReport> {
    const now = options.now ?? (() => new Date());
    const startedAt = iso(now);
    const started = performance.now();
    const notices = new Notices();
    const writerDb = this.#file === ':memory:' ? this.#db : openVulnDbConnection(this.#file, this.#options);
    try {
      return await writerDb.transaction().execute(async (trx) => {
        const replaced = await currentOf(trx);
        const { version } = await trx
          .insertInto('db_versions')
          .values({
            status: 'importing',
            started_at: startedAt,
            finished_at: null,
            sources: '[]',
            advisory_count: 0,
            range_count: 0,
            advisory_counts: '[]',
            ecosystem_counts: '[]',
            notices: '[]',
            error: null,
          })
          .returning('version')
          .executeTakeFirstOrThrow();
        const writer = new ImportWriter(trx, version, notices);
        const sources: ImportSource[] = [];
        const seen = new Set<string>();
        for (const path of paths) {
          const source: ImportSource = { path, documents: 0, records: {} };
          sources.push(source);
          for await (const document of readAhead(
            feedDocuments([path], notices, seen),
            WHOLE_DOCUMENT_LIMIT,
          )) {
            source.documents++;
            for await (const record of feedRecords(document, notices)) {
              const feed = record.advisory.source;
              source.records[feed] = (source.records[feed] ?? 0) + 1;
              await writer.add(record);
            }
          }
        }
        await writer.flush();
        const { advisoryCounts, ecosystemCounts } = await countsOf(trx, version);
        const advisories = advisoryCounts.reduce((n, c) => n + c.advisories, 0);
        const ranges = ecosystemCounts.reduce((n, c) => n + c.ranges, 0);
        if (advisories === 0) {
          throw new BadInputError(
            paths.join(', ') || '(no paths)',
            'no advisories found; the current version is kept',
          );
        }
        const finishedAt = iso(now);
        await trx
          .updateTable('db_versions')
          .set({
            status: 'complete',
            finished_at: finishedAt,
            sources: JSON.stringify(sources),
            advisory_count: advisories,
            range_count: ranges,
            advisory_counts: JSON.stringify(advisoryCounts),
            ecosystem_counts: JSON.stringify(ecosystemCounts),
            notices: JSON.stringify(notices.lines()),
          })
          .where('version', '=', version)
          .execute();
        await trx
          .insertInto('vulndb_current')
          .values({ id: 1, version })
          .onConflict((oc) => oc.column('id').doUpdateSet({ version }))
          .execute();
        // Every other version is older (versions only grow), and `<` reads just their part of the index.
        await trx.deleteFrom('affected_ranges').where('version', '<', version).execute();
        await trx.deleteFrom('advisories').where('version', '<', version).execute();
        await trx.deleteFrom('db_versions').where('version', '<>', version).execute();
        return {
          version,
          replaced,
          startedAt,
          finishedAt,
          durationMs: Math.round(performance.now() - started),
          sources,
          advisories,
          ranges,
          advisoryCounts,
          ecosystemCounts,
          notices: notices.lines(),
        };
      });
    } catch (error) {
      await this.#recordFailure(startedAt, iso(now), error, notices);
      throw error;
    } finally {
      if (writerDb !== this.#db) await writerDb.destroy();
    }
  }

  /** Best effort: a failure to record the failure (the lock is still held elsewhere) must not hide it. */
  async #recordFailure(
    startedAt: string,
    finishedAt: string,
    error: unknown,
    notices: Notices,
  ): Promise<void> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('db_versions').where('status', '=', 'failed').execute();
        await trx
          .insertInto('db_versions')
          .values({
            status: 'failed',
            started_at: startedAt,
            finished_at: finishedAt,
            sources: '[]',
            advisory_count: 0,
            range_count: 0,
            advisory_counts: '[]',
            ecosystem_counts: '[]',
            notices: JSON.stringify(notices.lines()),
            error: error instanceof Error ? error.message : String(error),
          })
          .execute();
      });
    } catch {}
  }

  async status(options: ImportOptions = {}): Promise<VulnDbStatus> {
    const now = options.now ?? (() => new Date());
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        const version = await currentOf(trx);
        const current = await trx
          .selectFrom('db_versions')
          .selectAll()
          .where('version', '=', version)
          .executeTakeFirst();
        const failure = await trx
          .selectFrom('db_versions')
          .selectAll()
          .where('status', '=', 'failed')
          .orderBy('version', 'desc')
          .executeTakeFirst();
        const status: VulnDbStatus = {
          currentVersion: current ? version : 0,
          sources: current ? JSON.parse(current.sources) : [],
          advisories: current?.advisory_count ?? 0,
          ranges: current?.range_count ?? 0,
          advisoryCounts: current ? JSON.parse(current.advisory_counts) : [],
          ecosystemCounts: current ? JSON.parse(current.ecosystem_counts) : [],
          notices: current ? JSON.parse(current.notices) : [],
        };
        if (current?.finished_at) {
          status.importedAt = current.finished_at;
          status.ageSeconds = Math.max(
            0,
            Math.round((now().getTime() - Date.parse(current.finished_at)) / 1000),
          );
        }
        if (failure) {
          status.lastFailure = {
            startedAt: failure.started_at,
            finishedAt: failure.finished_at ?? failure.started_at,
            error: failure.error ?? '',
          };
        }
        return status;
      });
  }

  async advisoriesFor(
    ecosystem: string,
    packageNames: readonly string[],
  ): Promise<Map<string, AdvisoryRange[]>> {
    const names = [...new Set(packageNames)];
    if (names.length === 0) return new Map();
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        const version = await currentOf(trx);
        const found: { package: string; range: string; advisory: number }[] = [];
        for (let i = 0; i < names.length; i += NAMES_PER_QUERY) {
          const chunk = names.slice(i, i + NAMES_PER_QUERY);
          const rows = await trx
            .selectFrom('affected_ranges')
            .select(['package', 'range', 'advisory'])
            .where('version', '=', version)
            .where('ecosystem', '=', ecosystem)
            .where(sql<boolean>`package in (select value from json_each(${JSON.stringify(chunk)}))`)
            .orderBy('package')
            .orderBy('seq')
            .execute();
          found.push(...rows);
        }
        // Advisories once each: a distro advisory covers dozens of an image's packages.
        const keys = [...new Set(found.map((r) => r.advisory))];
        const advisories = new Map<number, VulnAdvisory>();
        for (let i = 0; i < keys.length; i += NAMES_PER_QUERY) {
          const rows = await trx
            .selectFrom('advisories')
            .select([
              'key',
              'source',
              'id',
              'aliases',
              'summary',
              'details',
              'vendor_level',
              'cvss3_vector',
              'cvss3_score',
              'references',
              'published',
              'modified',
            ])
            .where(
              sql<boolean>`key in (select value from json_each(${JSON.stringify(keys.slice(i, i + NAMES_PER_QUERY))}))`,
            )
            .execute();
          for (const row of rows) {
            advisories.set(row.key, {
              id: row.id,
              aliases: JSON.parse(row.aliases),
              summary: row.summary,
              details: row.details,
              severity: severityOf(row),
              references: JSON.parse(row.references),
              ...(row.published === null ? {} : { published: row.published }),
              ...(row.modified === null ? {} : { modified: row.modified }),
              source: row.source,
            });
          }
        }
        const result = new Map<string, AdvisoryRange[]>();
        for (const row of found) {
          const advisory = advisories.get(row.advisory);
          if (!advisory)
            throw new Error(`vulndb: range of ${row.package} points to missing advisory ${row.advisory}`);
          const range: StoredRange = { ecosystem, package: row.package, ...JSON.parse(row.range) };
          const list = result.get(row.package);
          if (list) list.push({ advisory, range });
          else result.set(row.package, [{ advisory, range }]);
        }
        return result;
      });
  }

  async currentVersion(): Promise<number> {
    return currentOf(this.#db);
  }

  async close(): Promise<void> {
    await this.#imports;
    await this.#db.destroy();
  }
}

/**
 * Opens (creating and migrating if needed) the advisory database in `file` (`DATA/vulndb.sqlite`), or a
 * private in-memory one for `':memory:'`. Separate from the store's file: it is replaced wholesale by
 * imports and can be copied between machines.
 */
export async function openVulnDb(file: string, options: VulnDbConnectionOptions = {}): Promise<VulnDb> {
  const db = openVulnDbConnection(file, options);
  try {
    await migrateVulnDb(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqliteVulnDb(file, db, options);
}
