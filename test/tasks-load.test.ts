/**
 * Load: 1,000 images (sharing their base layers, built here) queued in one task and scanned by three
 * `hullscan worker` processes on PostgreSQL behind a `hullscan serve --workers 0` API node. Every
 * image must end SCANNED, the counts must agree, and each shared layer must have been read once in
 * all — the shared layer cache and its claims at work across processes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFleet, type Fleet } from './support/fleet.js';
import { dropSchemas, newSchema, skipWithoutPg, urlWithSchema } from './support/pg.js';
import { type ServerProcess, startServer } from './support/server.js';
import { startWorker, type WorkerProcess } from './support/worker.js';

delete process.env.http_proxy;
delete process.env.HTTP_PROXY;

const skip = await skipWithoutPg('the 1,000-image task load test');
const COUNT = Number(process.env.HULLSCAN_LOAD_IMAGES || 1000);
const account = { appId: 1251000093, uin: '700093' };
const key = {
  secretId: 'AKIDhullscanTaskLoadTest0000000001',
  secretKey: 'task-load-test-key-0000000000000001',
};
type Any = Record<string, unknown>;

describe.skipIf(skip)(`${COUNT} images across 3 workers on PostgreSQL`, () => {
  let work: string;
  let schema: string;
  let fleet: Fleet;
  let serve: ServerProcess;
  const workers: WorkerProcess[] = [];

  const call = (action: string, params: Any): Promise<Any> =>
    (
      new tcss.v20201101.Client({
        credential: key,
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: serve.endpoint, protocol: 'http://', reqTimeout: 120 } },
      }) as unknown as { request(a: string, p: Any): Promise<Any> }
    ).request(action, params);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-task-load-'));
    schema = await newSchema();
    fleet = await buildFleet(path.join(work, 'fleet'), COUNT, { baseBytes: 2 << 20 });
    const config = path.join(work, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [{ ...account, credentials: [key] }],
        rateLimits: { default: 0 },
        workers: 0,
        imageRoots: [work],
        database: urlWithSchema(schema),
      }),
    );
    serve = await startServer(['--data', path.join(work, 'serve-data'), '--config', config]);
    for (let i = 0; i < 3; i++)
      workers.push(
        await startWorker(
          [
            '--data',
            path.join(work, `worker-${i}`),
            '--database',
            urlWithSchema(schema),
            '--concurrency',
            '2',
          ],
          {},
        ),
      );
  }, 600_000);

  afterAll(async () => {
    for (const w of workers) await w.kill();
    await serve?.kill();
    if (schema) await dropSchemas(schema);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('every image is scanned once, counts agree, shared layers are read once in all', async () => {
    for (let i = 0; i < COUNT; i += 100) {
      const r = await call('AddAssetImage', { Images: fleet.refs.slice(i, i + 100) });
      expect((r.Images as unknown[]).length).toBe(Math.min(100, COUNT - i));
    }
    const started = Date.now();
    const { TaskID } = await call('CreateAssetImageScanTask', {
      ScanScope: 0,
      ScanVul: true,
      ScanRisk: true,
      ScanVirus: true,
      Timeout: 3600,
    });
    let status: Any;
    let sawProgress = false;
    for (;;) {
      status = await call('DescribeAssetImageScanStatus', { TaskID });
      if (status.Status === 'END') break;
      if (Number(status.ImageScanCnt) > 0 && Number(status.ImageScanCnt) < COUNT) sawProgress = true;
      expect(Date.now() - started, JSON.stringify(status)).toBeLessThan(900_000);
      await sleep(1000);
    }
    const seconds = (Date.now() - started) / 1000;
    const risky = new Set([...fleet.withSecret, ...fleet.withEicar]).size;
    expect(sawProgress).toBe(true);
    expect(status).toMatchObject({
      ImageTotal: COUNT,
      ImageScanCnt: COUNT,
      Schedule: 100,
      RiskCount: risky,
      SuccessCount: COUNT - risky,
      LeftSeconds: 0,
    });
    const scanned = await call('DescribeAssetImageList', {
      Limit: 1,
      Filters: [{ Name: 'ScanStatus', Values: ['SCANNED'] }],
    });
    expect(scanned.TotalCount).toBe(COUNT);
    const withVirus = await call('DescribeAssetImageList', {
      Limit: 1,
      Filters: [{ Name: 'SecurityRisk', Values: ['VirusCnt'] }],
    });
    expect(withVirus.TotalCount).toBe(fleet.withEicar.size);

    const tallies = [];
    for (const w of workers) {
      expect(await w.stop()).toBe(0);
      const m =
        /stopped after (\d+) images: (\d+) layers read \(\d+ bytes\), (\d+) taken from the layer cache/.exec(
          w.stderr(),
        );
      expect(m, w.stderr()).not.toBeNull();
      tallies.push({ images: Number(m![1]), read: Number(m![2]), cached: Number(m![3]) });
    }
    workers.length = 0;
    const total = tallies.reduce(
      (s, t) => ({ images: s.images + t.images, read: s.read + t.read, cached: s.cached + t.cached }),
      {
        images: 0,
        read: 0,
        cached: 0,
      },
    );
    // every image scanned once; each image's own layer read, the two shared layers read once in all
    expect(total.images).toBe(COUNT);
    expect(total.read).toBe(COUNT + fleet.baseDiffIDs.length);
    expect(total.cached).toBe(COUNT * 3 - total.read);
    for (const t of tallies) expect(t.images).toBeGreaterThan(0);
    console.log(
      `[tasks-load] ${COUNT} images, 3 workers: ${seconds.toFixed(1)} s (${((COUNT / seconds) * 60).toFixed(0)} images/min); ` +
        `${total.read} layer reads, ${total.cached} saved by the layer cache; per worker ${tallies.map((t) => t.images).join('/')}`,
    );
  }, 1_000_000);
});
