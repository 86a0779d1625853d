/**
 * Scan tasks on PostgreSQL with real processes: `hullscan serve --workers 0` in front, `hullscan worker`
 * processes doing the scans, on a PostgreSQL server of the test's own (so it can be restarted without
 * disturbing other test files). Workers are killed with SIGKILL at exactly the step each case names —
 * a failpoint (src/core/failpoint.ts) prints where the process stands and pauses there — and the
 * database is restarted mid-task. Every time the task must still end, every image SCANNED or SCAN_ERR
 * with a reason, and the detail, the lists and the task status must agree, with nothing duplicated.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFleet, type Fleet } from './support/fleet.js';
import { type PrivatePg, privatePgUnavailable, startPrivatePg } from './support/private-pg.js';
import { type ServerProcess, startServer } from './support/server.js';
import { startWorker, type WorkerProcess } from './support/worker.js';

delete process.env.http_proxy;
delete process.env.HTTP_PROXY;

const unavailable = privatePgUnavailable();
if (unavailable && process.env.CI) throw new Error(`tasks fault tests cannot run in CI: ${unavailable}`);
if (unavailable) console.warn(`[hullscan tests] skipping task fault tests: ${unavailable}`);

const alice = { appId: 1251000091, uin: '700091' };
const aliceKey = {
  secretId: 'AKIDhullscanTaskFaultTest000000001',
  secretKey: 'task-fault-test-key-000000000000001',
};
const bob = { appId: 1251000092, uin: '700092' };
const bobKey = {
  secretId: 'AKIDhullscanTaskFaultTest000000002',
  secretKey: 'task-fault-test-key-000000000000002',
};

/** Real clocks, shortened: a dead worker's claim is taken back after 2 s. */
const TIMING = { heartbeatMs: 200, leaseMs: 2000, reapMs: 300, resendMs: 4000, maxAttempts: 6 };
const IMAGES = 24;

type Client = InstanceType<typeof tcss.v20201101.Client>;
type Any = Record<string, unknown>;

describe.skipIf(unavailable !== undefined)(
  'scan tasks survive killed processes and a database restart',
  () => {
    let work: string;
    let db: PrivatePg;
    let fleet: Fleet;
    let config: string;
    let serve: ServerProcess | undefined;
    const workers = new Set<WorkerProcess>();
    const aliceImages: string[] = [];
    const bobImages: string[] = [];
    /** ImageID → the image's number in the fleet */
    const fleetIndex = new Map<string, number>();

    const client = (key = aliceKey): Client =>
      new tcss.v20201101.Client({
        credential: key,
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: serve!.endpoint, protocol: 'http://', reqTimeout: 60 } },
      });
    /** An SDK call; when the server cannot be reached, the error carries what the server last printed. */
    const call = (action: string, params: Any, key = aliceKey): Promise<Any> =>
      (client(key) as unknown as { request(a: string, p: Any): Promise<Any> })
        .request(action, params)
        .catch((e: Error) => {
          if (/ECONNREFUSED|socket hang up|ECONNRESET/.test(e.message) && serve)
            e.message += `\n--- hullscan serve stderr (last 3000 chars) ---\n${serve.stderr().slice(-3000)}`;
          throw e;
        });

    const env = (failpoints = '') => ({
      HULLSCAN_DATABASE_URL: db.url,
      HULLSCAN_TASK_TIMING: JSON.stringify(TIMING),
      ...(failpoints ? { HULLSCAN_FAILPOINTS: failpoints } : {}),
    });
    const worker = async (failpoints = '', ready = true) => {
      const w = await startWorker(
        ['--data', path.join(work, 'worker-data'), '--concurrency', '2'],
        env(failpoints),
        { ready },
      );
      workers.add(w);
      return w;
    };
    const startServe = async (failpoints = '') => {
      serve = await startServer(
        ['--data', path.join(work, 'serve-data'), '--config', config],
        env(failpoints),
      );
      return serve;
    };

    /** Polls the task's status until END (or fails after `ms`). */
    async function untilEnd(taskId: string, key = aliceKey, ms = 120_000): Promise<Any> {
      const until = Date.now() + ms;
      for (;;) {
        const s = await call('DescribeAssetImageScanStatus', { TaskID: taskId }, key);
        if (s.Status === 'END') return s;
        if (Date.now() > until) throw new Error(`task ${taskId} did not end: ${JSON.stringify(s)}`);
        await sleep(250);
      }
    }

    /** The task's invariants: every image final with a reason, counts agreeing everywhere, nothing doubled. */
    async function checkTask(taskId: string, images: string[], key = aliceKey): Promise<void> {
      const status = await untilEnd(taskId, key);
      expect(status.ImageTotal).toBe(images.length);
      expect(status.ImageScanCnt).toBe(images.length);
      expect(status.Schedule).toBe(100);
      expect(status.LeftSeconds).toBe(0);
      let scanned = 0;
      let risky = 0;
      for (const id of images) {
        const d = await call('DescribeAssetImageDetail', { ImageID: id }, key);
        expect(['SCANNED', 'SCAN_ERR'], `${id}: ${JSON.stringify(d)}`).toContain(d.ScanStatus);
        if (d.ScanStatus === 'SCAN_ERR') {
          expect(d.ScanError).not.toBe('');
          continue;
        }
        scanned++;
        const index = fleetIndex.get(id)!;
        const secret = fleet.withSecret.has(index);
        const eicar = fleet.withEicar.has(index);
        if (secret || eicar) risky++;
        // the counts the detail shows are the lists' totals: no row doubled, none missing
        const risks = await call('DescribeAssetImageRiskList', { ImageID: id, Limit: 100 }, key);
        const viruses = await call('DescribeAssetImageVirusList', { ImageID: id, Limit: 100 }, key);
        const vuls = await call('DescribeAssetImageVulList', { ImageID: id, Limit: 100 }, key);
        const components = await call('DescribeImageComponentList', { ImageID: id, Limit: 100 }, key);
        expect(risks.TotalCount).toBe(d.RiskCnt);
        expect(viruses.TotalCount).toBe(d.VirusCnt);
        expect(vuls.TotalCount).toBe(d.VulCnt);
        expect(components.TotalCount).toBe(4); // three dpkg packages and lodash, once each
        expect(d.VirusCnt).toBe(eicar ? 1 : 0);
        expect(Number(d.RiskCnt) > 0).toBe(secret);
        expect(d.ScanVulProgress).toBe(100);
        const row = (
          (await call('DescribeAssetImageList', { Filters: [{ Name: 'ImageID', Values: [id] }] }, key))
            .List as Any[]
        )[0]!;
        expect([row.VulCnt, row.RiskCnt, row.VirusCnt, row.ScanStatus]).toEqual([
          d.VulCnt,
          d.RiskCnt,
          d.VirusCnt,
          d.ScanStatus,
        ]);
      }
      expect(Number(status.SuccessCount) + Number(status.RiskCount)).toBe(scanned);
      expect(status.RiskCount).toBe(risky);
      // the account's image list holds each image once
      const list = await call('DescribeAssetImageList', { Limit: 1 }, key);
      expect(list.TotalCount).toBe(key === aliceKey ? aliceImages.length : bobImages.length);
    }

    async function createTask(
      images: string[],
      key = aliceKey,
      categories = { ScanVul: true, ScanRisk: true, ScanVirus: true },
    ) {
      const r = await call('CreateAssetImageScanTask', { Images: images, ScanScope: 1, ...categories }, key);
      expect(typeof r.TaskID).toBe('string');
      return String(r.TaskID);
    }

    beforeAll(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'hullscan-task-faults-'));
      db = await startPrivatePg();
      // a big incompressible base layer: reading it takes long enough to be killed in the middle of it
      fleet = await buildFleet(path.join(work, 'fleet'), IMAGES, { baseBytes: 48 << 20 });
      config = path.join(work, 'config.json');
      await writeFile(
        config,
        JSON.stringify({
          accounts: [
            { ...alice, credentials: [aliceKey] },
            { ...bob, credentials: [bobKey] },
          ],
          rateLimits: { default: 0 },
          workers: 0,
          imageRoots: [work],
        }),
      );
      await startServe();
      for (let i = 0; i < IMAGES; i += 12) {
        const r = await call('AddAssetImage', { Images: fleet.refs.slice(i, i + 12) });
        aliceImages.push(...(r.Images as Any[]).map((x) => String(x.ImageID)));
      }
      const r = await call('AddAssetImage', { Images: fleet.refs.slice(0, 4) }, bobKey);
      bobImages.push(...(r.Images as Any[]).map((x) => String(x.ImageID)));
      expect(new Set(aliceImages).size).toBe(IMAGES);
      for (const [i, id] of aliceImages.entries()) fleetIndex.set(id, i);
    }, 300_000);

    afterAll(async () => {
      for (const w of workers) await w.kill();
      await serve?.kill();
      await db?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    const stopAll = async () => {
      for (const w of workers) {
        await w.stop();
        workers.delete(w);
      }
    };

    it('a worker killed in the middle of a layer: its image is scanned again by another worker', async () => {
      const doomed = await worker('scan:mid-layer=0');
      const taskId = await createTask(aliceImages);
      await doomed.waitFor(/hullscan failpoint scan:mid-layer/);
      await doomed.kill();
      workers.delete(doomed);
      const before = await call('DescribeAssetImageScanStatus', { TaskID: taskId });
      expect(before.Status).not.toBe('END');
      await worker();
      await checkTask(taskId, aliceImages);
    }, 240_000);

    it('a worker killed inside the transaction that saves a scan: nothing half-written, scanned again', async () => {
      await stopAll();
      const doomed = await worker('complete:before-commit=20000');
      const taskId = await createTask(aliceImages.slice(0, 6), aliceKey, {
        ScanVul: true,
        ScanRisk: true,
        ScanVirus: false,
      });
      await doomed.waitFor(/hullscan failpoint complete:before-commit/);
      // the transaction is open and paused: readers see the image as it was, SCANNING, not a half-saved scan
      const scanning = await call('DescribeAssetImageList', {
        Filters: [{ Name: 'ScanStatus', Values: ['SCANNING'] }],
      });
      expect(Number(scanning.TotalCount)).toBeGreaterThan(0);
      await doomed.kill();
      workers.delete(doomed);
      await worker();
      await checkTask(taskId, aliceImages.slice(0, 6));
    }, 240_000);

    it('an API node killed between storing a task and queueing it, and a worker killed in its housekeeping', async () => {
      await stopAll();
      await serve!.stop();
      await startServe('task:after-create=20000');
      const created = call('CreateAssetImageScanTask', {
        Images: aliceImages.slice(6, 14),
        ScanScope: 1,
        ScanVul: true,
      }).catch((e: Error) => e);
      await until(() => /hullscan failpoint task:after-create/.test(serve!.stderr()));
      await serve!.kill();
      expect(await created).toBeInstanceOf(Error); // the client never heard back
      // the task is stored but nothing was queued: the next node's housekeeping sends its jobs; this one dies doing so
      const doomed = await worker('reap:before-send=20000', false);
      await doomed.waitFor(/hullscan failpoint reap:before-send/);
      await doomed.kill();
      workers.delete(doomed);
      await worker();
      await startServe();
      const latest = await call('DescribeAssetImageScanTask', {});
      await checkTask(String(latest.TaskID), aliceImages.slice(6, 14));
    }, 240_000);

    it('every database connection dropped while a worker is inside the transaction that saves a scan: no process dies, the task completes', async () => {
      // pg emits 'error' on a checked-out client whose connection ends between two queries; without a
      // listener that is an uncaught exception, so a restart at such a moment killed the process
      await stopAll();
      const paused = await worker('complete:before-commit=3000');
      const taskId = await createTask(aliceImages.slice(0, 4), aliceKey, {
        ScanVul: true,
        ScanRisk: false,
        ScanVirus: false,
      });
      await paused.waitFor(/hullscan failpoint complete:before-commit/);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
            where pid <> pg_backend_pid() and datname = current_database()`,
        );
        expect(rows[0]!.n).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      // the paused transaction finds its connection gone when it goes on: its image is scanned again
      const exit = await Promise.race([paused.exited, sleep(4500).then(() => 'alive' as const)]);
      expect(exit, paused.stderr()).toBe('alive');
      await checkTask(taskId, aliceImages.slice(0, 4));
      expect(await Promise.race([paused.exited, sleep(10).then(() => 'alive' as const)])).toBe('alive');
    }, 240_000);

    it('the database restarts in the middle of a task: the task still completes', async () => {
      await worker();
      const taskId = await createTask(aliceImages);
      await sleep(300);
      const before = await call('DescribeAssetImageScanStatus', { TaskID: taskId });
      expect(Number(before.ImageScanCnt)).toBeLessThan(IMAGES);
      await db.restart();
      await checkTask(taskId, aliceImages);
    }, 300_000);

    it('two accounts running tasks at once never see each other’s tasks or images', async () => {
      const [a, b] = await Promise.all([createTask(aliceImages), createTask(bobImages, bobKey)]);
      await Promise.all([checkTask(a, aliceImages), checkTask(b, bobImages, bobKey)]);
      expect((await call('DescribeAssetImageScanTask', {}, bobKey)).TaskID).toBe(b);
      expect((await call('DescribeAssetImageScanTask', {})).TaskID).toBe(a);
      await expect(call('DescribeAssetImageScanStatus', { TaskID: a }, bobKey)).rejects.toMatchObject({
        code: 'ResourceNotFound',
      });
      // alice's task does not exist for bob, not even to stop it
      await expect(call('ModifyAssetImageScanStop', { TaskID: a }, bobKey)).rejects.toMatchObject({
        code: 'ResourceNotFound',
      });
      const list = await call('DescribeAssetImageList', { Limit: 100 }, bobKey);
      expect(list.TotalCount).toBe(bobImages.length);
      expect((await call('DescribeAssetImageScanStatus', { TaskID: a })).Status).toBe('END');
    }, 300_000);
  },
);

async function until(f: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}
