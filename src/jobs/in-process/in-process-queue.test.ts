import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openQueue } from '../open-queue.js';
import { InProcessQueue } from './in-process-queue.js';

interface Job {
  n: number;
}

const range = (n: number): Job[] => Array.from({ length: n }, (_, i) => ({ n: i }));

/** Resolves once `check` holds, polling every 5 ms; fails after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

describe('InProcessQueue', () => {
  it('handles jobs enqueued before and after work() exactly once, oldest first', async () => {
    const q = new InProcessQueue();
    const seen: number[] = [];
    await q.enqueue<Job>('scan', range(5));
    await q.work<Job>('scan', { concurrency: 1 }, async (job) => {
      seen.push(job.n);
    });
    await q.enqueue<Job>(
      'scan',
      range(5).map((j) => ({ n: j.n + 5 })),
    );
    await until(() => seen.length === 10);
    await sleep(20);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await q.stop();
  });

  it('keeps queue names apart and hands handlers a copy of the job', async () => {
    const q = new InProcessQueue();
    const a: Job[] = [];
    const b: Job[] = [];
    const original = { n: 1 };
    await q.work<Job>('a', { concurrency: 2 }, async (job) => void a.push(job));
    await q.work<Job>('b', { concurrency: 2 }, async (job) => void b.push(job));
    await q.enqueue('a', [original]);
    await q.enqueue<Job>('b', [{ n: 2 }, { n: 3 }]);
    await until(() => a.length === 1 && b.length === 2);
    expect(a).toEqual([{ n: 1 }]);
    expect(a[0]).not.toBe(original);
    expect(b.map((j) => j.n).sort()).toEqual([2, 3]);
    await q.stop();
  });

  it('runs at most `concurrency` handlers at once, and starts them without polling', async () => {
    const q = new InProcessQueue();
    let running = 0;
    let max = 0;
    let done = 0;
    await q.work<Job>('scan', { concurrency: 3 }, async () => {
      running++;
      max = Math.max(max, running);
      await sleep(30);
      running--;
      done++;
    });
    const t0 = Date.now();
    await q.enqueue('scan', range(12));
    expect(running).toBe(3); // started synchronously by enqueue
    await until(() => done === 12);
    expect(max).toBe(3);
    expect(Date.now() - t0).toBeLessThan(1000);
    await q.stop();
  });

  it('logs a throwing handler and goes on with the other jobs', async () => {
    const lines: string[] = [];
    const q = new InProcessQueue({ log: (line) => lines.push(line) });
    const handled: number[] = [];
    await q.work<Job>('scan', { concurrency: 2 }, async (job) => {
      if (job.n % 3 === 0) throw new Error(`boom ${job.n}`);
      handled.push(job.n);
    });
    await q.enqueue('scan', range(9));
    await until(() => handled.length === 6);
    expect(handled.sort()).toEqual([1, 2, 4, 5, 7, 8]);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain('boom 3');
    await q.stop();
  });

  it('stop() waits for a running handler, starts no new job, and gives up after graceMs', async () => {
    const q = new InProcessQueue();
    const started: number[] = [];
    let finished = 0;
    await q.work<Job>('scan', { concurrency: 1 }, async (job) => {
      started.push(job.n);
      await sleep(job.n === 0 ? 300 : 2000);
      finished++;
    });
    await q.enqueue('scan', range(2));
    await until(() => started.length === 1);
    await q.stop(5000);
    expect(finished).toBe(1);
    await sleep(20);
    expect(started).toEqual([0]); // the second job was never started

    const slow = new InProcessQueue();
    let slowDone = false;
    await slow.work<Job>('scan', { concurrency: 1 }, async () => {
      await sleep(1500);
      slowDone = true;
    });
    await slow.enqueue('scan', range(1));
    const t0 = Date.now();
    await slow.stop(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(slowDone).toBe(false);
    await expect(slow.work('scan', { concurrency: 1 }, async () => {})).rejects.toThrow(/stopped/);
  });

  it('rejects a bad concurrency', async () => {
    const q = new InProcessQueue();
    await expect(q.work('scan', { concurrency: 0 }, async () => {})).rejects.toThrow(/concurrency/);
    await expect(q.work('scan', { concurrency: 1.5 }, async () => {})).rejects.toThrow(/concurrency/);
  });

  it('openQueue without a database URL is in-process; a non-PostgreSQL URL is refused', async () => {
    const q = await openQueue();
    expect(q).toBeInstanceOf(InProcessQueue);
    await q.stop();
    await expect(openQueue({ databaseUrl: 'mysql://u:secret@h/db' })).rejects.toThrow(/not a PostgreSQL URL/);
    await expect(openQueue({ databaseUrl: 'mysql://u:secret@h/db' })).rejects.not.toThrow(/secret/);
  });
});
