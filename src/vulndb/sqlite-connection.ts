import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
  type TransactionSettings,
} from 'kysely';
import type { VulnDatabase } from './tables.js';

/**
 * The same SQLite discipline as the store (src/store/sqlite/sqlite-store.ts), which does not export
 * its dialect: write transactions BEGIN IMMEDIATE so two writers never deadlock upgrading a read
 * lock, read-only ones stay deferred (one WAL snapshot), and the Migrator runs DDL in a transaction.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(settings?.accessMode === 'read only' ? 'begin' : 'begin immediate'),
    );
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

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
