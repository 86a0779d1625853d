/**
 * PgLayerCache against the machine's PostgreSQL (HULLSCAN_TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test). Every cache lives in a fresh schema
 * `hullscan_test_<random>`, dropped (CASCADE) afterwards. Without a reachable server the file is
 * skipped with the reason printed, except under CI, where it fails.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, skipWithoutPg, withPg } from '../../test/support/pg.js';
import type { LayerAnalysis } from '../core/analyzer.js';
import type { LayerMeta } from '../walk/walk-layer.js';
import { WALK_VERSION } from './layer-cache.js';
import { layerLockKey, PgLayerCache } from './pg-layer-cache.js';

const DB_URL = PG_URL;
const skip = await skipWithoutPg('PostgreSQL layer cache tests');

const schemas = new Set<string>();
const caches: PgLayerCache[] = [];
const children: ChildProcess[] = [];

const admin = withPg;

/** A cache in a fresh schema, closed and dropped after the file. */
async function freshCache(schema = `hullscan_test_${randomBytes(6).toString('hex')}`): Promise<PgLayerCache> {
  schemas.add(schema);
  const cache = await PgLayerCache.open(DB_URL, { schema });
  caches.push(cache);
  return cache;
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.allSettled(caches.map((c) => c.close()));
  if (skip || schemas.size === 0) return;
  await admin(async (c) => {
    for (const s of schemas) await c.query(`drop schema if exists "${s}" cascade`);
  });
});

const diffID = (fill: string): string => `sha256:${fill.repeat(64)}`;

const meta = (id: string): LayerMeta => ({
  diffID: id,
  size: 1234,
  files: 3,
  whiteouts: ['etc/old'],
  opaqueDirs: ['var/cache'],
  symlinks: { 'bin/sh': 'busybox' },
});

const analysis: LayerAnalysis = {
  analyzer: 'secrets',
  version: 3,
  files: { 'app/.env': { secrets: [{ rule: 'aws-key', line: 2 }] } } as unknown as LayerAnalysis['files'],
};

/** Whether `p` settled within `ms`. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(ms);
  return settled;
}

describe.skipIf(skip)('PgLayerCache', () => {
  it('round-trips meta and analyses (gzipped JSON under LayerCache keys); a miss is undefined', async () => {
    const cache = await freshCache();
    const id = diffID('a');
    expect(await cache.getMeta(id)).toBeUndefined();
    expect(await cache.getAnalysis(id, 'secrets', 3)).toBeUndefined();

    await cache.putMeta(meta(id));
    await cache.putAnalysis(id, analysis);
    expect(await cache.getMeta(id)).toEqual(meta(id));
    expect(await cache.getMeta(id.replace('sha256:', ''))).toEqual(meta(id));
    expect(await cache.getAnalysis(id, 'secrets', 3)).toEqual(analysis);
    expect(await cache.getAnalysis(id, 'secrets', 4)).toBeUndefined();
    expect(await cache.getMeta(diffID('b'))).toBeUndefined();

    // put replaces
    await cache.putMeta({ ...meta(id), files: 9 });
    expect((await cache.getMeta(id))?.files).toBe(9);

    const rows = await admin(
      async (c) =>
        (
          await c.query<{ diff_id: string; key: string }>(
            `select diff_id, key from "${cache.schema}".layer_cache order by key`,
          )
        ).rows,
    );
    expect(rows).toEqual([
      { diff_id: id, key: 'secrets@3' },
      { diff_id: id, key: `walk@${WALK_VERSION}` },
    ]);
  });

  it('reads an undecodable row as a miss and validates diffIDs and keys', async () => {
    const cache = await freshCache();
    const id = diffID('c');
    await admin((c) =>
      c.query(`insert into "${cache.schema}".layer_cache values ($1, $2, $3), ($1, $4, $5)`, [
        id,
        `walk@${WALK_VERSION}`,
        Buffer.from('not gzip'),
        'secrets@3',
        gzipSync('{not json'),
      ]),
    );
    expect(await cache.getMeta(id)).toBeUndefined();
    expect(await cache.getAnalysis(id, 'secrets', 3)).toBeUndefined();

    expect(await cache.getMeta('sha256:nothex')).toBeUndefined();
    await expect(cache.putMeta(meta('sha256:../../etc'))).rejects.toThrow(/bad diffID/);
    await expect(cache.putAnalysis(id, { ...analysis, analyzer: 'a b' })).rejects.toThrow(/bad cache key/);
    await expect(cache.claim('sha256:1234')).rejects.toThrow(/bad diffID/);
  });

  it('opens twice at once on a new schema', async () => {
    const schema = `hullscan_test_${randomBytes(6).toString('hex')}`;
    const [a, b] = await Promise.all([freshCache(schema), freshCache(schema)]);
    await a.putMeta(meta(diffID('d')));
    expect(await b.getMeta(diffID('d'))).toEqual(meta(diffID('d')));
  });

  it('a second claim (another process: another cache) waits until the first releases', async () => {
    const schema = `hullscan_test_${randomBytes(6).toString('hex')}`;
    const [a, b] = [await freshCache(schema), await freshCache(schema)];
    const id = diffID('e');
    const release = await a.claim(id);
    const second = b.claim(id);
    expect(await settledWithin(second, 600)).toBe(false);
    // another layer is not held up
    const other = await b.claim(diffID('f'));
    await other();
    await release();
    await release(); // idempotent
    const t0 = Date.now();
    const release2 = await second;
    expect(Date.now() - t0).toBeLessThan(1000);
    // within one cache too
    const third = a.claim(id);
    expect(await settledWithin(third, 400)).toBe(false);
    await release2();
    await (await third)();
  });

  it('a claim held by a killed process is released', async () => {
    const cache = await freshCache();
    const id = diffID('1');
    const key = layerLockKey(cache.schema, id);
    const script = `
      const pg = require('pg');
      const c = new pg.Client({ connectionString: process.argv[1] });
      c.connect()
        .then(() => c.query('select pg_advisory_lock($1)', [process.argv[2]]))
        .then(() => { console.log('locked'); setInterval(() => {}, 1000); })
        .catch((e) => { console.error(e.message); process.exit(1); });
    `;
    const child = spawn(process.execPath, ['-e', script, DB_URL, key], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
    });
    const claim = cache.claim(id);
    expect(await settledWithin(claim, 600)).toBe(false);
    const t0 = Date.now();
    child.kill('SIGKILL');
    const release = await claim;
    expect(Date.now() - t0).toBeLessThan(5000);
    await release();
  });

  it('aborting a waiting claim rejects promptly with the abort reason', async () => {
    const cache = await freshCache();
    const id = diffID('2');
    const release = await cache.claim(id);
    const ac = new AbortController();
    const waiting = cache.claim(id, ac.signal);
    expect(await settledWithin(waiting, 300)).toBe(false);
    const t0 = Date.now();
    ac.abort(new Error('scan cancelled'));
    await expect(waiting).rejects.toThrow('scan cancelled');
    expect(Date.now() - t0).toBeLessThan(300);
    await expect(cache.claim(id, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    await release();
    // the aborted claims left no lock behind
    await (await cache.claim(id, new AbortController().signal))();
  });
});
