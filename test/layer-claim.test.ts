/**
 * One walk of a layer at a time per data directory: two scans of one image started together (two
 * real processes sharing a data dir) read each layer once between them; a claim left by a process
 * that died is taken over; waiting for a claim can be aborted.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LayerCache } from '../src/scan/layer-cache.js';
import { CLI, ensureFixtures, FIXTURE_TOOLS, requireTools } from './support/fixtures.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));
const DIFF = `sha256:${'ab'.repeat(32)}`;

describe('layer claims', () => {
  it('makes a second claimant wait for the first, and lets an abort end the wait', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-claim-'));
    work.push(dir);
    const cache = new LayerCache(dir);
    const release = await cache.claim(DIFF);
    let second = false;
    const waiting = cache.claim(DIFF).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(second).toBe(false);
    const aborted = new AbortController();
    const third = cache.claim(DIFF, aborted.signal);
    aborted.abort();
    await expect(third).rejects.toThrow();
    await release();
    await (await waiting)();
    expect(second).toBe(true);
  });

  it('takes over a claim whose process is gone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-claim-'));
    work.push(dir);
    const hex = DIFF.slice(7);
    const file = path.join(dir, 'layers', hex.slice(0, 2), hex, 'claim.json');
    await mkdir(path.dirname(file), { recursive: true });
    // a pid that cannot be alive (above the kernel's pid_max)
    await writeFile(file, `4194999 ${hostname()} ${Date.now()}`);
    const release = await new LayerCache(dir).claim(DIFF, AbortSignal.timeout(5000));
    await release();
    // a live pid (this very process, say a reused one) whose claim nobody has touched for 2 minutes
    await writeFile(file, `${process.pid} ${hostname()} ${Date.now()}`);
    const old = new Date(Date.now() - 120_000);
    await utimes(file, old, old);
    const again = await new LayerCache(dir).claim(DIFF, AbortSignal.timeout(5000));
    await again();
  });
});

const skip = requireTools(FIXTURE_TOOLS.bookworm);

describe.skipIf(skip)('two processes scanning one image at once', () => {
  it('read each layer once between them', async () => {
    const fx = await ensureFixtures(['bookworm']);
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-claim-'));
    work.push(dir);
    const scan = () =>
      new Promise<{ layers: { cached: boolean }[] }>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          [CLI, 'scan', fx.bookworm.ref('oci'), '-q', '--scanners', 'none', '--format', 'json'],
          { env: { ...process.env, HULLSCAN_DATA: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => {
          out += d;
        });
        p.stderr.on('data', (d: Buffer) => {
          err += d;
        });
        p.on('exit', (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}: ${err}`)),
        );
      });
    const [a, b] = await Promise.all([scan(), scan()]);
    const walks = a.layers.map((l, i) => Number(!l.cached) + Number(!b.layers[i]!.cached));
    expect(walks).toEqual(a.layers.map(() => 1));
  }, 180_000);
});
