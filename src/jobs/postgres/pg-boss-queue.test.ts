/**
 * PgBossQueue against the machine's PostgreSQL (HULLSCAN_TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test). Each test uses a fresh pg-boss schema
 * `hullscan_test_<random>`, dropped (CASCADE) afterwards. Without a reachable server the file is
 * skipped with the reason printed, except under CI, where it fails.
 */

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, skipWithoutPg } from '../../../test/support/pg.js';
import { openQueue } from '../open-queue.js';
import { PgBossQueue } from './pg-boss-queue.js';

const DB_URL = PG_URL;
const skip = await skipWithoutPg('pg-boss queue tests');

const schemas = new Set<string>();
const opened: PgBossQueue[] = [];

/** A fresh schema name, dropped after the file. */
function newSchema(): string {
  const s = `hullscan_test_${randomBytes(6).toString('hex')}`;
  schemas.add(s);
  return s;
}

async function open(schema: string, log?: (line: string) => void): Promise<PgBossQueue> {
  const q = await PgBossQueue.open({ connectionString: DB_URL, schema, ...(log ? { log } : {}) });
  opened.push(q);
  return q;
}

afterAll(async () => {
  await Promise.allSettled(opened.map((q) => q.stop(0)));
  if (schemas.size === 0 || skip) return;
  const client = new pg.Client({ connectionString: DB_URL });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
  } finally {
    await client.end();
  }
});

interface Job {
  n: number;
}

const range = (n: number): Job[] => Array.from({ length: n }, (_, i) => ({ n: i }));

/** Resolves once `check` holds, polling every 10 ms; fails after `ms`. */
async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

/** The pg-boss job rows of queue `name` by state (job table and archive). */
async function states(schema: string, name: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: DB_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string; n: string }>(
      `select state, count(*) as n from (
         select state from "${schema}".job where name = $1
         union all select state from "${schema}".archive where name = $1) s group by state`,
      [name],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  } finally {
    await client.end();
  }
}

describe.skipIf(skip)('PgBossQueue', () => {
  it('handles jobs enqueued before and after work() exactly once and marks them completed', async () => {
    const schema = newSchema();
    const q = await open(schema);
    const seen: number[] = [];
    await q.enqueue<Job>('scan', range(5));
    await q.work<Job>('scan', { concurrency: 2 }, async (job) => {
      seen.push(job.n);
    });
    await q.enqueue<Job>(
      'scan',
      range(5).map((j) => ({ n: j.n + 5 })),
    );
    await until(() => seen.length === 10);
    await sleep(1200); // two more polls: nothing is handled twice
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await q.stop();
    expect(await states(schema, 'scan')).toEqual({ completed: 10 });
    await expect(q.enqueue('scan', range(1))).rejects.toThrow(/stopped/);
  });

  it('runs at most `concurrency` handlers at once', async () => {
    const q = await open(newSchema());
    let running = 0;
    let max = 0;
    let done = 0;
    await q.enqueue('scan', range(12));
    await q.work<Job>('scan', { concurrency: 3 }, async () => {
      running++;
      max = Math.max(max, running);
      await sleep(150);
      running--;
      done++;
    });
    await until(() => done === 12);
    expect(max).toBe(3);
    await q.stop();
  });

  it('logs a throwing handler, marks its job failed, and goes on with the others', async () => {
    const schema = newSchema();
    const lines: string[] = [];
    const q = await open(schema, (line) => lines.push(line));
    const handled: number[] = [];
    await q.work<Job>('scan', { concurrency: 2 }, async (job) => {
      if (job.n % 3 === 0) throw new Error(`boom ${job.n}`);
      handled.push(job.n);
    });
    await q.enqueue('scan', range(9));
    await until(() => handled.length === 6 && lines.length === 3);
    expect(handled.sort()).toEqual([1, 2, 4, 5, 7, 8]);
    expect(lines.join('\n')).toContain('boom 3');
    await q.stop();
    // failed, not retried: the task reaper decides what to resend
    expect(await states(schema, 'scan')).toEqual({ completed: 6, failed: 3 });
  });

  it('stop() waits for a running handler and takes no new job', async () => {
    const q = await open(newSchema());
    const started: number[] = [];
    let finished = 0;
    await q.enqueue('scan', range(2));
    await q.work<Job>('scan', { concurrency: 1 }, async (job) => {
      started.push(job.n);
      await sleep(800);
      finished++;
    });
    await until(() => started.length === 1);
    await q.stop(10_000);
    expect(finished).toBe(1);
    expect(started).toHaveLength(1);
  });

  it('stop() gives up after graceMs and fails the unfinished job', async () => {
    const schema = newSchema();
    const q = await open(schema);
    let started = false;
    await q.enqueue('scan', range(1));
    await q.work<Job>('scan', { concurrency: 1 }, async () => {
      started = true;
      await sleep(3000);
    });
    await until(() => started);
    const t0 = Date.now();
    await q.stop(200);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await states(schema, 'scan')).toEqual({ failed: 1 });
  });

  it('two instances on one schema split 200 jobs, none handled twice', async () => {
    const schema = newSchema();
    const [a, b] = [await open(schema), await open(schema)];
    const by = new Map<number, string[]>();
    const handler = (who: string) => async (job: Job) => {
      by.set(job.n, [...(by.get(job.n) ?? []), who]);
      await sleep(10);
    };
    await a.work<Job>('scan', { concurrency: 4 }, handler('a'));
    await b.work<Job>('scan', { concurrency: 4 }, handler('b'));
    await a.enqueue('scan', range(200));
    await until(() => by.size === 200);
    await sleep(1200);
    const twice = [...by].filter(([, who]) => who.length > 1);
    expect(twice).toEqual([]);
    const counts = { a: 0, b: 0 };
    for (const [, [who]] of by) counts[who as 'a' | 'b']++;
    expect(counts.a).toBeGreaterThan(0);
    expect(counts.b).toBeGreaterThan(0);
    expect(counts.a + counts.b).toBe(200);
  });

  it('a job enqueued by one instance is handled by another within ~1.5 s', async () => {
    const schema = newSchema();
    const producer = await open(schema);
    const worker = await open(schema);
    const latencies: number[] = [];
    const sentAt = new Map<number, number>();
    await worker.work<Job>('scan', { concurrency: 1 }, async (job) => {
      latencies.push(Date.now() - sentAt.get(job.n)!);
    });
    for (let n = 0; n < 3; n++) {
      await sleep(700); // the worker is idle, between two polls
      sentAt.set(n, Date.now());
      await producer.enqueue<Job>('scan', [{ n }]);
      await until(() => latencies.length === n + 1, 5000);
    }
    expect(Math.max(...latencies)).toBeLessThan(1500);
  });

  it('openQueue with a PostgreSQL URL opens a PgBossQueue; a bad schema name is refused', async () => {
    const schema = newSchema();
    const q = await openQueue({ databaseUrl: DB_URL, schema, log: () => {} });
    expect(q).toBeInstanceOf(PgBossQueue);
    await q.stop();
    await expect(PgBossQueue.open({ connectionString: DB_URL, schema: 'no"pe' })).rejects.toThrow(
      /not a plain schema name/,
    );
  });
});
