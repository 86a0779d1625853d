/**
 * The scan-task actions through the real Tencent Cloud SDK against an in-process API server
 * (createApiServer with allActions and a SQLite store):
 * - parameter handling of every action, with a small recording TaskService standing in for the job
 *   system (what the gateway and the actions refuse, and what they hand to the job system);
 * - end to end with the real job system (startTaskSystem): AddAssetImage of OCI layouts, a task over
 *   them polled until END with counts checked against DescribeAssetImageList, an empty task, stopping
 *   queued scans, and the scan setting saved, read back and fired.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommonClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allActions } from '../src/api/actions/index.js';
import { staticCredentials } from '../src/api/gateway/credentials.js';
import { createApiServer } from '../src/api/gateway/server.js';
import { BadInputError } from '../src/core/errors.js';
import { openStore } from '../src/store/open-store.js';
import type { Account, Store } from '../src/store/store.js';
import type { ScanSetting, StopSelection, TaskRow } from '../src/store/tasks.js';
import type { SettingInput, TaskRequest, TaskService, TaskStatus } from '../src/tasks/service.js';
import { imageOfLayers } from './support/dir-image.js';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const account: Account = { appId: 1251000091, uin: '900091' };
const key = { secretId: 'AKIDhullscanTaskApiTest00000000001', secretKey: 'task-api-test-key-00000000000001' };
const ZONE = 'Asia/Shanghai';
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The real entry point of the job system, once src/tasks/index.ts provides it. */
const taskModule = await import('../src/tasks/index.js').catch(() => undefined);
const realTasksAvailable = taskModule?.startTaskSystem !== undefined;

interface Served {
  endpoint: string;
  close(): Promise<void>;
}

/** allActions behind the real gateway on 127.0.0.1, answering for `account` with `key`. */
async function serve(store: Store, tasks: TaskService | undefined): Promise<Served> {
  const server = createApiServer({
    actions: allActions(),
    credentials: staticCredentials([{ ...key, account }]),
    store,
    tasks,
    timeZone: ZONE,
    rateLimits: { default: 0 },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type SignMethod = 'TC3-HMAC-SHA256' | 'HmacSHA256';
const sdk = (
  endpoint: string,
  signMethod: SignMethod = 'TC3-HMAC-SHA256',
  reqMethod: 'POST' | 'GET' = 'POST',
) =>
  new tcss.v20201101.Client({
    credential: key,
    region: 'ap-guangzhou',
    profile: { signMethod, httpProfile: { endpoint, protocol: 'http://', reqMethod, reqTimeout: 60 } },
  });
const common = (endpoint: string) =>
  new CommonClient(endpoint, '2020-11-01', {
    credential: key,
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 60 } },
  });

interface SdkError {
  code?: string;
  message: string;
}
async function failure(p: Promise<unknown>): Promise<SdkError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as SdkError,
  );
  if (!e) throw new Error('expected the call to fail');
  return e;
}

const KNOWN_TASK: TaskRow = {
  taskId: 'task-known',
  categories: { vul: true, virus: false, risk: true },
  origin: 'manual',
  createdMs: Date.UTC(2026, 0, 2, 3, 4, 5),
  deadlineMs: Date.UTC(2026, 0, 2, 4, 4, 5),
  status: 'SCANNING',
  subStatus: '',
};

/**
 * Stand-in job system for the parameter tests: records what the actions hand it, knows one task
 * (`task-known`: 7 images, 3 finished of which 2 scanned, 1 of them risky) and refuses references
 * under `/forbidden` as the real one refuses references outside its image roots.
 */
class RecordingTasks implements TaskService {
  created: TaskRequest[] = [];
  stopped: StopSelection[] = [];
  setting: SettingInput | undefined;
  added: string[][] = [];

  async createTask(_account: Account, request: TaskRequest) {
    this.created.push(request);
    return { taskId: `task-${this.created.length}`, imageCount: 0 };
  }
  async status(_account: Account, taskId?: string): Promise<TaskStatus | undefined> {
    if (taskId !== undefined && taskId !== KNOWN_TASK.taskId) return undefined;
    return {
      task: KNOWN_TASK,
      counts: {
        total: 7,
        finished: 3,
        scanned: 2,
        failed: 1,
        canceled: 0,
        running: 1,
        risky: 1,
        bytesLeft: 1000,
        bytesDone: 500,
        busyMs: 100,
      },
      leftSeconds: 12.2,
    };
  }
  async stop(_account: Account, selection: StopSelection) {
    this.stopped.push(selection);
    return 0;
  }
  async getSetting(): Promise<ScanSetting | undefined> {
    return this.setting && { ...this.setting, nextRunMs: 0 };
  }
  async putSetting(_account: Account, setting: SettingInput) {
    this.setting = setting;
  }
  async addImages(_account: Account, references: string[]) {
    this.added.push(references);
    for (const r of references)
      if (r.startsWith('oci:/forbidden')) throw new BadInputError(r, 'is outside the server’s image roots');
    return references.map((reference, i) => ({
      reference,
      imageId: `sha256:${String(i).padStart(64, '0')}`,
      imageName: `added-${i}:latest`,
    }));
  }
}

describe('scan task actions: parameters (recording job system)', () => {
  let work: string;
  let store: Store;
  let served: Served;
  let bare: Served;
  const tasks = new RecordingTasks();
  const c = () => sdk(served.endpoint);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-api-tasks-params-'));
    store = await openStore(path.join(work, 'data'));
    served = await serve(store, tasks);
    bare = await serve(store, undefined);
  });
  afterAll(async () => {
    await served?.close();
    await bare?.close();
    await store?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('CreateAssetImageScanTask hands the selection, categories and timeout to the job system', async () => {
    const all = await c().CreateAssetImageScanTask({
      All: true,
      ScanVul: true,
      IsOneClickScanningTask: true,
    });
    expect(all.TaskID).toBe('task-1');
    expect(tasks.created.at(-1)).toEqual({
      excludeImageIds: [],
      containerRunning: false,
      categories: { vul: true, virus: false, risk: false },
      timeoutSeconds: 3600,
    });
    await c().CreateAssetImageScanTask({
      Images: ['sha256:a', 'sha256:b'],
      ScanRisk: true,
      ScanVirus: true,
      Timeout: 60,
      ClusterIDs: [],
    });
    expect(tasks.created.at(-1)).toEqual({
      imageIds: ['sha256:a', 'sha256:b'],
      excludeImageIds: [],
      containerRunning: false,
      categories: { vul: false, virus: true, risk: true },
      timeoutSeconds: 60,
    });
    await c().CreateAssetImageScanTask({
      ScanScope: 0,
      Filters: [
        { Name: 'ImageName', Values: ['nginx'], ExactMatch: false },
        { Name: 'ScanStatus', Values: ['notScan'] },
      ],
      ExcludeImageIds: ['sha256:c'],
      ContainerRunning: true,
      ScanVul: true,
      Timeout: 86_400,
    });
    expect(tasks.created.at(-1)).toEqual({
      filter: { imageName: { values: ['nginx'], exact: false }, scanStatus: ['NOT_SCAN'] },
      excludeImageIds: ['sha256:c'],
      containerRunning: true,
      categories: { vul: true, virus: false, risk: false },
      timeoutSeconds: 86_400,
    });
    // v1 form encoding (tccli's) reaches the same request
    await sdk(served.endpoint, 'HmacSHA256').CreateAssetImageScanTask({
      ScanScope: 1,
      Images: ['sha256:d'],
      ScanVul: false,
      ScanRisk: true,
    });
    expect(tasks.created.at(-1)).toMatchObject({
      imageIds: ['sha256:d'],
      categories: { vul: false, virus: false, risk: true },
    });
  });

  it('CreateAssetImageScanTask refuses what it cannot do, naming the parameter and why', async () => {
    const before = tasks.created.length;
    const cases: [Parameters<ReturnType<typeof c>['CreateAssetImageScanTask']>[0], string, RegExp][] = [
      [{ All: true }, 'InvalidParameterValue', /ScanVul.*at least one of ScanVul, ScanVirus and ScanRisk/],
      [{ All: true, ScanVul: false, ScanRisk: false }, 'InvalidParameterValue', /at least one/],
      [{ ScanScope: 2, ScanVul: true }, 'InvalidParameterValue', /`ScanScope`.*recommended/],
      [{ ScanScope: 3, ScanVul: true }, 'InvalidParameterValue', /`ScanScope`.*cluster/],
      [{ ScanScope: 4, ScanVul: true }, 'InvalidParameterValue', /`ScanScope`/],
      [
        { ClusterIDs: ['cls-1'], ScanVul: true },
        'InvalidParameterValue',
        /`ClusterIDs`.*clusters are not supported/,
      ],
      [{ Timeout: 0, ScanVul: true }, 'InvalidParameterValue', /`Timeout`/],
      [{ Timeout: 86_401, ScanVul: true }, 'InvalidParameterValue', /`Timeout`/],
      [{ Timeout: 1.5, ScanVul: true }, 'InvalidParameter', /`Timeout`/],
      [{ ScanScope: 1, ScanVul: true }, 'InvalidParameterValue', /`Images`.*ScanScope 1/],
      [
        { ScanScope: 0, Images: ['sha256:a'], ScanVul: true },
        'InvalidParameterValue',
        /`Images`.*ScanScope 0/,
      ],
      [{ All: true, ScanScope: 1, Images: ['sha256:a'], ScanVul: true }, 'InvalidParameterValue', /`All`/],
      [
        { Images: ['sha256:a'], Filters: [{ Name: 'ImageName', Values: ['x'] }], ScanVul: true },
        'InvalidParameterValue',
        /`Filters`.*not both/,
      ],
      [{ Filters: [{ Name: 'Colour', Values: ['red'] }], ScanVul: true }, 'InvalidParameterValue', /Colour/],
      [{ Images: [''], ScanVul: true }, 'InvalidParameterValue', /`Images\.0`/],
    ];
    for (const [req, code, message] of cases) {
      const e = await failure(c().CreateAssetImageScanTask(req));
      expect([JSON.stringify(req), e.code]).toEqual([JSON.stringify(req), code]);
      expect(e.message).toMatch(message);
    }
    const unknown = await failure(
      common(served.endpoint).request('CreateAssetImageScanTask', { ScanVul: true, Nope: 1 }),
    );
    expect(unknown.code).toBe('UnknownParameter');
    const wrongType = await failure(c().CreateAssetImageScanTask({ ScanVul: 'yes' as unknown as boolean }));
    expect(wrongType.code).toBe('InvalidParameter');
    expect(tasks.created.length).toBe(before);
  });

  it('without a job system the actions answer FailedOperation, after checking the parameters', async () => {
    const b = sdk(bare.endpoint);
    const e = await failure(b.CreateAssetImageScanTask({ All: true, ScanVul: true }));
    expect(e.code).toBe('FailedOperation');
    expect(e.message).toContain('this server runs no scan workers');
    expect((await failure(b.CreateAssetImageScanTask({ ScanScope: 3, ScanVul: true }))).code).toBe(
      'InvalidParameterValue',
    );
    for (const call of [
      b.DescribeAssetImageScanTask(),
      b.DescribeAssetImageScanStatus({}),
      b.ModifyAssetImageScanStop({ TaskID: 'task-known' }),
      b.DescribeAssetImageScanSetting(),
      b.CreateAssetImageScanSetting({
        Enable: false,
        ScanTime: '01:00',
        ScanPeriod: 1,
        ScanVirus: false,
        ScanRisk: false,
        ScanVul: false,
      }),
      common(bare.endpoint).request('AddAssetImage', { Images: ['oci:/x'] }),
    ])
      expect((await failure(call)).code).toBe('FailedOperation');
  });

  it('DescribeAssetImageScanTask and DescribeAssetImageScanStatus show a task; an unknown TaskID is ResourceNotFound', async () => {
    const latest = await c().DescribeAssetImageScanTask();
    expect(latest).toMatchObject({
      TaskID: 'task-known',
      LastScanTime: '2026-01-02 11:04:05', // 03:04:05 UTC in Asia/Shanghai
      Status: 'SCANNING',
      SubStatus: '',
    });
    const expected = {
      ImageTotal: 7,
      ImageScanCnt: 3,
      Status: 'SCANNING',
      Schedule: 42,
      SuccessCount: 1,
      RiskCount: 1,
      LeftSeconds: 13,
    };
    expect(await c().DescribeAssetImageScanStatus({ TaskID: 'task-known' })).toMatchObject(expected);
    expect(await c().DescribeAssetImageScanStatus({})).toMatchObject(expected);
    const e = await failure(c().DescribeAssetImageScanStatus({ TaskID: 'task-gone' }));
    expect(e.code).toBe('ResourceNotFound');
    expect(e.message).toContain('task-gone');
    expect((await failure(c().DescribeAssetImageScanStatus({ TaskID: '' }))).code).toBe(
      'InvalidParameterValue',
    );
  });

  it('ModifyAssetImageScanStop takes one of TaskID, Images and Filters; ExcludeImageIds as a string or a list', async () => {
    expect(
      await c().ModifyAssetImageScanStop({ TaskID: 'task-known', ExcludeImageIds: 'sha256:a, sha256:b,,' }),
    ).toMatchObject({ Status: 'Success' });
    expect(tasks.stopped.at(-1)).toEqual({ taskId: 'task-known', excludeImageIds: ['sha256:a', 'sha256:b'] });
    await common(served.endpoint).request('ModifyAssetImageScanStop', {
      Images: ['sha256:c'],
      ExcludeImageIds: ['sha256:d'],
    });
    expect(tasks.stopped.at(-1)).toEqual({ imageIds: ['sha256:c'], excludeImageIds: ['sha256:d'] });
    // GET flattens a list as ExcludeImageIds.0=…
    const get = new CommonClient(served.endpoint, '2020-11-01', {
      credential: key,
      profile: { httpProfile: { endpoint: served.endpoint, protocol: 'http://', reqMethod: 'GET' } },
    });
    await get.request('ModifyAssetImageScanStop', {
      Filters: [{ Name: 'ImageID', Values: ['sha256:e'], ExactMatch: true }],
      ExcludeImageIds: ['sha256:f', 'sha256:g'],
    });
    expect(tasks.stopped.at(-1)).toEqual({
      filter: { imageId: { values: ['sha256:e'], exact: true } },
      excludeImageIds: ['sha256:f', 'sha256:g'],
    });
    // an empty Filters list selects every image (JSON only: a flattened form cannot carry an empty list)
    await c().ModifyAssetImageScanStop({
      Filters: [],
      ExcludeImageIds: 'sha256:h',
    });
    expect(tasks.stopped.at(-1)).toEqual({ filter: {}, excludeImageIds: ['sha256:h'] });
    // v1 form encoding carries the SDK's string as it is
    await sdk(served.endpoint, 'HmacSHA256').ModifyAssetImageScanStop({
      TaskID: 'task-known',
      ExcludeImageIds: 'sha256:i,sha256:j',
    });
    expect(tasks.stopped.at(-1)).toEqual({ taskId: 'task-known', excludeImageIds: ['sha256:i', 'sha256:j'] });

    const count = tasks.stopped.length;
    expect((await failure(c().ModifyAssetImageScanStop({}))).code).toBe('MissingParameter');
    const both = await failure(c().ModifyAssetImageScanStop({ TaskID: 'task-known', Images: ['sha256:a'] }));
    expect(both.code).toBe('InvalidParameterValue');
    expect(both.message).toMatch(/one of TaskID, Images and Filters/);
    expect((await failure(c().ModifyAssetImageScanStop({ TaskID: 'task-gone' }))).code).toBe(
      'ResourceNotFound',
    );
    const long = await failure(
      c().ModifyAssetImageScanStop({ TaskID: 'task-known', ExcludeImageIds: 'x'.repeat(300) }),
    );
    expect(long.code).toBe('InvalidParameterValue');
    expect(tasks.stopped.length).toBe(count);
  });

  it('CreateAssetImageScanSetting validates times strictly and keeps them as HH:MM', async () => {
    const base = { Enable: true, ScanPeriod: 3, ScanVirus: false, ScanRisk: true, ScanVul: true };
    expect(
      await c().CreateAssetImageScanSetting({ ...base, ScanTime: '2026-12-31 23:59:58' }),
    ).toHaveProperty('RequestId');
    expect(tasks.setting).toEqual({
      enable: true,
      scanTime: '23:59',
      scanEndTime: '',
      periodDays: 3,
      categories: { vul: true, virus: false, risk: true },
      scope: 0,
      images: [],
      excludeImages: [],
      containerRunning: false,
    });
    await c().CreateAssetImageScanSetting({
      ...base,
      ScanTime: '01:30:15',
      ScanEndTime: '02:00',
      ScanScope: 1,
      Images: ['sha256:a'],
      ExcludeImages: ['sha256:b'],
      ContainerRunning: true,
      ClusterIDs: [],
    });
    expect(tasks.setting).toMatchObject({
      scanTime: '01:30',
      scanEndTime: '02:00',
      scope: 1,
      images: ['sha256:a'],
      excludeImages: ['sha256:b'],
      containerRunning: true,
    });
    const saved = tasks.setting;
    const bad: [Record<string, unknown>, string, RegExp][] = [
      [{ ScanTime: '24:00' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: '12:60' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: '1:00' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: '01:00:60' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: '2026-02-30 01:00:00' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: '2026-13-01 01:00:00' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: ' 01:00' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: '' }, 'InvalidParameterValue', /`ScanTime`/],
      [{ ScanTime: '01:00', ScanEndTime: '25:00' }, 'InvalidParameterValue', /`ScanEndTime`/],
      [{ ScanTime: '01:00', ScanPeriod: 0 }, 'InvalidParameterValue', /`ScanPeriod`/],
      [{ ScanTime: '01:00', ScanPeriod: 366 }, 'InvalidParameterValue', /`ScanPeriod`/],
      [{ ScanTime: '01:00', ScanScope: 2 }, 'InvalidParameterValue', /`ScanScope`/],
      [{ ScanTime: '01:00', ScanScope: 1 }, 'InvalidParameterValue', /`Images`/],
      [{ ScanTime: '01:00', ClusterIDs: ['cls-1'] }, 'InvalidParameterValue', /`ClusterIDs`/],
      [{ ScanTime: '01:00', ScanVul: false, ScanRisk: false }, 'InvalidParameterValue', /at least one/],
      [{ ScanTime: undefined }, 'MissingParameter', /`ScanTime`/],
    ];
    for (const [change, code, message] of bad) {
      const e = await failure(
        common(served.endpoint).request('CreateAssetImageScanSetting', { ...base, ...change }),
      );
      expect([JSON.stringify(change), e.code]).toEqual([JSON.stringify(change), code]);
      expect(e.message).toMatch(message);
    }
    expect(tasks.setting).toBe(saved);
    // a disabled setting may scan nothing
    await c().CreateAssetImageScanSetting({
      ...base,
      Enable: false,
      ScanVul: false,
      ScanRisk: false,
      ScanTime: '00:00',
    });
    expect(tasks.setting?.enable).toBe(false);
  });

  it('AddAssetImage passes 1 to 100 references and turns a refused one into InvalidParameterValue', async () => {
    const ok = (await common(served.endpoint).request('AddAssetImage', {
      Images: ['oci:/images/a:latest'],
    })) as {
      Images: unknown[];
    };
    expect(ok.Images).toEqual([
      { Reference: 'oci:/images/a:latest', ImageID: `sha256:${'0'.repeat(64)}`, ImageName: 'added-0:latest' },
    ]);
    const refused = await failure(
      common(served.endpoint).request('AddAssetImage', { Images: ['oci:/images/a', 'oci:/forbidden/b'] }),
    );
    expect(refused.code).toBe('InvalidParameterValue');
    expect(refused.message).toContain('oci:/forbidden/b: is outside the server’s image roots');
    const calls = tasks.added.length;
    for (const Images of [[], Array.from({ length: 101 }, (_, i) => `oci:/images/${i}`), [''], ['oci:/a\nb']])
      expect((await failure(common(served.endpoint).request('AddAssetImage', { Images }))).code).toBe(
        'InvalidParameterValue',
      );
    expect((await failure(common(served.endpoint).request('AddAssetImage', {}))).code).toBe(
      'MissingParameter',
    );
    expect(tasks.added.length).toBe(calls);
  });
});

describe.skipIf(!realTasksAvailable)('scan task actions end to end (real job system)', () => {
  let work: string;
  let roots: string;
  let store: Store;
  let system: { stop(): Promise<void> } | undefined;
  let served: Served;
  const refs: string[] = [];
  const c = () => sdk(served.endpoint);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-api-tasks-e2e-'));
    roots = path.join(work, 'images');
    await mkdir(roots);
    refs.push(
      await imageOfLayers(path.join(roots, 'clean-a'), [
        {
          entries: [
            { path: 'etc/', type: 'Directory' },
            { path: 'etc/motd', body: 'hello a\n' },
          ],
        },
      ]),
      await imageOfLayers(path.join(roots, 'clean-b'), [
        {
          entries: [
            { path: 'srv/', type: 'Directory' },
            { path: 'srv/index.html', body: '<p>b</p>\n' },
          ],
        },
      ]),
      await imageOfLayers(path.join(roots, 'risky'), [
        {
          entries: [
            { path: 'root/', type: 'Directory' },
            { path: 'root/.ssh/', type: 'Directory' },
            {
              path: 'root/.ssh/id_rsa',
              body: `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA7Vq3'.repeat(20)}\n-----END RSA PRIVATE KEY-----\n`,
              mode: 0o600,
            },
            { path: 'usr/', type: 'Directory' },
            { path: 'usr/local/', type: 'Directory' },
            { path: 'usr/local/bin/', type: 'Directory' },
            { path: 'usr/local/bin/helper', body: '#!/bin/sh\nexec sh\n', mode: 0o4755 },
          ],
        },
      ]),
    );
    store = await openStore(path.join(work, 'data'));
    const running = await taskModule!.startTaskSystem({
      store,
      dataDir: path.join(work, 'data'),
      timeZone: ZONE,
      workers: 2,
      imageRoots: [roots],
    });
    system = running;
    served = await serve(store, running.service);
  });
  afterAll(async () => {
    await served?.close();
    await system?.stop();
    await store?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function untilEnd(taskId: string) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const s = await c().DescribeAssetImageScanStatus({ TaskID: taskId });
      if (s.Status === 'END') return s;
      expect(s.Status).toMatch(/^(READY|SCANNING)$/);
      expect(s.ImageScanCnt).toBeLessThanOrEqual(s.ImageTotal!);
      if (Date.now() > deadline) throw new Error(`task ${taskId} did not end: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('AddAssetImage registers OCI layouts under the image roots as NOT_SCAN, and refuses others', async () => {
    const added = (await common(served.endpoint).request('AddAssetImage', { Images: refs })) as {
      Images: { Reference: string; ImageID: string; ImageName: string }[];
    };
    expect(added.Images).toHaveLength(3);
    for (const a of added.Images) expect(a.ImageID).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(added.Images.map((a) => a.ImageID)).size).toBe(3);
    const list = await c().DescribeAssetImageList({ Limit: 100 });
    expect(list.TotalCount).toBe(3);
    for (const img of list.List!) expect(img.ScanStatus).toBe('NOT_SCAN');

    const outside = await failure(
      common(served.endpoint).request('AddAssetImage', {
        Images: [`oci:${path.join(work, 'elsewhere')}:latest`],
      }),
    );
    expect(outside.code).toBe('InvalidParameterValue');
    expect((await c().DescribeAssetImageList({})).TotalCount).toBe(3);
  });

  it('a task over every image runs to END; its counts agree with DescribeAssetImageList', async () => {
    const { TaskID } = await c().CreateAssetImageScanTask({
      All: true,
      ScanRisk: true,
      ScanVirus: true,
      Timeout: 600,
    });
    expect(TaskID).toBeTruthy();
    const done = await untilEnd(TaskID!);
    const list = await c().DescribeAssetImageList({ Limit: 100 });
    for (const img of list.List!) expect([img.ImageName, img.ScanStatus]).toEqual([img.ImageName, 'SCANNED']);
    const risky = list.List!.filter((i) => i.VulCnt! + i.RiskCnt! + i.VirusCnt! > 0).length;
    expect(risky).toBeGreaterThanOrEqual(1);
    expect(done).toMatchObject({
      ImageTotal: 3,
      ImageScanCnt: 3,
      Status: 'END',
      Schedule: 100,
      RiskCount: risky,
      SuccessCount: 3 - risky,
      LeftSeconds: 0,
    });
    const latest = await c().DescribeAssetImageScanTask();
    expect(latest).toMatchObject({ TaskID, Status: 'END', SubStatus: 'Success' });
    expect(latest.LastScanTime).toMatch(TIME);
    expect(await c().DescribeAssetImageScanStatus({})).toMatchObject({ ImageTotal: 3, Status: 'END' });
  });

  it('a selection without images still makes a task, which ends at once', async () => {
    const { TaskID } = await c().CreateAssetImageScanTask({
      Filters: [{ Name: 'ImageName', Values: ['no-such-image'] }],
      ScanVul: true,
    });
    expect(TaskID).toBeTruthy();
    expect(await untilEnd(TaskID!)).toMatchObject({ ImageTotal: 0, ImageScanCnt: 0, Schedule: 100 });
    expect(await c().DescribeAssetImageScanTask()).toMatchObject({ TaskID, Status: 'END' });
  });

  it('listed Images minus ExcludeImageIds are what a task scans', async () => {
    const ids = (await c().DescribeAssetImageList({ Limit: 100 })).List!.map((i) => i.ImageID!);
    const { TaskID } = await c().CreateAssetImageScanTask({
      Images: ids,
      ExcludeImageIds: [ids[0]!],
      ScanVul: true,
    });
    expect(await untilEnd(TaskID!)).toMatchObject({ ImageTotal: 2, ImageScanCnt: 2 });
  });
});

describe.skipIf(!realTasksAvailable)(
  'stopping queued scans and the scan setting (real job system, no workers)',
  () => {
    let work: string;
    let store: Store;
    let system: { stop(): Promise<void> } | undefined;
    let served: Served;
    const DAY_MS = 3000;
    const c = () => sdk(served.endpoint);

    beforeAll(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'hullscan-api-tasks-stop-'));
      const roots = path.join(work, 'images');
      await mkdir(roots);
      store = await openStore(path.join(work, 'data'));
      // an API node only: its jobs wait for workers that never come, so they can be stopped at leisure
      const running = await taskModule!.startTaskSystem({
        store,
        dataDir: path.join(work, 'data'),
        timeZone: ZONE,
        workers: 0,
        imageRoots: [roots],
        timing: { dayMs: DAY_MS, scheduleTickMs: 100 },
      });
      system = running;
      served = await serve(store, running.service);
      const refs = [];
      for (const name of ['one', 'two'])
        refs.push(
          await imageOfLayers(path.join(roots, name), [
            {
              entries: [
                { path: 'etc/', type: 'Directory' },
                { path: 'etc/name', body: `${name}\n` },
              ],
            },
          ]),
        );
      await common(served.endpoint).request('AddAssetImage', { Images: refs });
    });
    afterAll(async () => {
      await served?.close();
      await system?.stop();
      await store?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('ModifyAssetImageScanStop of a task ends it Cancel with its images CANCELED', async () => {
      expect(await c().DescribeAssetImageScanTask()).toMatchObject({
        TaskID: '',
        LastScanTime: '',
        Status: '',
        SubStatus: '',
      });
      expect(await c().DescribeAssetImageScanStatus({})).toMatchObject({ ImageTotal: 0, Status: '' });
      const { TaskID } = await c().CreateAssetImageScanTask({ All: true, ScanVul: true });
      const waiting = await c().DescribeAssetImageScanStatus({ TaskID });
      expect(waiting).toMatchObject({ ImageTotal: 2, ImageScanCnt: 0, Status: 'READY', Schedule: 0 });
      expect(waiting.LeftSeconds).toBeGreaterThan(0);
      const list = await c().DescribeAssetImageList({});
      for (const img of list.List!) expect(img.ScanStatus).toBe('WAIT_SCAN');

      expect(await c().ModifyAssetImageScanStop({ TaskID })).toMatchObject({ Status: 'Success' });
      expect(await c().DescribeAssetImageScanStatus({ TaskID })).toMatchObject({
        ImageTotal: 2,
        ImageScanCnt: 2,
        Status: 'END',
        Schedule: 100,
        SuccessCount: 0,
        RiskCount: 0,
      });
      expect(await c().DescribeAssetImageScanTask()).toMatchObject({
        TaskID,
        Status: 'END',
        SubStatus: 'Cancel',
      });
      for (const img of (await c().DescribeAssetImageList({})).List!) expect(img.ScanStatus).toBe('CANCELED');
      // stopping what has ended changes nothing and is no error
      expect(await c().ModifyAssetImageScanStop({ TaskID })).toMatchObject({ Status: 'Success' });
    });

    it('ModifyAssetImageScanStop by Images stops only those, minus ExcludeImageIds', async () => {
      const ids = (await c().DescribeAssetImageList({})).List!.map((i) => i.ImageID!);
      const { TaskID } = await c().CreateAssetImageScanTask({ Images: ids, ScanVul: true });
      await c().ModifyAssetImageScanStop({ Images: ids, ExcludeImageIds: ids[1]! });
      const status = await c().DescribeAssetImageScanStatus({ TaskID });
      expect(status).toMatchObject({ ImageTotal: 2, ImageScanCnt: 1 });
      expect(status.Status).not.toBe('END');
      await c().ModifyAssetImageScanStop({ Filters: [] });
      expect(await c().DescribeAssetImageScanStatus({ TaskID })).toMatchObject({
        ImageScanCnt: 2,
        Status: 'END',
      });
    });

    it('the scan setting reads back as saved, and fires on schedule', async () => {
      expect(await c().DescribeAssetImageScanSetting()).toMatchObject({
        Enable: false,
        ScanTime: '00:00',
        ScanPeriod: 1,
        ScanVirus: false,
        ScanRisk: false,
        ScanVul: false,
        Images: [],
        ExcludeImages: [],
        LastScanTime: '',
      });
      const before = await c().DescribeAssetImageScanTask();
      await c().CreateAssetImageScanSetting({
        Enable: true,
        ScanTime: '2026-06-01 00:00:30',
        ScanPeriod: 1,
        ScanVirus: false,
        ScanRisk: true,
        ScanVul: true,
        ScanScope: 0,
        ExcludeImages: ['sha256:nothing'],
        ContainerRunning: false,
      });
      const saved = await c().DescribeAssetImageScanSetting();
      expect(saved).toMatchObject({
        Enable: true,
        ScanTime: '00:00',
        ScanPeriod: 1,
        ScanVirus: false,
        ScanRisk: true,
        ScanVul: true,
        All: true,
        ScanScope: 0,
        Images: [],
        ExcludeImages: ['sha256:nothing'],
        ContainerRunning: false,
        ScanEndTime: '',
        ClusterIDs: [],
      });
      // a day is DAY_MS here: the setting fires within one (the wait allows for a loaded machine)
      const deadline = Date.now() + 20_000;
      let fired = saved;
      while (fired.LastScanTime === '' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        fired = await c().DescribeAssetImageScanSetting();
      }
      expect(fired.LastScanTime).toMatch(TIME);
      expect(fired.ScanResult).toBe('Success');
      const task = await c().DescribeAssetImageScanTask();
      expect(task.TaskID).not.toBe(before.TaskID);
      expect(await c().DescribeAssetImageScanStatus({ TaskID: task.TaskID })).toMatchObject({
        ImageTotal: 2,
      });
      await c().CreateAssetImageScanSetting({
        Enable: false,
        ScanTime: '00:00',
        ScanPeriod: 1,
        ScanVirus: false,
        ScanRisk: false,
        ScanVul: false,
      });
      expect(await c().DescribeAssetImageScanSetting()).toMatchObject({
        Enable: false,
        LastScanTime: fired.LastScanTime,
        ScanResult: 'Success',
      });
    });
  },
);
