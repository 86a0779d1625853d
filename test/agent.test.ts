/**
 * The host agent against podman's Docker Engine API on Unix sockets (two podman services: two hosts),
 * reporting to a real API server (the gateway with allActions on a SQLite store) and read back through
 * the real Tencent Cloud SDK: HostCnt / SuperNodeCnt / ContainerCnt, the host, container and
 * image-host lists and the summary; removing a container and an agent that stops reporting; the agent
 * scanning local images (and an export over its cap reported as AgentError); garbage and replayed
 * reports refused or ignored with the state unchanged.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAgent, startAgent } from '../src/agent/agent.js';
import { EngineClient } from '../src/agent/engine.js';
import { allActions } from '../src/api/actions/index.js';
import { staticCredentials } from '../src/api/gateway/credentials.js';
import { createApiServer } from '../src/api/gateway/server.js';
import { callAction } from '../src/cli/submit-command.js';
import { openStore } from '../src/store/open-store.js';
import type { Account, Store } from '../src/store/store.js';
import { imageOfLayers } from './support/dir-image.js';
import { CLI, REPO_ROOT, requireTools } from './support/fixtures.js';
import { PODMAN_TOOLS, type PodmanService, startPodman } from './support/podman.js';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const account: Account = { appId: 1251000093, uin: '900093' };
const key = { secretId: 'AKIDhullscanAgentTest000000000001', secretKey: 'agent-test-key-000000000000000001' };
const execFileAsync = promisify(execFile);
const skip = requireTools([...PODMAN_TOOLS, 'busybox']);

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(skip)('host agent on podman Engine APIs', () => {
  let dir: string;
  let store: Store;
  let server: ReturnType<typeof createApiServer>;
  let endpoint: string;
  let hostA: PodmanService;
  let hostB: PodmanService;
  let agentA: RunningAgent | undefined;
  let agentB: ChildProcess | undefined;
  let agentBErr = '';
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
  const containers: Record<string, string> = {};
  let client: InstanceType<typeof tcss.v20201101.Client>;
  const detail = (id: string) => client.DescribeAssetImageDetail({ ImageID: id });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hullscan-agent-'));
    // three small images: busybox (to run `sleep`) and one marker file each
    const archives: Record<string, string> = {};
    for (const n of ['a', 'b', 'c'] as const) {
      const ref = await imageOfLayers(path.join(dir, `oci-${n}`), [
        {
          entries: [
            { path: 'bin/', type: 'Directory' },
            { path: 'bin/busybox', body: await readFile('/usr/bin/busybox'), mode: 0o755 },
            { path: `etc/marker-${n}`, body: `image ${n}\n` },
          ],
        },
      ]);
      archives[n] = path.join(dir, `${n}.tar`);
      execFileSync('skopeo', [
        'copy',
        '--quiet',
        ref,
        `docker-archive:${archives[n]}:localhost/agent-${n}:1`,
      ]);
    }
    [hostA, hostB] = await Promise.all([
      startPodman(path.join(dir, 'pa')),
      startPodman(path.join(dir, 'pb')),
    ]);
    ids.a = await hostA.load(archives.a!, 'localhost/agent-a:1');
    ids.b = await hostA.load(archives.b!, 'localhost/agent-b:1');
    expect(await hostB.load(archives.a!, 'localhost/agent-a:1')).toBe(ids.a);
    ids.c = await hostB.load(archives.c!, 'localhost/agent-c:1');
    const sleep = ['/bin/busybox', 'sleep', '600'];
    containers.a1 = await hostA.run('localhost/agent-a:1', 'a-running', sleep);
    containers.a2 = await hostA.run('localhost/agent-a:1', 'a-created', sleep, false);
    containers.b1 = await hostA.run('localhost/agent-b:1', 'b-running', sleep);
    containers.a3 = await hostB.run('localhost/agent-a:1', 'a-on-super', sleep);

    store = await openStore(path.join(dir, 'server'));
    await store.migrate();
    server = createApiServer({
      actions: allActions(),
      credentials: staticCredentials([{ ...key, account }]),
      store,
      timeZone: 'UTC',
      rateLimits: { default: 0 },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new tcss.v20201101.Client({
      credential: key,
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 30 } },
    });

    // host A: the agent in this process; host B: `hullscan agent` as a super node, export capped
    agentA = await startAgent({
      engine: new EngineClient(hostA.socket),
      call: (action, params) => callAction(new URL(`http://${endpoint}`), key, action, params),
      dataDir: path.join(dir, 'agent-a'),
      intervalSeconds: 1,
      superNode: false,
      hostId: 'host-a',
      agentVersion: 'test',
      scansPerCycle: 2,
      log: () => undefined,
    });
    const credentialFile = path.join(dir, 'agent-b.credential');
    await writeFile(credentialFile, `${key.secretId}:${key.secretKey}\n`, { mode: 0o600 });
    agentB = spawn(
      process.execPath,
      [
        CLI,
        'agent',
        '--server',
        `http://${endpoint}`,
        // the credential from a file, as operators keep it out of the process list
        '--credential',
        `@${credentialFile}`,
        '--docker-host',
        hostB.dockerHost,
        '--interval',
        '1',
        '--super-node',
        '--host-id',
        'super-b',
        '--data',
        path.join(dir, 'agent-b'),
        '--max-export-bytes',
        '4096',
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    agentB.stderr!.setEncoding('utf8').on('data', (d: string) => {
      agentBErr += d;
    });
  }, 120_000);

  afterAll(async () => {
    await agentA?.stop();
    if (agentB && agentB.exitCode === null && agentB.signalCode === null) {
      agentB.kill('SIGKILL');
      await new Promise((r) => agentB!.once('exit', r));
    }
    await Promise.all([hostA?.stop(), hostB?.stop()]);
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await store?.close();
    // podman's helpers (conmon) may still be letting go of files under its storage: retry a while
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  }, 60_000);

  it('counts hosts, super nodes and containers per image from both agents', async () => {
    const a = await until(
      'image a on both hosts',
      () => detail(ids.a),
      (d) => d.HostCnt === 2 && d.ContainerCnt === 3,
    );
    expect(a).toMatchObject({ HostCnt: 2, SuperNodeCnt: 1, ContainerCnt: 3 });
    expect(await detail(ids.b)).toMatchObject({ HostCnt: 1, SuperNodeCnt: 0, ContainerCnt: 1 });
    expect(await detail(ids.c)).toMatchObject({ HostCnt: 1, SuperNodeCnt: 1, ContainerCnt: 0 });

    const hosts = await client.DescribeAssetHostList({ By: 'HostID', Order: 'asc' });
    expect(hosts.TotalCount).toBe(2);
    expect(hosts.List?.map((h) => [h.HostID, h.Status, h.ImageCnt, h.ContainerCnt])).toEqual([
      ['host-a', 'ONLINE', 2, 3],
      ['super-b', 'ONLINE', 2, 1],
    ]);
    expect(hosts.List?.[0]?.DockerVersion).toMatch(/^\d+\.\d+/);
    expect(hosts.List?.[0]?.LastOnlineTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const pairs = await client.DescribeAssetImageHostList({
      Filters: [{ Name: 'ImageID', Values: [ids.a] }],
    });
    expect(pairs).toMatchObject({
      TotalCount: 2,
      List: [
        { ImageID: ids.a, HostID: 'host-a' },
        { ImageID: ids.a, HostID: 'super-b' },
      ],
    });

    const all = await client.DescribeAssetContainerList({ By: 'ContainerName', Order: 'asc' });
    expect(all.TotalCount).toBe(4);
    expect(all.List?.map((c) => [c.ContainerName, c.Status, c.ImageID, c.HostID, c.NodeType])).toEqual([
      ['a-created', 'created', ids.a, 'host-a', 'NORMAL'],
      ['a-on-super', 'running', ids.a, 'super-b', 'SUPER'],
      ['a-running', 'running', ids.a, 'host-a', 'NORMAL'],
      ['b-running', 'running', ids.b, 'host-a', 'NORMAL'],
    ]);
    const running = await client.DescribeAssetContainerList({ Filters: [{ Name: 'Status', Values: ['1'] }] });
    expect(running.TotalCount).toBe(3);
    const onSuper = await client.DescribeAssetContainerList({
      Filters: [{ Name: 'NodeType', Values: ['SUPER'] }],
    });
    expect(onSuper.List?.map((c) => c.ContainerID)).toEqual([containers.a3]);

    expect(await client.DescribeAssetSummary()).toMatchObject({
      HostCnt: 2,
      HostOnline: 2,
      SuperNodeCnt: 1,
      SuperNodeRunningCnt: 1,
      ContainerCnt: 4,
      ContainerRunning: 3,
    });
  }, 60_000);

  it('scans local images through the Engine export, and reports an export over the cap as AgentError', async () => {
    for (const id of [ids.a, ids.b]) {
      const d = await until(
        `scan of ${id}`,
        () => detail(id),
        (x) => x.ScanStatus === 'SCANNED',
        60_000,
      );
      expect(d.ImageID).toBe(id);
      expect(d.ImageName).toMatch(/agent-[ab]:1$/);
      expect(d.Size).toBeGreaterThan(1_000_000);
      expect(d.BuildHistory).toContain('# create_time');
    }
    // a scan submitted after the report does not lose the counters
    expect(
      await until(
        'counters after scan',
        () => detail(ids.b),
        (x) => x.HostCnt === 1,
      ),
    ).toMatchObject({
      HostCnt: 1,
      ContainerCnt: 1,
    });
    const c = await until(
      'agent error on c',
      () => detail(ids.c),
      (x) => x.AgentError !== '',
    );
    expect(c.AgentError).toMatch(/export-too-large/);
    expect(c.ScanStatus).toBe('NOT_SCAN');
    // the temp exports are gone
    expect(await readdir(path.join(dir, 'agent-a', 'agent-tmp'))).toEqual([]);
    expect(await readdir(path.join(dir, 'agent-b', 'agent-tmp'))).toEqual([]);
  }, 90_000);

  it('refuses a garbage report with a clear error and ignores a replayed one; the state is unchanged', async () => {
    const before = await client.DescribeAssetHostList({ By: 'HostID' });
    const base = {
      HostID: 'host-a',
      HostName: 'evil',
      HostIPs: ['10.9.9.9'],
      NodeType: 'NORMAL',
      AgentVersion: 'x',
      DockerVersion: 'x',
      Seq: Number.MAX_SAFE_INTEGER - 1,
      IntervalSeconds: 1,
      Images: [] as unknown[],
      Containers: [] as unknown[],
    };
    const call = (p: unknown) => callAction(new URL(`http://${endpoint}`), key, 'ReportAssetHostState', p);
    await expect(call({ ...base, Images: [{ ImageID: 'not-an-image-id' }] })).rejects.toThrow(
      /InvalidParameter/,
    );
    await expect(call({ ...base, HostIPs: ['999.1.1.1'] })).rejects.toThrow(/InvalidParameter.*HostIPs/);
    await expect(call({ ...base, Seq: -1 })).rejects.toThrow(/InvalidParameter.*Seq/);
    await expect(call({ ...base, Surprise: 1 })).rejects.toThrow(/UnknownParameter|InvalidParameter/);
    const image = { ImageID: ids.a, RepoTags: [], RepoDigests: [], Size: 1, Created: 0 };
    await expect(call({ ...base, Images: Array.from({ length: 5001 }, () => image) })).rejects.toThrow(
      /InvalidParameter.*Images/,
    );
    await expect(call({ ...base, Images: [image, image] })).rejects.toThrow(/listed twice/);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect(
      await code(client.DescribeAssetContainerList({ Filters: [{ Name: 'Nope', Values: ['x'] }] })),
    ).toBe('InvalidParameterValue');
    expect(
      await code(client.DescribeAssetContainerList({ Filters: [{ Name: 'Status', Values: ['9'] }] })),
    ).toBe('InvalidParameterValue');
    expect(await code(client.DescribeAssetHostList({ By: 'Password' }))).toBe('InvalidParameterValue');
    expect(await code(client.DescribeAssetHostList({ Limit: 101 }))).toBe('InvalidParameterValue');
    expect(
      await code(client.DescribeAssetImageHostList({ Filters: [{ Name: 'Nope', Values: ['x'] }] })),
    ).toBe('InvalidParameterValue');
    // a replay: a seq the host has passed already
    expect(await call({ ...base, Seq: 1 })).toMatchObject({ Applied: false });
    const after = await client.DescribeAssetHostList({ By: 'HostID' });
    expect(after.List?.map((h) => [h.HostID, h.HostName, h.HostIP, h.ImageCnt, h.ContainerCnt])).toEqual(
      before.List?.map((h) => [h.HostID, h.HostName, h.HostIP, h.ImageCnt, h.ContainerCnt]),
    );
    expect(after.List?.find((h) => h.HostID === 'host-a')?.HostName).not.toBe('evil');
    expect(await detail(ids.a)).toMatchObject({ HostCnt: 2, ContainerCnt: 3 });
  }, 30_000);

  it('follows a removed container and an agent that stops reporting', async () => {
    await hostA.api('DELETE', `/containers/${containers.a1}?force=1`);
    expect(
      await until(
        'a container fewer',
        () => detail(ids.a),
        (d) => d.ContainerCnt === 2,
        15_000,
      ),
    ).toMatchObject({ HostCnt: 2, SuperNodeCnt: 1, ContainerCnt: 2 });

    agentB!.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => agentB!.once('exit', (c) => r(c)));
    expect(code, agentBErr).toBe(0);
    const a = await until(
      'super node offline',
      () => detail(ids.a),
      (d) => d.HostCnt === 1,
      20_000,
    );
    expect(a).toMatchObject({ HostCnt: 1, SuperNodeCnt: 0, ContainerCnt: 1 });
    expect(await detail(ids.c)).toMatchObject({ HostCnt: 0, SuperNodeCnt: 0, ContainerCnt: 0 });
    const hosts = await client.DescribeAssetHostList({ By: 'HostID' });
    expect(hosts.List?.map((h) => [h.HostID, h.Status])).toEqual([
      ['host-a', 'ONLINE'],
      ['super-b', 'OFFLINE'],
    ]);
    const offline = await client.DescribeAssetHostList({
      Filters: [{ Name: 'Status', Values: ['OFFLINE'] }],
    });
    expect(offline.List?.map((h) => h.HostID)).toEqual(['super-b']);
    expect(await client.DescribeAssetSummary()).toMatchObject({
      HostCnt: 2,
      HostOnline: 1,
      SuperNodeCnt: 1,
      SuperNodeRunningCnt: 0,
      ContainerCnt: 2,
    });
    expect(
      (await client.DescribeAssetImageHostList({ Filters: [{ Name: 'ImageID', Values: [ids.a] }] })).List,
    ).toEqual([{ ImageID: ids.a, HostID: 'host-a' }]);
  }, 60_000);

  it('streams Engine events, and `hullscan agent --once` reports once and exits', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    const stream = new EngineClient(hostA.socket).events((e) => {
      seen.push(`${e.Type}:${e.Action}`);
    }, abort.signal);
    const id = await hostA.run('localhost/agent-b:1', 'b-created', ['/bin/busybox', 'true'], false);
    await until(
      'a create event',
      async () => seen,
      (s) => s.includes('container:create'),
      10_000,
    );
    abort.abort();
    await stream.catch(() => undefined);
    // the in-process agent reported it (the event, or its interval)
    await until(
      'b-created listed',
      () => detail(ids.b),
      (d) => d.ContainerCnt === 2,
      10_000,
    );
    await hostA.api('DELETE', `/containers/${id}?force=1`);

    // async: the server answering it runs in this process
    const { stdout: out } = await execFileAsync(
      process.execPath,
      [
        CLI,
        'agent',
        '--once',
        '--server',
        `http://${endpoint}`,
        '--docker-host',
        hostA.dockerHost,
        '--host-id',
        'once-a',
        '--scans-per-cycle',
        '0',
        '--data',
        path.join(dir, 'agent-once'),
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, HULLSCAN_SECRET_ID: key.secretId, HULLSCAN_SECRET_KEY: key.secretKey },
      },
    );
    expect(out).toContain(`reported to http://${endpoint}`);
    const pairs = await client.DescribeAssetImageHostList({
      Filters: [{ Name: 'HostID', Values: ['once-a'] }],
    });
    expect(pairs.List?.map((p) => p.ImageID).sort()).toEqual([ids.a, ids.b].sort());
  }, 60_000);
});
