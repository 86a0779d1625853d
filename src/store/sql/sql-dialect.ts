import type { Expression, RawBuilder, SqlBool } from 'kysely';

/**
 * What the shared SQL store needs that dialects spell differently. Everything else (schema, queries,
 * transactions) is dialect-neutral Kysely.
 */
export interface SqlDialectOps {
  /** `column` equals one of `values`; any number of values, bound so the statement stays small. */
  inList(column: Expression<unknown>, values: readonly string[]): RawBuilder<SqlBool>;
  /**
   * `column` matches one of the LIKE `patterns` case-insensitively; patterns use `\` as the escape
   * character (likeContains builds them).
   */
  likeAny(column: Expression<unknown>, patterns: readonly string[]): RawBuilder<SqlBool>;
  /** most bound parameters one statement may carry */
  maxParameters: number;
  /**
   * Whether writes lock the rows they read first (SELECT … FOR UPDATE): needed where transactions run
   * concurrently (PostgreSQL); SQLite's write transactions hold the whole database already.
   */
  rowLocks?: boolean;
}

/** A LIKE pattern (escape `\`) matching `value` anywhere, with `%`, `_` and `\` in it matched literally. */
export function likeContains(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Rows of `rows` in slices small enough that one INSERT binds at most `maxParameters` values. */
export function* chunks<T extends object>(rows: T[], maxParameters: number): Generator<T[]> {
  if (rows.length === 0) return;
  const perRow = Object.keys(rows[0] as object).length;
  const size = Math.max(1, Math.min(1000, Math.floor(maxParameters / perRow)));
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
