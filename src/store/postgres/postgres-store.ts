import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  type SqlBool,
  sql,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import type { SqlDialectOps } from '../sql/sql-dialect.js';
import { SqlStore, type SqlStoreOptions } from '../sql/sql-store.js';
import type { StoreDatabase } from '../sql/tables.js';

/** Up to this many LIKE patterns are OR-ed one parameter each; longer lists go through unnest. */
const INLINE_PATTERNS = 32;

/**
 * Value lists travel as one text[] parameter (`= any($1)`), which PostgreSQL plans as well as an IN
 * list and which needs one parameter whatever the length. Text columns are collation "C" (see
 * migrations/dialect.ts), so equality and ILIKE's case folding (ASCII only) agree with SQLite.
 */
export const postgresOps: SqlDialectOps = {
  inList: (column, values) => sql<SqlBool>`${column} = any(${[...values]}::text[])`,
  likeAny: (column, patterns) => {
    if (patterns.length === 0) return sql<SqlBool>`false`;
    return patterns.length <= INLINE_PATTERNS
      ? sql<SqlBool>`(${sql.join(
          patterns.map((p) => sql`${column} ilike ${p} escape '\\'`),
          sql` or `,
        )})`
      : sql<SqlBool>`exists (select 1 from unnest(${[...patterns]}::text[]) as p(v) where ${column} ilike p.v escape '\\')`;
  },
  maxParameters: 65535,
  rowLocks: true,
};

/**
 * Transactions with the isolation the store relies on, whatever the server's default: reads (read
 * only) see one snapshot (repeatable read), like SQLite's deferred WAL reads, so a count and its page
 * agree; writes are read committed and serialise on the images row they upsert first (its row lock),
 * so a concurrent save of the same image waits and then replaces all of the first one's rows.
 */
class StorePostgresDriver extends PostgresDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const isolationLevel =
      settings.isolationLevel ?? (settings.accessMode === 'read only' ? 'repeatable read' : 'read committed');
    await super.beginTransaction(connection, { ...settings, isolationLevel });
  }
}

class StorePostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;

  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new StorePostgresDriver(this.#config);
  }
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 (counts, bigint sizes) and numeric (sums) as JS numbers; every store value is a safe integer. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A connection URL fit for messages: its password replaced by `***`. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|key/i.test(key)) u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
  }
}

/** Whether `url` selects PostgreSQL (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PostgresStoreOptions extends SqlStoreOptions {
  /**
   * Put every table in this schema (created by migrate() when missing): search_path is set on each
   * pooled connection. Default: the connection's current schema (normally `public`).
   */
  schema?: string;
  /** most pooled connections (default 10) */
  poolSize?: number;
}

/**
 * Opens the store in the PostgreSQL database at `url` (postgres://user:password@host:port/db?…, as
 * libpq and the `pg` package read it); call `migrate()` before use. A Store (plus
 * SqlStore.saveImages). Errors name the URL with its password masked.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const where = maskUrl(url);
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`store: "${schema}" is not a plain schema name (letters, digits, _)`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    connectionTimeoutMillis: 10_000,
  });
  // an idle connection the server dropped (restart): the next query reports the failure
  pool.on('error', () => {});
  // a checked-out one (inside a transaction, between two queries) emits 'error' on its client, which
  // without a listener is an uncaught exception that kills the process; its next query fails instead,
  // and the pool discards the client when it comes back
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<StoreDatabase>({
    dialect: new StorePostgresDialect({
      pool,
      ...(schema
        ? {
            onCreateConnection: async (connection: DatabaseConnection) => {
              await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
            },
          }
        : {}),
    }),
  });
  let migrationTableSchema = schema;
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    if (!migrationTableSchema) {
      migrationTableSchema = rows[0]?.schema ?? undefined;
      if (!migrationTableSchema)
        throw new Error('the search_path names no existing schema: create it, or pass a schema');
    }
  } catch (cause) {
    await db.destroy().catch(() => {});
    throw new Error(`store: cannot open PostgreSQL database ${where}: ${(cause as Error).message}`, {
      cause,
    });
  }
  return new SqlStore(db, postgresOps, { ...options, migrationTableSchema });
}
