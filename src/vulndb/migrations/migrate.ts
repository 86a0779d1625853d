import { type Kysely, Migrator } from 'kysely';
import { vulnDbMigrationProvider } from './migrations.js';

/**
 * Brings the vulndb schema to the latest migration; a no-op when it is there already. Kysely's
 * Migrator runs the pending migrations in one transaction under its lock, so concurrent callers
 * apply each once.
 */
export async function migrateVulnDb(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: vulnDbMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      failed ? `vulndb: schema migration ${failed} failed` : 'vulndb: schema migration failed',
      {
        cause: error,
      },
    );
  }
}
