import type { Kysely } from 'kysely';
import { textType } from './dialect.js';

/**
 * Scan tasks and their images, image sources and periodic scan settings (#7); src/store/sql/tables.ts
 * describes each column. Every table is keyed by the account (uin) first. Times are epoch ms (bigint).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable('scan_tasks')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('task_id', text, (c) => c.notNull())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('vul', 'integer', (c) => c.notNull())
    .addColumn('virus', 'integer', (c) => c.notNull())
    .addColumn('risk', 'integer', (c) => c.notNull())
    .addColumn('origin', text, (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('deadline_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('sub_status', text, (c) => c.notNull())
    .addColumn('finished_ms', 'bigint')
    .addPrimaryKeyConstraint('scan_tasks_pk', ['uin', 'task_id'])
    .execute();
  await db.schema
    .createIndex('scan_tasks_by_created')
    .on('scan_tasks')
    .columns(['uin', 'created_ms', 'task_id'])
    .execute();
  await db.schema
    .createIndex('scan_tasks_by_status')
    .on('scan_tasks')
    .columns(['status', 'deadline_ms'])
    .execute();

  await db.schema
    .createTable('task_images')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('task_id', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('state', text, (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('worker', text)
    .addColumn('lease_ms', 'bigint')
    .addColumn('sent_ms', 'bigint')
    .addColumn('error', text, (c) => c.notNull())
    .addColumn('bytes_total', 'bigint', (c) => c.notNull())
    .addColumn('bytes_done', 'bigint', (c) => c.notNull())
    .addColumn('busy_ms', 'bigint', (c) => c.notNull())
    .addColumn('started_ms', 'bigint')
    .addColumn('finished_ms', 'bigint')
    .addColumn('risky', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_images_pk', ['uin', 'task_id', 'image_id'])
    .addForeignKeyConstraint(
      'task_images_task_fk',
      ['uin', 'task_id'],
      'scan_tasks',
      ['uin', 'task_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('task_images_by_lease')
    .on('task_images')
    .columns(['state', 'lease_ms'])
    .execute();
  await db.schema
    .createIndex('task_images_by_sent')
    .on('task_images')
    .columns(['state', 'sent_ms'])
    .execute();
  await db.schema
    .createIndex('task_images_by_image')
    .on('task_images')
    .columns(['uin', 'image_id', 'state'])
    .execute();

  await db.schema
    .createTable('image_sources')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('reference', text, (c) => c.notNull())
    .addColumn('added_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_sources_pk', ['uin', 'image_id'])
    .execute();

  let settings = db.schema
    .createTable('scan_settings')
    .addColumn('uin', text, (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull());
  for (const name of ['enable', 'period_days', 'vul', 'virus', 'risk', 'scope', 'container_running'])
    settings = settings.addColumn(name, 'integer', (c) => c.notNull());
  for (const name of ['scan_time', 'scan_end_time', 'images', 'exclude_images'])
    settings = settings.addColumn(name, text, (c) => c.notNull());
  await settings
    .addColumn('next_run_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_run_ms', 'bigint')
    .addColumn('last_task_id', text)
    .addColumn('last_result', text)
    .execute();
  await db.schema
    .createIndex('scan_settings_by_next_run')
    .on('scan_settings')
    .columns(['enable', 'next_run_ms'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['scan_settings', 'image_sources', 'task_images', 'scan_tasks']) {
    await db.schema.dropTable(table).execute();
  }
}
