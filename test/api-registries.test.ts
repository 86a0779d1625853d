/**
 * The registry actions through the real Tencent Cloud SDK against an in-process API server
 * (createApiServer, SQLite store, the real job system) and a real Debian `docker-registry` with
 * htpasswd basic auth on 127.0.0.1, images pushed with skopeo: adding a registry (the password never
 * comes back and is stored sealed), repeat checks, full and incremental syncs, a registry scan task
 * compared with scanning the same images from their OCI layouts in another account, the registry
 * vulnerability / risk / virus lists and summary, account isolation, removal, and the address policy.
 */

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CommonClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allActions } from '../src/api/actions/index.js';
import { registryActions } from '../src/api/actions/registry-actions.js';
import { staticCredentials } from '../src/api/gateway/credentials.js';
import { createApiServer } from '../src/api/gateway/server.js';
import { vulnDbFile } from '../src/match/match-image.js';
import { registryImageOpener } from '../src/registries/open-image.js';
import { secretBox } from '../src/registries/secrets.js';
import { RegistryService } from '../src/registries/service.js';
import { addressPolicy } from '../src/sources/registry/address-policy.js';
import { openStore } from '../src/store/open-store.js';
import type { Account, Store } from '../src/store/store.js';
import { type RunningTaskSystem, startTaskSystem } from '../src/tasks/index.js';
import { openVulnDb } from '../src/vulndb/vulndb.js';
import { imageOfLayers } from './support/dir-image.js';
import { assertTools, requireTools } from './support/fixtures.js';
import { dpkgStatus } from './support/hostile.js';
import { closeRegistry, REGISTRY_TOOLS, startRegistry, type TestRegistry } from './support/registry.js';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const run = promisify(execFile);
const alice: Account = { appId: 1251000081, uin: '900081' };
const bob: Account = { appId: 1251000082, uin: '900082' };
const aliceKey = {
  secretId: 'AKIDhullscanRegistryApiTest000000001',
  secretKey: 'registry-api-test-key-0000000000001',
};
const bobKey = {
  secretId: 'AKIDhullscanRegistryApiTest000000002',
  secretKey: 'registry-api-test-key-0000000000002',
};
const ZONE = 'Asia/Shanghai';
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const EICAR_LIKE = 'hullscan registry test virus body\n';

const skip = requireTools(REGISTRY_TOOLS);

interface Served {
  endpoint: string;
  close(): Promise<void>;
}

/** allActions behind the real gateway, the registry actions on `service`. */
async function serve(store: Store, service: RegistryService, tasks?: RunningTaskSystem): Promise<Served> {
  const mine = registryActions({ service });
  const names = new Set(mine.map((a) => a.name));
  const server = createApiServer({
    actions: [...allActions().filter((a) => !names.has(a.name)), ...mine],
    credentials: staticCredentials([
      { ...aliceKey, account: alice },
      { ...bobKey, account: bob },
    ]),
    store,
    tasks: tasks?.service,
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

const sdk = (endpoint: string, key = aliceKey) =>
  new tcss.v20201101.Client({
    credential: key,
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 120 } },
  });
const common = (endpoint: string, key = aliceKey) =>
  new CommonClient(endpoint, '2020-11-01', {
    credential: key,
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 120 } },
  });

async function failure(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as { code?: string; message: string },
  );
  if (!e) throw new Error('expected the call to fail');
  return e;
}

/** The ImageID (config digest) of an OCI layout's only image. */
async function layoutImageId(dir: string): Promise<string> {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
  const digest: string = index.manifests[0].digest;
  const manifest = JSON.parse(await readFile(path.join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8'));
  return manifest.config.digest;
}

describe.skipIf(skip)('registry actions against a real docker-registry (basic auth)', () => {
  let work: string;
  let store: Store;
  let registry: TestRegistry;
  let tasks: RunningTaskSystem;
  let served: Served;
  let publicOnly: Served;
  const layouts: Record<'clean' | 'risky' | 'other', string> = { clean: '', risky: '', other: '' };
  const ids = { clean: '', risky: '', other: '' };
  let registryId = 0;
  let openerKey: Buffer;
  const c = () => sdk(served.endpoint);

  beforeAll(async () => {
    assertTools(REGISTRY_TOOLS);
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-api-registries-'));
    const roots = path.join(work, 'images');
    await mkdir(roots);
    const osRelease = {
      path: 'etc/os-release',
      body: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n',
    };
    const dpkg = (pkgs: string[]) => ({
      path: 'var/lib/dpkg/status',
      body: dpkgStatus(...pkgs.map((name) => ({ name, version: '1.0-1' }))),
    });
    const dirs = ['etc/', 'var/', 'var/lib/', 'var/lib/dpkg/'].map((p) => ({
      path: p,
      type: 'Directory' as const,
    }));
    layouts.clean = path.join(roots, 'clean');
    await imageOfLayers(layouts.clean, [
      { entries: [...dirs, osRelease, dpkg(['libalpha', 'libbeta']), { path: 'etc/motd', body: 'clean\n' }] },
    ]);
    layouts.risky = path.join(roots, 'risky');
    await imageOfLayers(layouts.risky, [
      { entries: [...dirs, osRelease, dpkg(['libgamma'])] },
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
          { path: 'usr/local/bin/dropper', body: EICAR_LIKE, mode: 0o755 },
        ],
      },
    ]);
    layouts.other = path.join(roots, 'other');
    await imageOfLayers(layouts.other, [
      {
        entries: [
          { path: 'srv/', type: 'Directory' },
          { path: 'srv/x', body: 'x\n' },
        ],
      },
    ]);
    for (const k of ['clean', 'risky', 'other'] as const) ids[k] = await layoutImageId(layouts[k]);

    // a signature for the virus engine: the md5 of the dropper's body
    const sigs = path.join(work, 'sigs');
    await mkdir(sigs);
    const md5 = createHash('md5').update(EICAR_LIKE).digest('hex');
    await writeFile(
      path.join(sigs, 'test.hdb'),
      `${md5}:${Buffer.byteLength(EICAR_LIKE)}:Hullscan.Test.Dropper\n`,
    );

    registry = await startRegistry({ auth: 'basic' });
    await registry.push(`oci:${layouts.clean}:latest`, 'team/app:1.0');
    await registry.push(`oci:${layouts.risky}:latest`, 'team/app:2.0', ['--format', 'v2s2']);
    await registry.push(`oci:${layouts.other}:latest`, 'team/app:old');
    await registry.push(`oci:${layouts.other}:latest`, 'tool:latest');

    // one advisory for the risky image's libgamma, so vulnerability counts are compared too (not 0 = 0)
    const osv = path.join(work, 'osv');
    await mkdir(osv);
    await writeFile(
      path.join(osv, 'DEBIAN-HULLSCAN-TEST-1.json'),
      JSON.stringify({
        id: 'DEBIAN-HULLSCAN-TEST-1',
        modified: '2024-01-01T00:00:00Z',
        published: '2024-01-01T00:00:00Z',
        summary: 'libgamma test advisory',
        affected: [
          {
            package: { ecosystem: 'Debian:12', name: 'libgamma' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0-2' }] }],
          },
        ],
      }),
    );
    await mkdir(path.join(work, 'data'), { recursive: true });
    const vulndb = await openVulnDb(vulnDbFile(path.join(work, 'data')));
    await vulndb.importFeeds([osv]);
    await vulndb.close();
    store = await openStore(path.join(work, 'data'));
    const key = randomBytes(32);
    openerKey = key;
    const policy = addressPolicy(['127.0.0.1/32']);
    tasks = await startTaskSystem({
      store,
      dataDir: path.join(work, 'data'),
      timeZone: ZONE,
      workers: 2,
      imageRoots: [roots],
      virus: { signatures: [sigs] },
      openImage: registryImageOpener(store, key, policy),
      log: () => {},
    });
    served = await serve(
      store,
      new RegistryService({ policy, secrets: secretBox(key), timeoutMs: 10_000, retries: 1 }),
      tasks,
    );
    publicOnly = await serve(
      store,
      new RegistryService({ policy: addressPolicy([]), secrets: secretBox(key) }),
    );
  });

  afterAll(async () => {
    await served?.close();
    await publicOnly?.close();
    await tasks?.stop();
    await store?.close();
    await closeRegistry(registry);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const addRequest = (more: Record<string, unknown> = {}) => ({
    Name: 'local',
    Username: registry.user,
    Password: registry.password,
    Url: `http://${registry.host}`,
    RegistryType: 'harbor',
    NetType: 'public',
    Insecure: 1,
    ...more,
  });

  it('refuses registry addresses outside the policy, naming why', async () => {
    const loopback = await failure(
      sdk(publicOnly.endpoint).AddAssetImageRegistryRegistryDetail(addRequest()),
    );
    expect(loopback.code).toBe('InvalidParameterValue');
    expect(loopback.message).toMatch(/127\.0\.0\.1.*not allow.*registryAllow/);
    for (const url of [
      'http://169.254.169.254',
      'http://10.1.2.3:5000',
      'http://[::1]:5000',
      'http://0.0.0.0:80',
    ]) {
      const e = await failure(c().AddAssetImageRegistryRegistryDetail(addRequest({ Url: url })));
      expect([url, e.code]).toEqual([url, 'InvalidParameterValue']);
    }
    const bad = await failure(c().AddAssetImageRegistryRegistryDetail(addRequest({ Url: 'ftp://x/y' })));
    expect(bad.code).toBe('InvalidParameterValue');
    const withPath = await failure(
      c().AddAssetImageRegistryRegistryDetail(addRequest({ Url: `http://${registry.host}/v2/` })),
    );
    expect(withPath.code).toBe('InvalidParameterValue');
    expect((await c().DescribeAssetImageRegistryRegistryList({})).TotalCount).toBe(0);
  });

  it('adds a registry after checking it answers; the password never comes back and is stored sealed', async () => {
    const wrong = await c().AddAssetImageRegistryRegistryDetail(addRequest({ Password: 'wrong-password' }));
    expect(wrong.RegistryId).toBe(0);
    expect(wrong.HealthCheckErr).toMatch(/.+/);
    expect(JSON.stringify(wrong)).not.toContain('wrong-password');
    expect((await c().DescribeAssetImageRegistryRegistryList({})).TotalCount).toBe(0);

    const added = await c().AddAssetImageRegistryRegistryDetail(addRequest());
    expect(added).toMatchObject({ HealthCheckErr: '', NameRepeatErr: '' });
    registryId = added.RegistryId!;
    expect(registryId).toBeGreaterThan(0);

    const detail = await c().DescribeAssetImageRegistryRegistryDetail({ RegistryId: registryId });
    expect(detail).toMatchObject({
      Name: 'local',
      Username: registry.user,
      Password: '',
      Url: `http://${registry.host}`,
      RegistryType: 'harbor',
      Insecure: 1,
      SyncMode: 0,
    });
    const list = await c().DescribeAssetImageRegistryRegistryList({});
    expect(list.TotalCount).toBe(1);
    expect(list.List![0]).toMatchObject({
      RegistryId: registryId,
      Name: 'local',
      Url: `http://${registry.host}`,
    });
    for (const answer of [detail, list]) expect(JSON.stringify(answer)).not.toContain(registry.password);

    const stored = await store.registries.getRegistry(alice, registryId);
    expect(stored?.sealedPassword).toMatch(/^v1:/);
    expect(stored?.sealedPassword).not.toContain(registry.password);
    expect(Buffer.from(stored!.sealedPassword.slice(3), 'base64').toString('latin1')).not.toContain(
      registry.password,
    );
  });

  it('checks repeats by name (and url), and refuses a second registry of the same name', async () => {
    expect(await c().CheckRepeatAssetImageRegistry({ Name: 'local' })).toMatchObject({ IsRepeat: true });
    expect(await c().CheckRepeatAssetImageRegistry({ Name: 'other' })).toMatchObject({ IsRepeat: false });
    const byUrl = (await common(served.endpoint).request('CheckRepeatAssetImageRegistry', {
      Name: 'other',
      Url: `http://${registry.host}`,
    })) as { IsRepeat: boolean };
    expect(byUrl.IsRepeat).toBe(true);
    const again = await c().AddAssetImageRegistryRegistryDetail(addRequest());
    expect(again.RegistryId).toBe(0);
    expect(again.NameRepeatErr).toMatch(/local/);
    expect((await c().DescribeAssetImageRegistryRegistryList({})).TotalCount).toBe(1);
  });

  async function images() {
    const res = await c().DescribeAssetImageRegistryList({ Limit: 100 });
    return res.List!.map((i) => `${i.ImageName}:${i.ImageTag}`).sort();
  }

  it('a full sync finds every repository and tag with its digest and image ID', async () => {
    await c().SyncAssetImageRegistryAsset({ RegistryIds: [registryId] });
    const res = await c().DescribeAssetImageRegistryList({ Limit: 100 });
    expect(res.TotalCount).toBe(4);
    expect(await images()).toEqual(['team/app:1.0', 'team/app:2.0', 'team/app:old', 'tool:latest']);
    const byName = new Map(res.List!.map((i) => [`${i.ImageName}:${i.ImageTag}`, i]));
    expect(byName.get('team/app:1.0')).toMatchObject({
      ImageId: ids.clean,
      ImageRepoAddress: `${registry.host}/team/app`,
      Namespace: 'team',
      RegistryType: 'harbor',
      ScanStatus: 'NOT_SCAN',
    });
    expect(byName.get('team/app:2.0')?.ImageId).toBe(ids.risky);
    expect(byName.get('tool:latest')?.ImageId).toBe(ids.other);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--creds',
      `${registry.user}:${registry.password}`,
      '--format',
      '{{.Digest}}',
      `docker://${registry.host}/team/app:2.0`,
    ]);
    expect(byName.get('team/app:2.0')?.ImageDigest).toBe(stdout.trim());
    const reg = (await c().DescribeAssetImageRegistryRegistryList({})).List![0]!;
    expect(reg).toMatchObject({ SyncStatus: 'SUCCESS', SyncMessage: '' });
    expect(reg.LatestSyncTime).toMatch(TIME);
    expect(await c().DescribeAssetImageRegistrySummary({})).toMatchObject({ UnScannedImageCnt: 4 });
  });

  it('an incremental sync adds new tags and keeps gone ones; a full sync then removes them', async () => {
    const { Password: _, ...rest } = addRequest();
    await c().UpdateAssetImageRegistryRegistryDetail({
      ...rest,
      Password: '',
      RegistryId: registryId,
      SyncMode: 1,
    });
    // the empty password kept the stored one: the registry still answers
    expect((await c().DescribeAssetImageRegistryRegistryDetail({ RegistryId: registryId })).SyncMode).toBe(1);
    await registry.push(`oci:${layouts.clean}:latest`, 'team/app:3.0', ['--format', 'v2s2']);
    await run('skopeo', [
      'delete',
      '--tls-verify=false',
      '--creds',
      `${registry.user}:${registry.password}`,
      `docker://${registry.host}/team/app:old`,
    ]);
    const before = await store.registries.registryImages(alice, registryId);
    await c().SyncAssetImageRegistryAsset({ All: true });
    expect(await images()).toEqual([
      'team/app:1.0',
      'team/app:2.0',
      'team/app:3.0',
      'team/app:old',
      'tool:latest',
    ]);
    const after = await store.registries.registryImages(alice, registryId);
    const old = before.find((r) => r.tag === 'old')!;
    expect(after.find((r) => r.tag === 'old')?.lastSeenMs).toBe(old.lastSeenMs);
    expect(after.find((r) => r.tag === '3.0')?.imageId).toBe(ids.clean);
    expect((await c().DescribeAssetImageRegistryRegistryList({})).List![0]).toMatchObject({
      SyncStatus: 'SUCCESS',
      SyncMode: 1,
    });

    await c().UpdateAssetImageRegistryRegistryDetail({
      ...rest,
      Password: '',
      RegistryId: registryId,
      SyncMode: 0,
    });
    await c().SyncAssetImageRegistryAsset({ RegistryIds: [registryId] });
    expect(await images()).toEqual(['team/app:1.0', 'team/app:2.0', 'team/app:3.0', 'tool:latest']);
  });

  async function untilEnd(taskId: number) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = await c().DescribeAssetImageRegistryScanStatusOneKey({ TaskID: taskId });
      if (s.Status === 'END') return s;
      if (Date.now() > deadline) throw new Error(`task ${taskId} did not end: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('a registry scan task gives the same results as scanning the OCI layouts', async () => {
    const list = (await c().DescribeAssetImageRegistryList({ Limit: 100 })).List!;
    const wanted = list.filter((i) => i.ImageTag === '1.0' || i.ImageTag === '2.0').map((i) => i.Id!);
    const { TaskID } = await c().CreateAssetImageRegistryScanTask({
      Id: wanted,
      ScanType: ['CVE', 'MALWARE', 'RISK'],
      Timeout: 600,
    });
    expect(typeof TaskID).toBe('number');
    const done = await untilEnd(TaskID!);
    expect(done).toMatchObject({
      ImageTotal: 2,
      ImageScanCnt: 2,
      Schedule: 100,
    });

    // bob scans the same images from their OCI layouts
    const b = sdk(served.endpoint, bobKey);
    await common(served.endpoint, bobKey).request('AddAssetImage', {
      Images: [`oci:${layouts.clean}:latest`, `oci:${layouts.risky}:latest`],
    });
    const { TaskID: bobTask } = await b.CreateAssetImageScanTask({
      All: true,
      ScanVul: true,
      ScanRisk: true,
      ScanVirus: true,
    });
    for (const deadline = Date.now() + 120_000; ; ) {
      const s = await b.DescribeAssetImageScanStatus({ TaskID: bobTask });
      if (s.Status === 'END') break;
      if (Date.now() > deadline) throw new Error("bob's task did not end");
      await new Promise((r) => setTimeout(r, 250));
    }

    const after = (await c().DescribeAssetImageRegistryList({ Limit: 100 })).List!;
    for (const [tag, id] of [
      ['1.0', ids.clean],
      ['2.0', ids.risky],
    ] as const) {
      const mine = after.find((i) => i.ImageTag === tag)!;
      expect(mine.ScanStatus).toBe('SCANNED');
      const theirs = await b.DescribeAssetImageDetail({ ImageID: id });
      const ours = await c().DescribeAssetImageDetail({ ImageID: id });
      for (const f of ['VulCnt', 'RiskCnt', 'VirusCnt', 'SensitiveInfoCnt', 'OsName', 'Size'] as const)
        expect([tag, f, ours[f]]).toEqual([tag, f, theirs[f]]);
      expect([tag, ours.VulCnt]).toEqual([tag, tag === '2.0' ? 1 : 0]);
      expect([mine.VulCnt, mine.RiskCnt, mine.VirusCnt, mine.OsName]).toEqual([
        theirs.VulCnt,
        theirs.RiskCnt,
        theirs.VirusCnt,
        theirs.OsName,
      ]);
      const comps = async (client: ReturnType<typeof sdk>) =>
        (await client.DescribeImageComponentList({ ImageID: id, Limit: 100 }))
          .List!.map((x) => `${x.Name}@${x.Version}`)
          .sort();
      const ourComps = await comps(c());
      expect(ourComps.length).toBeGreaterThan(0);
      expect(ourComps).toEqual(await comps(b));
      expect(mine.ComponentCnt).toBe(ourComps.length);
    }
    const risky = after.find((i) => i.ImageTag === '2.0')!;
    expect(risky.RiskCnt).toBeGreaterThan(0);
    const scanned = after.filter((i) => i.ImageTag === '1.0' || i.ImageTag === '2.0');
    const withFindings = scanned.filter((i) => i.VulCnt! + i.RiskCnt! + i.VirusCnt! > 0).length;
    expect([done.RiskCount, done.SuccessCount]).toEqual([withFindings, 2 - withFindings]);
    expect(risky.VirusCnt).toBe(1);
    // images of the registry not in the task stay unscanned; 3.0 is the clean image under another
    // tag: it shows the clean image's stored result
    expect(after.filter((i) => i.ScanStatus === 'NOT_SCAN').map((i) => i.ImageTag)).toEqual(['latest']);
    expect(after.find((i) => i.ImageTag === '3.0')).toMatchObject({
      ScanStatus: 'SCANNED',
      ImageId: ids.clean,
    });
  });

  it('the registry vulnerability, risk and virus lists and the summary agree with the image list', async () => {
    const list = (await c().DescribeAssetImageRegistryList({ Limit: 100 })).List!;
    for (const img of list) {
      const vul = await c().DescribeAssetImageRegistryVulList({ Id: img.Id!, Limit: 100 });
      const risk = await c().DescribeAssetImageRegistryRiskInfoList({ Id: img.Id!, Limit: 100 });
      const virus = await c().DescribeAssetImageRegistryVirusList({ Id: img.Id!, Limit: 100 });
      expect([img.ImageTag, vul.TotalCount, risk.TotalCount, virus.TotalCount]).toEqual([
        img.ImageTag,
        img.VulCnt,
        img.RiskCnt,
        img.VirusCnt,
      ]);
    }
    const risky = list.find((i) => i.ImageTag === '2.0')!;
    const virus = await c().DescribeAssetImageRegistryVirusList({ Id: risky.Id! });
    expect(virus.List![0]).toMatchObject({
      VirusName: expect.stringContaining('Hullscan.Test.Dropper'),
      FileName: 'dropper',
      FileMd5: createHash('md5').update(EICAR_LIKE).digest('hex'),
      RiskLevel: expect.stringMatching(/^[1-4]$/),
    });
    expect(virus.List![0]!.FirstScanTime).toMatch(TIME);
    const risks = await c().DescribeAssetImageRegistryRiskInfoList({ Id: risky.Id!, Limit: 100 });
    expect(risks.List!.some((r) => r.Type === 1 && r.Behavior === 4)).toBe(true);
    const byInfo = await c().DescribeAssetImageRegistryRiskInfoList({
      ImageInfo: { InstanceName: '', Namespace: 'team', ImageName: 'team/app', ImageTag: '2.0', Force: '' },
    });
    expect(byInfo.TotalCount).toBe(risks.TotalCount);
    const filtered = await c().DescribeAssetImageRegistryRiskInfoList({
      Id: risky.Id!,
      Filters: [{ Name: 'Type', Values: ['1'] }],
    });
    expect(filtered.TotalCount).toBe(risks.List!.filter((r) => r.Type === 1).length);

    const unscanned = list.filter((i) => i.ScanStatus === 'NOT_SCAN').length;
    expect(await c().DescribeAssetImageRegistrySummary({})).toMatchObject({ UnScannedImageCnt: unscanned });
    const scannedOnly = await c().DescribeAssetImageRegistryList({
      Filters: [{ Name: 'ScanStatus', Values: ['SCANNED'] }],
    });
    expect(scannedOnly.TotalCount).toBe(list.length - unscanned);
    const detail = await c().DescribeAssetImageRegistryDetail({ Id: risky.Id! });
    expect(detail).toMatchObject({
      ImageId: ids.risky,
      VulCnt: risky.VulCnt,
      RiskCnt: risky.RiskCnt,
      VirusCnt: 1,
      ScanStatus: 'SCANNED',
    });
    const latest = await c().DescribeAssetImageRegistryList({ OnlyShowLatest: true, Limit: 100 });
    expect(latest.List!.every((i) => i.IsLatestImage)).toBe(true);
    expect(latest.List!.map((i) => i.ImageName).sort()).toEqual(['team/app', 'tool']);
  });

  it('a repository that fails is recorded and does not stop the sync; unchanged tags are not fetched again', async () => {
    await registry.push(`oci:${layouts.other}:latest`, 'broken:1', ['--format', 'v2s2']);
    // the config blob 'other' shares with tool:latest disappears from the registry's storage
    const hex = ids.other.slice('sha256:'.length);
    await rm(
      path.join(registry.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex),
      {
        recursive: true,
      },
    );
    const before = await images();
    await c().SyncAssetImageRegistryAsset({ RegistryIds: [registryId] });
    // tool:latest kept its digest, so it was not described again (that would have failed too)
    expect(await images()).toEqual(before);
    const reg = (await c().DescribeAssetImageRegistryRegistryList({})).List![0]!;
    expect(reg.SyncStatus).toBe('FAILED');
    expect(reg.SyncMessage).toMatch(/^1 of 3 repositories failed \(broken: /);
    expect(reg.SyncFailReason).toBe(reg.SyncMessage);
    expect(JSON.stringify(reg)).not.toContain(registry.password);
  });

  it("the worker's opener reads docker:// references of the account's own registries only", async () => {
    const open = registryImageOpener(store, openerKey, addressPolicy(['127.0.0.1/32']));
    const ref = `docker://${registry.host}/team/app:1.0`;
    const signal = new AbortController().signal;
    const source = await open(alice, ref, signal);
    expect(source).toBeDefined();
    try {
      expect((await source!.describe()).imageID).toBe(ids.clean);
    } finally {
      await source!.close();
    }
    expect(await open(bob, ref, signal)).toBeUndefined();
    expect(await open(alice, `docker://127.0.0.2:1/team/app:1.0`, signal)).toBeUndefined();
    expect(await open(alice, `oci:${layouts.clean}:latest`, signal)).toBeUndefined();
    // the scanned image records where it came from
    expect((await c().DescribeAssetImageDetail({ ImageID: ids.risky })).ImageName).toContain(registry.host);
  });

  it('refuses malformed requests with the TencentCloud error codes', async () => {
    const code = async (p: Promise<unknown>) => (await failure(p)).code;
    expect(
      await code(c().AddAssetImageRegistryRegistryDetail(addRequest({ Name: 'x', RegistryType: 'gitlab' }))),
    ).toBe('InvalidParameterValue');
    expect(await code(c().CreateAssetImageRegistryScanTask({ All: true, ScanType: ['PORTS'] }))).toBe(
      'InvalidParameterValue',
    );
    expect(await code(c().CreateAssetImageRegistryScanTask({ ScanType: ['CVE'] }))).toBe(
      'InvalidParameterValue',
    );
    expect(await code(sdk(publicOnly.endpoint).CreateAssetImageRegistryScanTask({ All: true }))).toBe(
      'FailedOperation',
    );
    const { Password: _, ...rest } = addRequest();
    expect(
      await code(c().UpdateAssetImageRegistryRegistryDetail({ ...rest, Password: '', RegistryId: 999 })),
    ).toBe('ResourceNotFound');
    expect(await code(c().DescribeAssetImageRegistryVulList({}))).toBe('MissingParameter');
    expect(await code(c().DescribeAssetImageRegistryList({ By: 'Password' }))).toBe('InvalidParameterValue');
    expect(
      await code(c().DescribeAssetImageRegistryList({ Filters: [{ Name: 'Secret', Values: ['x'] }] })),
    ).toBe('InvalidParameterValue');
    expect(await code(c().DescribeAssetImageRegistryList({ Limit: 101 }))).toBe('InvalidParameterValue');
    expect(await code(c().DescribeAssetImageRegistryScanStatusOneKey({ TaskID: 999 }))).toBe(
      'ResourceNotFound',
    );
  });

  it('another account sees none of it', async () => {
    const b = sdk(served.endpoint, bobKey);
    expect((await b.DescribeAssetImageRegistryRegistryList({})).TotalCount).toBe(0);
    expect((await b.DescribeAssetImageRegistryList({})).TotalCount).toBe(0);
    expect((await b.DescribeAssetImageRegistrySummary({})).UnScannedImageCnt).toBe(0);
    expect((await b.CheckRepeatAssetImageRegistry({ Name: 'local' })).IsRepeat).toBe(false);
    for (const call of [
      b.DescribeAssetImageRegistryRegistryDetail({ RegistryId: registryId }),
      b.SyncAssetImageRegistryAsset({ RegistryIds: [registryId] }),
      b.RemoveAssetImageRegistryRegistryDetail({ RegistryId: registryId }),
      b.DescribeAssetImageRegistryVulList({ Id: 1 }),
      b.DescribeAssetImageRegistryDetail({ Id: 1 }),
      b.DescribeAssetImageRegistryScanStatusOneKey({ TaskID: 1 }),
    ])
      expect((await failure(call)).code).toBe('ResourceNotFound');
  });

  it('removing the registry removes its image list, not the scan results', async () => {
    await c().RemoveAssetImageRegistryRegistryDetail({ RegistryId: registryId });
    expect((await c().DescribeAssetImageRegistryRegistryList({})).TotalCount).toBe(0);
    expect((await c().DescribeAssetImageRegistryList({})).TotalCount).toBe(0);
    expect((await failure(c().RemoveAssetImageRegistryRegistryDetail({ RegistryId: registryId }))).code).toBe(
      'ResourceNotFound',
    );
    expect((await c().DescribeAssetImageDetail({ ImageID: ids.risky })).ScanStatus).toBe('SCANNED');
  });
});
