import type { Migration, MigrationProvider } from 'kysely';
import * as vulndb from './0001-vulndb.js';
import * as normalizedNames from './0002-normalized-package-names.js';

/** Every vulndb schema migration, by name; names sort in the order they run and are never renamed. */
export const vulnDbMigrations: Record<string, Migration> = {
  '0001-vulndb': vulndb,
  '0002-normalized-package-names': normalizedNames,
};

/** Kysely's Migrator reads the migrations from here (static: no directory scan, bundler-safe). */
export const vulnDbMigrationProvider: MigrationProvider = {
  getMigrations: async () => vulnDbMigrations,
};
