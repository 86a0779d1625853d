import { type Kysely, sql } from 'kysely';
import { doubleType, textType } from './dialect.js';

/** One row per (advisory, component) of an image: what DescribeAssetImageVulList lists. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable('image_vulnerabilities')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('advisory_id', text, (c) => c.notNull())
    .addColumn('cve_id', text, (c) => c.notNull())
    .addColumn('aliases', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('component', text, (c) => c.notNull())
    .addColumn('version', text, (c) => c.notNull())
    .addColumn('component_type', text, (c) => c.notNull())
    .addColumn('purl', text, (c) => c.notNull())
    .addColumn('fixed_versions', text, (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull().check(sql`level between 1 and 4`))
    .addColumn('cvss3_score', doubleType(db), (c) => c.notNull())
    .addColumn('cvss3_vector', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('reference', text, (c) => c.notNull())
    .addColumn('official_solution', text, (c) => c.notNull())
    .addColumn('submit_time', text, (c) => c.notNull())
    .addColumn('tags', text, (c) => c.notNull())
    .addColumn('category', text, (c) => c.notNull())
    .addColumn('unfixed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_vulnerabilities_pk', ['uin', 'image_id', 'position'])
    .addForeignKeyConstraint(
      'image_vulnerabilities_image',
      ['uin', 'image_id'],
      'images',
      ['uin', 'image_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('image_vulnerabilities_by_level')
    .on('image_vulnerabilities')
    .columns(['uin', 'image_id', 'level'])
    .execute();
  await db.schema
    .createIndex('image_vulnerabilities_by_component')
    .on('image_vulnerabilities')
    .columns(['uin', 'image_id', 'component', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('image_vulnerabilities').execute();
}
