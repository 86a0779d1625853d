import { type Kysely, Migrator } from 'kysely';
import { storeMigrationProvider } from '../migrations/migrations.js';
import { imageColumns } from '../sql/rows.js';
import { alice, detail, imageId } from './fixtures.js';

/** The layers an image of alice (imageId(1)) has in a database left at 0007-hosts. */
export const LAYERS_BEFORE_0008 = [
  { diffID: `sha256:${'a'.repeat(64)}`, size: 1000 },
  { diffID: `sha256:${'b'.repeat(64)}`, size: 2 ** 40 },
];

/**
 * Brings `db` to 0007-hosts (the schema before layers had a build step) and stores alice's image 1
 * with LAYERS_BEFORE_0008 the way a store of that version wrote them; `db` stays open.
 */
export async function databaseAt0007WithLayers(
  db: Kysely<unknown>,
  options: { migrationTableSchema?: string } = {},
): Promise<void> {
  const migrator = new Migrator({ db, provider: storeMigrationProvider, ...options });
  const { error } = await migrator.migrateTo('0007-hosts');
  if (error !== undefined) throw new Error('migrating to 0007-hosts failed', { cause: error });
  const now = '2024-05-06T07:08:09.000Z';
  await db
    .insertInto('images' as never)
    .values({
      uin: alice.uin,
      ...imageColumns(detail(1), 0),
      vuln_digest: '',
      first_seen: now,
      updated_at: now,
    } as never)
    .execute();
  await db
    .insertInto('image_layers' as never)
    .values(
      LAYERS_BEFORE_0008.map((l, position) => ({
        uin: alice.uin,
        image_id: imageId(1),
        position,
        diff_id: l.diffID,
        size: l.size,
      })) as never,
    )
    .execute();
}
