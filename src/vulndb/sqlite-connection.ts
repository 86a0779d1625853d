import Database from 'better-sqlite3';
import { Kysely, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { ImmediateSqliteDialect } from '../store/sqlite/immediate-dialect.js';
import type { VulnDatabase } from './tables.js';

/** Prepared statements reused by SQL text (LRU): Kysely prepares every query anew, and batches repeat theirs. */
function reusingStatements(database: Database.Database, capacity = 128): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (statement) statements.delete(text);
      else {
        statement = database.prepare(text);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

export interface VulnDbConnectionOptions {
  /** how long a statement waits for another connection's lock before failing (default 10 s) */
  busyTimeoutMs?: number;
}

/**
 * One connection to the vulndb file (or a private in-memory database for `':memory:'`): WAL journal,
 * synchronous=NORMAL (a committed import survives a crash; only a power cut can lose the last one),
 * foreign keys on, and the WAL file cut back to 64 MiB after a checkpoint, since an import writes
 * hundreds of megabytes through it.
 */
export function openVulnDbConnection(
  file: string,
  options: VulnDbConnectionOptions = {},
): Kysely<VulnDatabase> {
  let database: Database.Database;
  try {
    database = new Database(file);
  } catch (cause) {
    throw new Error(`vulndb: cannot open SQLite database ${file}`, { cause });
  }
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  } catch (cause) {
    database.close();
    throw new Error(`vulndb: cannot configure SQLite database ${file}`, { cause });
  }
  return new Kysely<VulnDatabase>({
    dialect: new ImmediateSqliteDialect({ database: reusingStatements(database) }),
  });
}
