import type { Kysely } from 'kysely';
import { textType } from './dialect.js';

/**
 * Hosts reported by agents, their images and containers (#8); src/store/sql/host-tables.ts describes
 * each column. Keyed by the account (uin) first; times are epoch ms (bigint).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable('hosts')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('host_id', text, (c) => c.notNull())
    .addColumn('host_name', text, (c) => c.notNull())
    .addColumn('ips', text, (c) => c.notNull())
    .addColumn('node_type', text, (c) => c.notNull())
    .addColumn('agent_version', text, (c) => c.notNull())
    .addColumn('docker_version', text, (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
    .addColumn('offline_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('online', 'integer', (c) => c.notNull())
    .addColumn('image_cnt', 'integer', (c) => c.notNull())
    .addColumn('container_cnt', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('hosts_pk', ['uin', 'host_id'])
    .execute();
  await db.schema.createIndex('hosts_by_deadline').on('hosts').columns(['online', 'offline_at_ms']).execute();

  await db.schema
    .createTable('host_images')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('host_id', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('repo_tags', text, (c) => c.notNull())
    .addColumn('repo_digests', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('agent_error', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('host_images_pk', ['uin', 'host_id', 'image_id'])
    .execute();
  await db.schema
    .createIndex('host_images_by_image')
    .on('host_images')
    .columns(['uin', 'image_id'])
    .execute();

  await db.schema
    .createTable('host_containers')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('host_id', text, (c) => c.notNull())
    .addColumn('container_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('image_name', text, (c) => c.notNull())
    .addColumn('state', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('host_containers_pk', ['uin', 'host_id', 'container_id'])
    .execute();
  await db.schema
    .createIndex('host_containers_by_image')
    .on('host_containers')
    .columns(['uin', 'image_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['host_containers', 'host_images', 'hosts']) {
    await db.schema.dropTable(table).execute();
  }
}
