import type { Kysely } from 'kysely';
import type { HostStore } from '../hosts.js';
import type { SqlDialectOps } from './sql-dialect.js';
import type { StoreDatabase } from './tables.js';

/** HostStore on the SQL store's database (SQLite or PostgreSQL). */
export class SqlHostStore implements HostStore {
  constructor(
    readonly db: Kysely<StoreDatabase>,
    readonly ops: SqlDialectOps,
    readonly now: () => Date,
  ) {}
}
