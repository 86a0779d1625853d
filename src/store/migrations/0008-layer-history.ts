import type { Kysely } from 'kysely';

/**
 * The build step of each layer: `image_layers.history_index`, the index (0-based, oldest first) of
 * the config history entry that created the layer; NULL when unknown (every row stored before this).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('image_layers').addColumn('history_index', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('image_layers').dropColumn('history_index').execute();
}
