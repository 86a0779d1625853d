import type { Kysely } from 'kysely';
import { textType } from './dialect.js';

/**
 * Registries of each account, the images (repository:tag) found in them, and the numeric TaskIDs of
 * registry scan tasks (#8); src/store/sql/registry-tables.ts describes each column.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  let registries = db.schema
    .createTable('registries')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull());
  for (const name of [
    'name',
    'type',
    'url',
    'host',
    'username',
    'sealed_password',
    'net_type',
    'region',
    'version',
    'instance_id',
    'connect_status',
    'connect_message',
    'sync_status',
    'sync_message',
  ])
    registries = registries.addColumn(name, text, (c) => c.notNull());
  for (const name of ['speed_limit', 'insecure', 'sync_mode', 'need_scan'])
    registries = registries.addColumn(name, 'integer', (c) => c.notNull());
  await registries
    .addColumn('latest_sync_ms', 'bigint')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('registries_pk', ['uin', 'id'])
    .execute();
  await db.schema.createIndex('registries_name').unique().on('registries').columns(['uin', 'name']).execute();

  await db.schema
    .createTable('registry_images')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('registry_id', 'bigint', (c) => c.notNull())
    .addColumn('namespace', text, (c) => c.notNull())
    .addColumn('repository', text, (c) => c.notNull())
    .addColumn('tag', text, (c) => c.notNull())
    .addColumn('digest', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('create_time', text, (c) => c.notNull())
    .addColumn('architecture', text, (c) => c.notNull())
    .addColumn('first_seen_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_images_pk', ['uin', 'id'])
    .addUniqueConstraint('registry_images_tag', ['uin', 'registry_id', 'repository', 'tag'])
    .addForeignKeyConstraint(
      'registry_images_registry_fk',
      ['uin', 'registry_id'],
      'registries',
      ['uin', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('registry_images_by_image')
    .on('registry_images')
    .columns(['uin', 'image_id'])
    .execute();

  await db.schema
    .createTable('registry_scan_tasks')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('task_id', text, (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_scan_tasks_pk', ['uin', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['registry_scan_tasks', 'registry_images', 'registries']) {
    await db.schema.dropTable(table).execute();
  }
}
