import { type Kysely, sql } from 'kysely';
import { normalizePackageName } from '../core/package-names.js';
import type { FeedAdvisory, FeedRecord, Notices, StoredRange } from './feed-record.js';
import type { AdvisoriesTable, VulnDatabase } from './tables.js';
import { VENDOR_BY_LEVEL, VENDOR_LEVELS } from './vendor-severity.js';

/** Records gathered before one round of statements; bounds memory and keeps parameters far below SQLite's limit. */
const RECORD_BATCH = 500;
const RANGE_BATCH = 2_000;

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function levelOf(advisory: FeedAdvisory): number | null {
  return advisory.severity.vendor ? VENDOR_LEVELS[advisory.severity.vendor] : null;
}

/** The later record wins unless its `modified` is older (ISO 8601 times, compared as instants). */
function newer(candidate: FeedAdvisory, than: { modified?: string | null }): boolean {
  const a = Date.parse(candidate.modified ?? '');
  const b = Date.parse(than.modified ?? '');
  return Number.isNaN(a) || Number.isNaN(b) || a >= b;
}

/** Two records of one (source, id) made one, as FeedRecord.sameId says. */
function combine(old: FeedRecord, next: FeedRecord, notices: Notices): FeedRecord {
  if (next.sameId === 'replace') {
    notices.add('duplicate record (same source and id): the newer `modified` kept', next.advisory.id);
    return newer(next.advisory, old.advisory) ? next : old;
  }
  const a = old.advisory;
  const b = next.advisory;
  const level = Math.max(levelOf(a) ?? 0, levelOf(b) ?? 0);
  const vendor = VENDOR_BY_LEVEL[level];
  return {
    sameId: 'merge',
    advisory: {
      ...a,
      aliases: union(a.aliases, b.aliases),
      summary: a.summary || b.summary,
      details: a.details || b.details,
      severity: { ...b.severity, ...a.severity, ...(vendor ? { vendor } : {}) },
      affected: [...a.affected, ...b.affected],
      references: union(a.references, b.references),
    },
  };
}

function advisoryRow(version: number, a: FeedAdvisory): Omit<AdvisoriesTable, 'key'> {
  return {
    version,
    source: a.source,
    id: a.id,
    aliases: JSON.stringify(a.aliases),
    summary: a.summary,
    details: a.details,
    vendor_level: levelOf(a),
    cvss3_vector: a.severity.cvss3Vector ?? null,
    cvss3_score: a.severity.cvss3Score ?? null,
    references: JSON.stringify(a.references),
    published: a.published ?? null,
    modified: a.modified ?? null,
    withdrawn: a.withdrawn ?? null,
  };
}

/**
 * Writes one import's records into `version`, in batches, inside the caller's transaction. Records of
 * one (source, id) are combined as FeedRecord.sameId says, whether they meet in one batch or across
 * batches. Call flush() after the last add().
 */
export class ImportWriter {
  readonly #db: Kysely<VulnDatabase>;
  readonly #version: number;
  readonly #notices: Notices;
  #pending = new Map<string, FeedRecord>();
  #seq = 0;

  constructor(db: Kysely<VulnDatabase>, version: number, notices: Notices) {
    this.#db = db;
    this.#version = version;
    this.#notices = notices;
  }

  async add(record: FeedRecord): Promise<void> {
    if (record.advisory.withdrawn && record.advisory.affected.length > 0) {
      this.#notices.add('withdrawn advisory kept without its ranges (never matched)', record.advisory.id);
      record = { ...record, advisory: { ...record.advisory, affected: [] } };
    }
    const key = `${record.advisory.source}\0${record.advisory.id}`;
    const old = this.#pending.get(key);
    this.#pending.set(key, old ? combine(old, record, this.#notices) : record);
    if (this.#pending.size >= RECORD_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    if (batch.length === 0) return;
    const existing = await this.#existing(batch);
    const fresh: FeedRecord[] = [];
    const ranges: { advisory: number; range: StoredRange }[] = [];
    for (const record of batch) {
      const a = record.advisory;
      const row = existing.get(`${a.source}\0${a.id}`);
      if (!row) {
        fresh.push(record);
        continue;
      }
      if (record.sameId === 'replace') {
        this.#notices.add('duplicate record (same source and id): the newer `modified` kept', a.id);
        if (!newer(a, row)) continue;
        await this.#db
          .deleteFrom('affected_ranges')
          .where('version', '=', this.#version)
          .where('advisory', '=', row.key)
          .execute();
        const { version: _, source: __, id: ___, ...values } = advisoryRow(this.#version, a);
        await this.#db.updateTable('advisories').set(values).where('key', '=', row.key).execute();
      } else {
        const before = {
          aliases: JSON.parse(row.aliases) as string[],
          references: JSON.parse(row.references) as string[],
        };
        const aliases = union(before.aliases, a.aliases);
        const references = union(before.references, a.references);
        const level = Math.max(row.vendor_level ?? 0, levelOf(a) ?? 0);
        if (
          aliases.length !== before.aliases.length ||
          references.length !== before.references.length ||
          level !== (row.vendor_level ?? 0)
        ) {
          await this.#db
            .updateTable('advisories')
            .set({
              aliases: JSON.stringify(aliases),
              references: JSON.stringify(references),
              vendor_level: level || null,
            })
            .where('key', '=', row.key)
            .execute();
        }
      }
      for (const range of a.affected) ranges.push({ advisory: row.key, range });
    }
    if (fresh.length > 0) {
      const inserted = await this.#db
        .insertInto('advisories')
        .values(fresh.map((r) => advisoryRow(this.#version, r.advisory)))
        .returning(['key', 'source', 'id'])
        .execute();
      const keys = new Map(inserted.map((r) => [`${r.source}\0${r.id}`, r.key]));
      for (const { advisory: a } of fresh) {
        const key = keys.get(`${a.source}\0${a.id}`) as number;
        for (const range of a.affected) ranges.push({ advisory: key, range });
      }
    }
    for (let i = 0; i < ranges.length; i += RANGE_BATCH) {
      await this.#db
        .insertInto('affected_ranges')
        .values(
          ranges.slice(i, i + RANGE_BATCH).map(({ advisory, range }) => {
            const { ecosystem, package: name, ...rest } = range;
            return {
              version: this.#version,
              ecosystem,
              package: normalizePackageName(ecosystem, name),
              seq: this.#seq++,
              advisory,
              range: JSON.stringify(rest),
            };
          }),
        )
        .execute();
    }
  }

  async #existing(batch: FeedRecord[]) {
    const bySource = new Map<string, string[]>();
    for (const { advisory } of batch) {
      const ids = bySource.get(advisory.source) ?? [];
      ids.push(advisory.id);
      bySource.set(advisory.source, ids);
    }
    const found = new Map<
      string,
      {
        key: number;
        modified: string | null;
        aliases: string;
        references: string;
        vendor_level: number | null;
      }
    >();
    for (const [source, ids] of bySource) {
      const rows = await this.#db
        .selectFrom('advisories')
        .select(['key', 'id', 'modified', 'aliases', 'references', 'vendor_level'])
        .where('version', '=', this.#version)
        .where('source', '=', source)
        .where(sql<boolean>`id in (select value from json_each(${JSON.stringify(ids)}))`)
        .execute();
      for (const row of rows) found.set(`${source}\0${row.id}`, row);
    }
    return found;
  }
}
