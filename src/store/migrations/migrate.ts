import { type Kysely, Migrator } from 'kysely';
import { storeMigrationProvider } from './migrations.js';

/**
 * Brings the schema to the latest migration; a no-op when it is there already. Kysely's Migrator runs
 * the pending migrations in one transaction under its lock, so concurrent callers apply each once.
 * `migrationTableSchema` (PostgreSQL) names the schema of Kysely's bookkeeping tables: without it the
 * Migrator would take another schema's `kysely_migration` for its own.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { migrationTableSchema?: string } = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: storeMigrationProvider,
    ...(options.migrationTableSchema ? { migrationTableSchema: options.migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(failed ? `store: schema migration ${failed} failed` : 'store: schema migration failed', {
      cause: error,
    });
  }
}
