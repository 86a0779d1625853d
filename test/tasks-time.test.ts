/**
 * Stop, timeout, progress and schedule of scan tasks in real time, shortened by the serve config's
 * `tasks` clocks (no mocked timers): a `hullscan serve` process with its embedded SQLite store and
 * in-process workers scans a large image, and the test watches it through the real SDK.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR } from './support/fleet.js';
import { gzipLayer, type Layer, OciLayout, sha256, tarball } from './support/hostile.js';
import { type ServerProcess, startServer } from './support/server.js';

delete process.env.http_proxy;
delete process.env.HTTP_PROXY;

const account = { appId: 1251000094, uin: '700094' };
const key = {
  secretId: 'AKIDhullscanTaskTimeTest0000000001',
  secretKey: 'task-time-test-key-00000000000000001',
};
/** a scan-setting day of 6 s; heartbeats every 100 ms */
const DAY_MS = 6000;
const TIMING = { heartbeatMs: 100, leaseMs: 2000, reapMs: 200, dayMs: DAY_MS, scheduleTickMs: 100 };
type Any = Record<string, unknown>;

describe('scan tasks in real (shortened) time', () => {
  let work: string;
  let serve: ServerProcess;
  let bigId: string;
  let smallId: string;
  let config: string;

  const call = (action: string, params: Any): Promise<Any> =>
    (
      new tcss.v20201101.Client({
        credential: key,
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: serve.endpoint, protocol: 'http://', reqTimeout: 60 } },
      }) as unknown as { request(a: string, p: Any): Promise<Any> }
    ).request(action, params);
  const detail = (id: string) => call('DescribeAssetImageDetail', { ImageID: id });

  async function untilEnd(taskId: unknown, ms = 120_000): Promise<Any> {
    const until = Date.now() + ms;
    for (;;) {
      const s = await call('DescribeAssetImageScanStatus', { TaskID: taskId });
      if (s.Status === 'END') return s;
      if (Date.now() > until) throw new Error(`task did not end: ${JSON.stringify(s)}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-task-time-'));
    // a big image: 1 GiB of incompressible data in an uncompressed layer takes seconds to read and scan
    const tar = tarball([
      { path: 'opt/', type: 'Directory' },
      ...Array.from({ length: 64 }, (_, i) => ({ path: `opt/data-${i}.bin`, body: randomBytes(16 << 20) })),
      { path: 'opt/eicar.com', body: EICAR },
    ]);
    const big: Layer = {
      blob: tar,
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      diffId: sha256(tar),
      createdBy: 'ADD data /opt',
    };
    const layout = await OciLayout.create(path.join(work, 'images'));
    const bigDesc = await layout.image([big]);
    const smallDesc = await layout.image([
      gzipLayer(tarball([{ path: 'etc/motd', body: 'hello\n' }]), 'ADD motd /etc'),
    ]);
    await layout.tag([
      { desc: bigDesc, tag: 'big' },
      { desc: smallDesc, tag: 'small' },
    ]);
    config = path.join(work, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [{ ...account, credentials: [key] }],
        rateLimits: { default: 0 },
        workers: 1,
        imageRoots: [work],
        tasks: TIMING,
      }),
    );
    serve = await startServer(['--data', path.join(work, 'data'), '--config', config]);
    const added = await call('AddAssetImage', {
      Images: [`oci:${layout.dir}:big`, `oci:${layout.dir}:small`],
    });
    const ids = (added.Images as Any[]).map((x) => String(x.ImageID));
    bigId = ids[0]!;
    smallId = ids[1]!;
  }, 300_000);

  afterAll(async () => {
    if (serve) expect(await serve.stop()).toBe(0);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a running scan reports progress and time left, and stopping it ends it within a second, keeping earlier results', async () => {
    // first, the inventory and vulnerabilities only: the results a stopped rescan must leave in place
    const first = await call('CreateAssetImageScanTask', { Images: [bigId], ScanScope: 1, ScanVul: true });
    expect(await untilEnd(first.TaskID)).toMatchObject({ ImageScanCnt: 1, SuccessCount: 1 });
    const earlier = await detail(bigId);
    expect(earlier).toMatchObject({ ScanStatus: 'SCANNED', VirusCnt: 0, ScanVirusProgress: 0 });

    // then the virus scan, which must read the whole layer again (its analyses are not cached yet)
    const second = await call('CreateAssetImageScanTask', { Images: [bigId], ScanScope: 1, ScanVirus: true });
    let live: Any | undefined;
    let status: Any | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until; await sleep(50)) {
      const d = await detail(bigId);
      if (d.ScanStatus === 'SCANNING' && Number(d.ScanVirusProgress) > 0 && Number(d.RemainScanTime) > 0) {
        live = d;
        status = await call('DescribeAssetImageScanStatus', { TaskID: second.TaskID });
        break;
      }
    }
    expect(live, 'the scan never showed progress and a time left').toBeDefined();
    expect(Number(live!.ScanVirusProgress)).toBeLessThan(100);
    expect(live!.ScanVulProgress).toBe(100); // not part of this task: kept
    expect(status).toMatchObject({ Status: 'SCANNING', ImageTotal: 1, ImageScanCnt: 0 });
    expect(Number(status!.LeftSeconds)).toBeGreaterThan(0);

    const stopAt = Date.now();
    expect(await call('ModifyAssetImageScanStop', { TaskID: second.TaskID })).toMatchObject({
      Status: 'Success',
    });
    const ended = await untilEnd(second.TaskID, 5000);
    const stopped = await detail(bigId);
    expect(Date.now() - stopAt).toBeLessThan(1000);
    expect(ended).toMatchObject({ ImageScanCnt: 1, ImageTotal: 1 });
    expect((await call('DescribeAssetImageScanTask', {})).SubStatus).toBe('Cancel');
    expect(stopped).toMatchObject({
      ScanStatus: 'CANCELED',
      Status: 4,
      VulCnt: earlier.VulCnt,
      RiskCnt: earlier.RiskCnt,
      VirusCnt: 0,
      ScanTime: earlier.ScanTime,
      OsName: earlier.OsName,
    });
  }, 300_000);

  it('a task past its Timeout ends SCAN_ERR with ScanError "timeout"; the next one finishes', async () => {
    // the virus scan reads the big layer again (the stopped one cached nothing): longer than one second
    const started = Date.now();
    const t = await call('CreateAssetImageScanTask', {
      Images: [bigId],
      ScanScope: 1,
      ScanVirus: true,
      Timeout: 1,
    });
    const ended = await untilEnd(t.TaskID, 10_000);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(ended).toMatchObject({ ImageTotal: 1, ImageScanCnt: 1, SuccessCount: 0, RiskCount: 0 });
    expect((await call('DescribeAssetImageScanTask', {})).SubStatus).toBe('Timeout');
    expect(await detail(bigId)).toMatchObject({
      ScanStatus: 'SCAN_ERR',
      Status: 3,
      ScanError: 'timeout',
      VirusCnt: 0,
    });
    // the worker really let go: a task with time enough runs at once and finds the EICAR file
    const full = await call('CreateAssetImageScanTask', { Images: [bigId], ScanScope: 1, ScanVirus: true });
    expect(await untilEnd(full.TaskID)).toMatchObject({ ImageScanCnt: 1, RiskCount: 1 });
    expect(await detail(bigId)).toMatchObject({
      ScanStatus: 'SCANNED',
      ScanError: '',
      VirusCnt: 1,
      ScanVirusProgress: 100,
    });
  }, 180_000);

  it('the embedded server killed in the middle of a task: after a restart the task completes', async () => {
    // the risk scan of the big image has not run yet: it reads the whole layer
    const t = await call('CreateAssetImageScanTask', {
      Images: [bigId, smallId],
      ScanScope: 1,
      ScanRisk: true,
    });
    for (const until = Date.now() + 30_000; (await detail(bigId)).ScanStatus !== 'SCANNING'; await sleep(20))
      expect(Date.now()).toBeLessThan(until);
    await serve.kill();
    serve = await startServer(['--data', path.join(work, 'data'), '--config', config]);
    // the killed scan's lease runs out (2 s) and it is queued again; the waiting image is sent again at start
    expect(await untilEnd(t.TaskID)).toMatchObject({ ImageTotal: 2, ImageScanCnt: 2 });
    expect((await call('DescribeAssetImageScanTask', {})).SubStatus).toBe('Success');
    expect(await detail(bigId)).toMatchObject({ ScanStatus: 'SCANNED', ScanRiskProgress: 100 });
    expect(await detail(smallId)).toMatchObject({ ScanStatus: 'SCANNED' });
  }, 120_000);

  it('a scan setting fires at its time of day, every period, and says so', async () => {
    // ScanTime two "minutes" of the 6-second day after now; a day of 6 s makes a minute ~4 ms
    const now = Date.now();
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const seconds = Math.ceil((((now + 1500 - dayStart) % DAY_MS) / DAY_MS) * 86_400);
    const hhmm = `${String(Math.floor(seconds / 3600) % 24).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;
    await call('CreateAssetImageScanSetting', {
      Enable: true,
      ScanTime: hhmm,
      ScanPeriod: 1,
      ScanVul: true,
      ScanRisk: false,
      ScanVirus: false,
      ScanScope: 1,
      Images: [smallId],
    });
    const seen = new Set<string>();
    for (const until = Date.now() + 3 * DAY_MS; seen.size < 2 && Date.now() < until; await sleep(100)) {
      const s = await call('DescribeAssetImageScanSetting', {});
      if (s.ScanResult === 'Success' && s.LastScanTime)
        seen.add(String((await call('DescribeAssetImageScanTask', {})).TaskID));
    }
    // it fired, and a period (one shortened day) later fired again, each time a task over the chosen image
    expect(seen.size).toBe(2);
    for (const id of seen) expect(await untilEnd(id)).toMatchObject({ ImageTotal: 1, ImageScanCnt: 1 });
    expect(await detail(smallId)).toMatchObject({ ScanStatus: 'SCANNED' });
    await call('CreateAssetImageScanSetting', {
      Enable: false,
      ScanTime: hhmm,
      ScanPeriod: 1,
      ScanVul: true,
      ScanRisk: false,
      ScanVirus: false,
    });
  }, 120_000);
});
