import { type Kysely, sql } from 'kysely';

/** Versions, the current-version pointer, advisories and their affected ranges (src/vulndb/tables.ts describes each column). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('db_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('importing', 'complete', 'failed')`))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('advisory_count', 'integer', (c) => c.notNull())
    .addColumn('range_count', 'integer', (c) => c.notNull())
    .addColumn('advisory_counts', 'text', (c) => c.notNull())
    .addColumn('ecosystem_counts', 'text', (c) => c.notNull())
    .addColumn('notices', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();

  await db.schema
    .createTable('vulndb_current')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'integer', (c) => c.notNull().references('db_versions.version'))
    .execute();

  await db.schema
    .createTable('advisories')
    .addColumn('key', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('aliases', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('vendor_level', 'integer', (c) => c.check(sql`vendor_level between 1 and 4`))
    .addColumn('cvss3_vector', 'text')
    .addColumn('cvss3_score', 'real')
    .addColumn('references', 'text', (c) => c.notNull())
    .addColumn('published', 'text')
    .addColumn('modified', 'text')
    .addColumn('withdrawn', 'text')
    .addUniqueConstraint('advisories_by_id', ['version', 'source', 'id'])
    .execute();

  await db.schema
    .createTable('affected_ranges')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('advisory', 'integer', (c) => c.notNull())
    .addColumn('range', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('affected_ranges_pk', ['version', 'ecosystem', 'package', 'seq'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema
    .createIndex('affected_ranges_by_advisory')
    .on('affected_ranges')
    .columns(['version', 'advisory'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['affected_ranges', 'advisories', 'vulndb_current', 'db_versions']) {
    await db.schema.dropTable(table).execute();
  }
}
