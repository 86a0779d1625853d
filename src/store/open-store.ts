import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** The store of a data directory (`DIR/hullscan.db`, SQLite), migrated and ready. */
export async function openStore(dataDir: string): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const store = await openSqliteStore(join(dataDir, 'hullscan.db'));
  await store.migrate();
  return store;
}
