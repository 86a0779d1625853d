import type { Kysely } from 'kysely';
import type { RegistryStore } from '../registries.js';
import type { SqlDialectOps } from './sql-dialect.js';
import type { StoreDatabase } from './tables.js';

/** RegistryStore on the SQL store's database (SQLite or PostgreSQL). */
export class SqlRegistryStore implements RegistryStore {
  constructor(
    readonly db: Kysely<StoreDatabase>,
    readonly ops: SqlDialectOps,
    readonly now: () => Date,
  ) {}
}
