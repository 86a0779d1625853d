import { type Kysely, PostgresIntrospector, type RawBuilder, sql } from 'kysely';

/**
 * Column types that differ by dialect. Migrations create the same shapes on every database; on SQLite
 * these are exactly the types the migrations always used, so existing SQLite files migrate unchanged.
 */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.introspection instanceof PostgresIntrospector;
}

/**
 * Text. On PostgreSQL compared byte by byte (collation "C") whatever the database's locale, so sorts
 * and equality agree with SQLite's BINARY collation (the store contract sorts by code unit).
 */
export function textType(db: Kysely<unknown>): 'text' | RawBuilder<unknown> {
  return isPostgres(db) ? sql`text collate "C"` : 'text';
}

/** A double: SQLite's `real` is 8 bytes, PostgreSQL's only 4. */
export function doubleType(db: Kysely<unknown>): 'real' | 'double precision' {
  return isPostgres(db) ? 'double precision' : 'real';
}
