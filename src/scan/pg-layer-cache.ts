import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import pg from 'pg';
import type { LayerAnalysis } from '../core/analyzer.js';
import { maskUrl } from '../store/postgres/postgres-store.js';
import type { LayerMeta } from '../walk/walk-layer.js';
import { type LayerCacheStore, WALK_VERSION } from './layer-cache.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The cache's schema when the caller names none. */
export const DEFAULT_LAYER_SCHEMA = 'hullscan_layers';

/** A waiting claim tries the lock again after a random pause in this range (ms). */
const CLAIM_RETRY_MIN_MS = 100;
const CLAIM_RETRY_MAX_MS = 250;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The 64 hex digits of a diffID (with or without `sha256:`); throws on anything else. */
function layerHex(diffID: string): string {
  const hex = diffID.replace(/^sha256:/, '');
  if (!/^[a-f0-9]{64}$/.test(hex)) throw new Error(`bad diffID ${diffID}`);
  return hex;
}

function checkKey(key: string): string {
  if (!/^[a-z0-9@._-]+$/i.test(key)) throw new Error(`bad cache key ${key}`);
  return key;
}

/**
 * The 64-bit PostgreSQL advisory lock key that guards walking layer `diffID` in the cache kept in
 * `schema` (a decimal string, as `pg_try_advisory_lock(bigint)` takes it): the first 8 bytes of
 * sha256("hullscan.layer_cache.<schema>.<hex>"), so caches in different schemas never contend and
 * other advisory lock users (pg-boss) practically never collide with it. Throws on a bad diffID.
 */
export function layerLockKey(schema: string, diffID: string): string {
  return advisoryKey(`hullscan.layer_cache.${schema}.${layerHex(diffID)}`);
}

/** A bigint advisory lock key (decimal string) from the first 8 bytes of sha256(name). */
function advisoryKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

export interface PgLayerCacheOptions {
  /** the table `layer_cache` lives here (created when missing); default `hullscan_layers` */
  schema?: string;
  /** at most this many layers claimed at once by this process (one connection each); default 32 */
  maxClaims?: number;
}

/** Checks a client out of `pool`, giving up when `signal` aborts (a client that arrives later goes back). */
async function connect(pool: pg.Pool, signal?: AbortSignal): Promise<pg.PoolClient> {
  signal?.throwIfAborted();
  if (!signal) return pool.connect();
  const pending = pool.connect();
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      pending,
      new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } catch (e) {
    pending.then((c) => c.release()).catch(() => {});
    throw e;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Layer analyses in a PostgreSQL table shared by workers on several machines:
 * `<schema>.layer_cache(diff_id, key, value)`, one row per (layer, `walk@WALK_VERSION` or
 * `analyzer@version`) — the same keys as LayerCache — with the JSON gzipped. put replaces the row;
 * a missing or undecodable row reads as a miss (undefined). A layer is claimed with a session advisory
 * lock held on its own pooled connection until release: a holder whose process or connection dies
 * releases it with its session, so no claim outlives its holder.
 */
export class PgLayerCache implements LayerCacheStore {
  readonly #data: pg.Pool;
  readonly #locks: pg.Pool;
  readonly #table: string;
  readonly schema: string;

  private constructor(data: pg.Pool, locks: pg.Pool, schema: string) {
    this.#data = data;
    this.#locks = locks;
    this.schema = schema;
    this.#table = `"${schema}".layer_cache`;
  }

  /** Connects and creates the schema and table when missing (safe when several processes open at once). */
  static async open(connectionString: string, options: PgLayerCacheOptions = {}): Promise<PgLayerCache> {
    const schema = options.schema ?? DEFAULT_LAYER_SCHEMA;
    if (!SCHEMA_NAME.test(schema)) {
      throw new Error(`layer cache: "${schema}" is not a plain schema name (letters, digits, _)`);
    }
    const maxClaims = options.maxClaims ?? 32;
    if (!Number.isInteger(maxClaims) || maxClaims < 1) {
      throw new Error(`layer cache: maxClaims must be a positive integer, got ${maxClaims}`);
    }
    const common = { connectionString, connectionTimeoutMillis: 10_000, application_name: 'hullscan' };
    // the data pool is separate so holders of every claim connection can still read and write
    const data = new pg.Pool({ ...common, max: 4 });
    const locks = new pg.Pool({ ...common, max: maxClaims });
    // an idle connection the server dropped (restart): the next query reports the failure
    data.on('error', () => {});
    locks.on('error', () => {});
    const cache = new PgLayerCache(data, locks, schema);
    const client = await data.connect().catch(async (cause) => {
      await cache.close();
      throw new Error(`layer cache: cannot connect to ${maskUrl(connectionString)}`, { cause });
    });
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock($1)', [
        advisoryKey(`hullscan.layer_cache.${schema}.create`),
      ]);
      await client.query(`create schema if not exists "${schema}"`);
      await client.query(
        `create table if not exists ${cache.#table} (
           diff_id text not null,
           key text not null,
           value bytea not null,
           primary key (diff_id, key)
         )`,
      );
      await client.query('commit');
    } catch (cause) {
      await client.query('rollback').catch(() => {});
      client.release();
      await cache.close();
      throw new Error(`layer cache: cannot create ${cache.#table} in ${maskUrl(connectionString)}`, {
        cause,
      });
    }
    client.release();
    return cache;
  }

  /** Closes the connections; resolves once every claim still held has been released. */
  async close(): Promise<void> {
    await Promise.allSettled([this.#data.end(), this.#locks.end()]);
  }

  async #get<T>(diffID: string, key: string): Promise<T | undefined> {
    let id: string;
    try {
      id = `sha256:${layerHex(diffID)}`;
      checkKey(key);
    } catch {
      return undefined;
    }
    const { rows } = await this.#data.query<{ value: Buffer }>(
      `select value from ${this.#table} where diff_id = $1 and key = $2`,
      [id, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    try {
      return JSON.parse((await gunzipAsync(row.value)).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }

  async #put(diffID: string, key: string, value: unknown): Promise<void> {
    const id = `sha256:${layerHex(diffID)}`;
    checkKey(key);
    const bytes = await gzipAsync(JSON.stringify(value));
    await this.#data.query(
      `insert into ${this.#table} (diff_id, key, value) values ($1, $2, $3)
       on conflict (diff_id, key) do update set value = excluded.value`,
      [id, key, bytes],
    );
  }

  getMeta(diffID: string): Promise<LayerMeta | undefined> {
    return this.#get<LayerMeta>(diffID, `walk@${WALK_VERSION}`);
  }

  putMeta(meta: LayerMeta): Promise<void> {
    return this.#put(meta.diffID, `walk@${WALK_VERSION}`, meta);
  }

  getAnalysis(diffID: string, analyzer: string, version: number): Promise<LayerAnalysis | undefined> {
    return this.#get<LayerAnalysis>(diffID, `${analyzer}@${version}`);
  }

  putAnalysis(diffID: string, a: LayerAnalysis): Promise<void> {
    return this.#put(diffID, `${a.analyzer}@${a.version}`, a);
  }

  /**
   * Claims a layer for walking across every process using this schema: takes its advisory lock
   * (layerLockKey) on a connection of its own, retrying every 100–250 ms while another session holds
   * it; rejects with the signal's reason as soon as `signal` aborts. Resolves to the release function
   * (idempotent), which unlocks and returns the connection. If the connection is lost meanwhile the
   * lock is gone with it; release then just discards the connection.
   */
  async claim(diffID: string, signal?: AbortSignal): Promise<() => Promise<void>> {
    const key = layerLockKey(this.schema, diffID);
    for (;;) {
      const client = await connect(this.#locks, signal);
      // a checked-out client whose connection drops emits 'error': without a listener that would crash
      const onError = () => {};
      client.on('error', onError);
      let locked = false;
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock($1) as locked',
          [key],
        );
        locked = rows[0]?.locked === true;
      } catch (e) {
        client.off('error', onError);
        client.release(e as Error);
        throw e;
      }
      if (locked && signal?.aborted) {
        await client.query('select pg_advisory_unlock($1)', [key]).catch(() => {});
        locked = false;
      }
      if (locked) {
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          try {
            await client.query('select pg_advisory_unlock($1)', [key]);
            client.off('error', onError);
            client.release();
          } catch (e) {
            // the session is gone (and its lock with it) or unusable: never reuse it
            client.off('error', onError);
            client.release(e as Error);
          }
        };
      }
      client.off('error', onError);
      client.release();
      const pause = CLAIM_RETRY_MIN_MS + Math.random() * (CLAIM_RETRY_MAX_MS - CLAIM_RETRY_MIN_MS);
      await sleep(pause, undefined, signal ? { signal } : {}).catch(() => signal?.throwIfAborted());
      signal?.throwIfAborted();
    }
  }
}
