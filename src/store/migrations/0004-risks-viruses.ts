import { type Kysely, sql } from 'kysely';
import { textType } from './dialect.js';

const IMAGE_KEY = ['uin', 'image_id'] as const;

/**
 * One row per risk finding (DescribeAssetImageRiskList) and per flagged file (DescribeAssetImageVirusList)
 * of an image; src/store/sql/tables.ts describes each column. Secrets are only ever stored masked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable('image_risks')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull().check(sql`type in (1, 2)`))
    .addColumn('behavior', 'integer', (c) => c.notNull().check(sql`behavior between 1 and 4`))
    .addColumn('level', 'integer', (c) => c.notNull().check(sql`level between 1 and 4`))
    .addColumn('rule', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('instruction', text, (c) => c.notNull())
    .addColumn('solution', text, (c) => c.notNull())
    .addColumn('path', text)
    .addColumn('history_index', 'integer')
    .addColumn('layer', text)
    .addColumn('masked', text)
    .addColumn('secret_hash', text)
    .addPrimaryKeyConstraint('image_risks_pk', [...IMAGE_KEY, 'position'])
    .addForeignKeyConstraint('image_risks_image', [...IMAGE_KEY], 'images', [...IMAGE_KEY], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('image_risks_by_level')
    .on('image_risks')
    .columns([...IMAGE_KEY, 'level'])
    .execute();

  await db.schema
    .createTable('image_viruses')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('path', text, (c) => c.notNull())
    .addColumn('file_name', text, (c) => c.notNull())
    .addColumn('md5', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size >= 0`))
    .addColumn('virus_name', text, (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull().check(sql`level between 1 and 4`))
    .addColumn('category', text, (c) => c.notNull())
    .addColumn('tags', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('solution', text, (c) => c.notNull())
    .addColumn('engine', text, (c) => c.notNull())
    .addColumn('layer', text)
    .addColumn('first_scan_time', text, (c) => c.notNull())
    .addColumn('latest_scan_time', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('image_viruses_pk', [...IMAGE_KEY, 'position'])
    .addForeignKeyConstraint('image_viruses_image', [...IMAGE_KEY], 'images', [...IMAGE_KEY], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('image_viruses_by_level')
    .on('image_viruses')
    .columns([...IMAGE_KEY, 'level'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('image_viruses').execute();
  await db.schema.dropTable('image_risks').execute();
}
