/**
 * The embedded default end to end: `hullscan scan` of a local image records where the image is, and a
 * scan task of `hullscan serve` on the same data directory scans it again from there; an image known
 * only by an index a client submitted can have its vulnerabilities matched again but nothing else.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/fixtures.js';
import { buildFleet, type Fleet } from './support/fleet.js';
import { type ServerProcess, startServer } from './support/server.js';

delete process.env.http_proxy;
delete process.env.HTTP_PROXY;

const ENV = {
  HULLSCAN_APP_ID: '1251000095',
  HULLSCAN_UIN: '700095',
  HULLSCAN_SECRET_ID: 'AKIDhullscanTaskLocalTest000000001',
  HULLSCAN_SECRET_KEY: 'task-local-test-key-000000000000001',
  HULLSCAN_RATE_LIMIT: '0',
  HULLSCAN_TASK_TIMING: JSON.stringify({ heartbeatMs: 100, leaseMs: 2000, reapMs: 200 }),
};
type Any = Record<string, unknown>;

describe('scan tasks over images scanned or submitted earlier', () => {
  let work: string;
  let data: string;
  let fleet: Fleet;
  let serve: ServerProcess;
  const call = (action: string, params: Any): Promise<Any> =>
    (
      new tcss.v20201101.Client({
        credential: { secretId: ENV.HULLSCAN_SECRET_ID, secretKey: ENV.HULLSCAN_SECRET_KEY },
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: serve.endpoint, protocol: 'http://', reqTimeout: 60 } },
      }) as unknown as { request(a: string, p: Any): Promise<Any> }
    ).request(action, params);
  async function untilEnd(taskId: unknown): Promise<Any> {
    for (const until = Date.now() + 60_000; Date.now() < until; await sleep(100)) {
      const s = await call('DescribeAssetImageScanStatus', { TaskID: taskId });
      if (s.Status === 'END') return s;
    }
    throw new Error('task did not end');
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-task-local-'));
    data = path.join(work, 'data');
    fleet = await buildFleet(path.join(work, 'fleet'), 2, { baseBytes: 64 << 10 });
  }, 120_000);

  afterAll(async () => {
    if (serve) expect(await serve.stop()).toBe(0);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('an image `hullscan scan` stored is scanned again by a task, from where it was scanned', async () => {
    // scanned from a relative path: the recorded source must still be found by the server
    const relative = path.relative(path.join(work), fleet.refs[0]!.replace(/^oci:/, ''));
    const scan = await runCli(
      ['scan', `oci:${relative}`, '--data', data, '--scanners', 'vuln', '--format', 'json'],
      {
        env: ENV,
        cwd: work,
      },
    );
    expect(scan.code, scan.stderr).toBe(0);
    serve = await startServer(['--data', data], ENV);
    const list = await call('DescribeAssetImageList', {});
    expect(list.TotalCount).toBe(1);
    const id = String((list.List as Any[])[0]!.ImageID);
    expect((await call('DescribeAssetImageDetail', { ImageID: id })).VirusCnt).toBe(0);

    const t = await call('CreateAssetImageScanTask', { ScanScope: 0, ScanVirus: true, ScanRisk: true });
    expect(await untilEnd(t.TaskID)).toMatchObject({ ImageTotal: 1, ImageScanCnt: 1, RiskCount: 1 });
    // image 0 of the fleet has an EICAR file and an AWS key: found now, from the recorded source
    expect(await call('DescribeAssetImageDetail', { ImageID: id })).toMatchObject({
      ScanStatus: 'SCANNED',
      VirusCnt: 1,
      ScanVirusProgress: 100,
    });
    expect(Number((await call('DescribeAssetImageDetail', { ImageID: id })).RiskCnt)).toBeGreaterThan(0);
  }, 120_000);

  it('an index submitted by a client: a virus scan fails with the reason, earlier results stay', async () => {
    const submit = await runCli(
      [
        'submit',
        fleet.refs[1]!,
        '--server',
        serve.url,
        '--secret-id',
        ENV.HULLSCAN_SECRET_ID,
        '--secret-key',
        ENV.HULLSCAN_SECRET_KEY,
        '--data',
        path.join(work, 'client-data'),
      ],
      { env: ENV },
    );
    expect(submit.code, submit.stderr).toBe(0);
    const list = await call('DescribeAssetImageList', { Limit: 10 });
    expect(list.TotalCount).toBe(2);
    const id = String(
      (list.List as Any[]).find((x) => x.ScanStatus === 'SCANNED' && x.VirusCnt === 0)!.ImageID,
    );
    const before = await call('DescribeAssetImageDetail', { ImageID: id });
    const t = await call('CreateAssetImageScanTask', { Images: [id], ScanScope: 1, ScanVirus: true });
    expect(await untilEnd(t.TaskID)).toMatchObject({ ImageTotal: 1, ImageScanCnt: 1, SuccessCount: 0 });
    const after = await call('DescribeAssetImageDetail', { ImageID: id });
    expect(after).toMatchObject({ ScanStatus: 'SCAN_ERR', Status: 3 });
    expect(String(after.ScanError)).toMatch(/no source to read the image from/);
    expect([after.VulCnt, after.RiskCnt, after.ScanTime, after.OsName]).toEqual([
      before.VulCnt,
      before.RiskCnt,
      before.ScanTime,
      before.OsName,
    ]);
  }, 120_000);
});
