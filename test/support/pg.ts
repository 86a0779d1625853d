import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The machine's PostgreSQL for integration tests (HULLSCAN_TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test). Each test file works in its own schemas, dropped after.
 */
export const PG_URL = process.env.HULLSCAN_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used here, or undefined when it answers. */
export async function pgUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL at ${PG_URL.replace(/:[^:@/]*@/, ':***@')} is not reachable (${(e as Error).message}); set HULLSCAN_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Whether a test file needing PostgreSQL must skip: prints the reason on a user's machine; under CI
 * (process.env.CI) never skips, so the tests run and fail loudly instead.
 */
export async function skipWithoutPg(what: string): Promise<boolean> {
  const reason = await pgUnreachable();
  if (reason === undefined) return false;
  if (process.env.CI) return false;
  console.warn(`[hullscan tests] skipping ${what}: ${reason}`);
  return true;
}

/** A fresh schema `hullscan_test_<random>`, created empty (drop it with dropSchemas). */
export async function newSchema(): Promise<string> {
  const schema = `hullscan_test_${randomBytes(6).toString('hex')}`;
  await withPg((c) => c.query(`create schema "${schema}"`));
  return schema;
}

/** The database URL whose connections use `schema` (search_path), as serve and worker processes take it. */
export function urlWithSchema(schema: string): string {
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Runs `f` on a short-lived admin connection. */
export async function withPg<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops the schema and the queue's and layer cache's schemas derived from it. */
export async function dropSchemas(schema: string): Promise<void> {
  await withPg(async (c) => {
    for (const s of [schema, `${schema}_jobs`, `${schema}_layers`])
      await c.query(`drop schema if exists "${s}" cascade`);
  });
}
