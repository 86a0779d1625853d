import Database from 'better-sqlite3';
import { Kysely, type SqlBool, type SqliteDatabase, type SqliteStatement, sql } from 'kysely';
import type { SqlDialectOps } from '../sql/sql-dialect.js';
import { SqlStore, type SqlStoreOptions } from '../sql/sql-store.js';
import type { StoreDatabase } from '../sql/tables.js';
import { ImmediateSqliteDialect } from './immediate-dialect.js';

/** Up to this many values are bound one parameter each; longer lists go through json_each. */
const INLINE_VALUES = 32;

/**
 * A short value list binds one parameter per value, which the planner handles best. A longer one
 * travels as one JSON text parameter expanded by json_each, so thousands of values need neither
 * thousands of parameters nor an expression deeper than SQLite's limit of 1000. SQLite's LIKE folds
 * ASCII case only.
 */
export const sqliteOps: SqlDialectOps = {
  inList: (column, values) =>
    values.length <= INLINE_VALUES
      ? sql<SqlBool>`${column} in (${sql.join(values)})`
      : sql<SqlBool>`${column} in (select v.value from json_each(${JSON.stringify(values)}) as v)`,
  likeAny: (column, patterns) =>
    patterns.length <= INLINE_VALUES
      ? sql<SqlBool>`(${sql.join(
          patterns.map((p) => sql`${column} like ${p} escape '\\'`),
          sql` or `,
        )})`
      : sql<SqlBool>`exists (select 1 from json_each(${JSON.stringify(patterns)}) as p where ${column} like p.value escape '\\')`,
  maxParameters: 32766,
};

/** A reading statement that fetches arrays and builds the row objects in JS, which is faster for wide rows. */
function arrayRows(statement: Database.Statement): SqliteStatement {
  const raw = statement.raw(true);
  const names = raw.columns().map((c) => c.name);
  const toObject = (values: unknown[]) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i];
    return row;
  };
  return {
    reader: true,
    all: (parameters) => (raw.all(...parameters) as unknown[][]).map(toObject),
    run: (parameters) => raw.run(...parameters),
    *iterate(parameters) {
      for (const values of raw.iterate(...parameters)) yield toObject(values as unknown[]);
    },
  };
}

/**
 * The database as Kysely's dialect sees it, with prepared statements reused by SQL text (LRU):
 * Kysely prepares every query anew, and preparing costs more than running most of them.
 */
function reusingStatements(database: Database.Database, capacity = 256): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        const prepared = database.prepare(text);
        statement = prepared.reader ? arrayRows(prepared) : prepared;
        if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

export interface SqliteStoreOptions extends SqlStoreOptions {
  /** how long a statement waits for another connection's lock before failing (default 10 s) */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the SQLite store in `file`, or a private in-memory one for `':memory:'`;
 * call `migrate()` before use. A Store (plus SqlStore.saveImages for bulk loads). WAL journal with
 * synchronous=NORMAL: a transaction is atomic across crashes, and only a power cut can lose the last
 * committed ones. Foreign keys on.
 */
export async function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Promise<SqlStore> {
  let database: Database.Database;
  try {
    database = new Database(file);
  } catch (cause) {
    throw new Error(`store: cannot open SQLite database ${file}`, { cause });
  }
  const busyMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000));
  try {
    database.pragma(`busy_timeout = ${busyMs}`);
    // switching to WAL while another process opens the same new file can answer SQLITE_BUSY without
    // waiting on the busy handler: retry it within the busy timeout
    const until = Date.now() + busyMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      try {
        database.pragma('journal_mode = WAL');
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= until) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
      }
    }
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (cause) {
    database.close();
    throw new Error(`store: cannot configure SQLite database ${file}`, { cause });
  }
  const db = new Kysely<StoreDatabase>({
    dialect: new ImmediateSqliteDialect({ database: reusingStatements(database) }),
  });
  return new SqlStore(db, sqliteOps, options);
}
