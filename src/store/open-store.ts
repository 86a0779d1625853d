import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isPostgresUrl, maskUrl, openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** a postgres:// or postgresql:// URL (the serve config's `database`); overrides HULLSCAN_DATABASE_URL */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The store, migrated and ready: PostgreSQL when a database URL is given (`databaseUrl`, else
 * HULLSCAN_DATABASE_URL), else the data directory's SQLite file `DIR/hullscan.db`.
 */
export async function openStore(dataDir: string, options: OpenStoreOptions = {}): Promise<Store> {
  // the data directory keeps credentials, caches and the vulnerability database whichever the store
  await mkdir(dataDir, { recursive: true });
  const url = options.databaseUrl || (options.env ?? process.env).HULLSCAN_DATABASE_URL || undefined;
  if (url !== undefined) {
    if (!isPostgresUrl(url)) {
      throw new Error(
        `store: database URL ${maskUrl(url)} is not a PostgreSQL URL (postgres:// or postgresql://)`,
      );
    }
    const store = await openPostgresStore(url);
    try {
      await store.migrate();
    } catch (cause) {
      await store.close().catch(() => {});
      throw new Error(`store: cannot migrate PostgreSQL database ${maskUrl(url)}`, { cause });
    }
    return store;
  }
  const store = await openSqliteStore(join(dataDir, 'hullscan.db'));
  await store.migrate();
  return store;
}
