/**
 * The API service end to end: a real `hullscan serve` process, filled by scanning real images
 * (`hullscan scan --data` into the same store, and `hullscan submit` to the running server), called
 * with the real Tencent Cloud SDK (tencentcloud-sdk-nodejs) over loopback.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommonClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signTc3Request } from '../src/api/tc3/sign-tc3.js';
import { ensureFixtures, FIXTURE_TOOLS, type Fixtures, requireTools, runCli } from './support/fixtures.js';
import { type ServerProcess, startServer } from './support/server.js';

delete process.env.http_proxy;
delete process.env.https_proxy;
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const A = { appId: 1251000001, uin: '100001' };
const B = { appId: 1251000002, uin: '200002' };
const keyA = {
  secretId: 'AKIDhullscanTestAccountA000000000001',
  secretKey: 'keyA-hullscan-test-0000000000001',
};
const keyTmp = {
  secretId: 'AKIDhullscanTestAccountAtemp0000001',
  secretKey: 'keyT-hullscan-test-0000000000001',
  token: 'session-token-1',
};
const keyOff = {
  secretId: 'AKIDhullscanTestAccountAoff00000001',
  secretKey: 'keyD-hullscan-test-0000000000001',
};
const keyB = {
  secretId: 'AKIDhullscanTestAccountB000000000001',
  secretKey: 'keyB-hullscan-test-0000000000001',
};

type Cred = { secretId: string; secretKey: string; token?: string };
type Opts = {
  signMethod?: 'TC3-HMAC-SHA256' | 'HmacSHA1' | 'HmacSHA256';
  reqMethod?: 'POST' | 'GET';
  language?: 'zh-CN' | 'en-US';
};

interface ScanJson {
  detail: Record<string, unknown> & { ImageID: string };
  components: { name: string; version: string; type: string; path: string }[];
  layers: { diffID: string; size: number }[];
}

const skip = requireTools([...FIXTURE_TOOLS.small, ...FIXTURE_TOOLS.buildah, ...FIXTURE_TOOLS.multi]);

describe.skipIf(skip)('TCSS API served by hullscan, called with the Tencent Cloud SDK', () => {
  let fx: Fixtures<'small' | 'buildah' | 'multi'>;
  let work: string;
  let server: ServerProcess;
  const scans: Record<string, ScanJson> = {};

  const client = (cred: Cred, o: Opts = {}) =>
    new tcss.v20201101.Client({
      credential: cred,
      region: 'ap-guangzhou',
      profile: {
        signMethod: o.signMethod ?? 'TC3-HMAC-SHA256',
        language: o.language,
        httpProfile: {
          endpoint: server.endpoint,
          protocol: 'http://',
          reqMethod: o.reqMethod ?? 'POST',
          reqTimeout: 30,
        },
      },
    });
  const common = (version: string, cred: Cred = keyA) =>
    new CommonClient(server.endpoint, version, {
      credential: cred,
      profile: { httpProfile: { endpoint: server.endpoint, protocol: 'http://' } },
    });
  const errorOf = async (p: Promise<unknown>) => {
    const e = (await p.then(
      () => undefined,
      (err: unknown) => err,
    )) as { code?: string; message?: string; requestId?: string } | undefined;
    if (!e) throw new Error('expected the call to fail');
    return e;
  };
  const strip = ({ RequestId, ...rest }: Record<string, unknown>) => {
    expect(RequestId).toMatch(/^[0-9a-f-]{36}$/);
    return rest;
  };

  beforeAll(async () => {
    fx = await ensureFixtures(['small', 'buildah', 'multi']);
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-api-'));
    const data = path.join(work, 'data');
    const config = path.join(work, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [
          {
            ...A,
            credentials: [
              keyA,
              { ...keyTmp, expiresAt: new Date(Date.now() + 3600_000).toISOString() },
              { ...keyOff, disabled: true },
            ],
          },
          { ...B, credentials: [keyB] },
        ],
        rateLimits: { default: 1000, perAction: { DescribeAssetSummary: 5 } },
      }),
    );
    const envA = { HULLSCAN_APP_ID: String(A.appId), HULLSCAN_UIN: A.uin };
    const refs = {
      small: fx.small.ref('docker-archive'),
      buildah: fx.buildah.ref('docker-archive'),
      amd64: `${fx.multi.ref('oci')}`,
    };
    for (const [k, ref] of Object.entries(refs)) {
      const platform = k === 'amd64' ? ['--platform', 'linux/amd64'] : [];
      const r = await runCli(['scan', ref, '--format', 'json', ...platform], { dataDir: data, env: envA });
      expect(r.code, r.stderr).toBe(0);
      scans[k] = r.json as ScanJson;
    }
    server = await startServer(['--data', data, '--config', config]);
    const sub = await runCli(
      [
        'submit',
        refs.small,
        '--server',
        server.url,
        '--secret-id',
        keyB.secretId,
        '--secret-key',
        keyB.secretKey,
      ],
      { dataDir: path.join(work, 'client-cache') },
    );
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toContain(scans.small!.detail.ImageID);
  }, 300_000);

  afterAll(async () => {
    if (server) {
      expect(await server.stop()).toBe(0);
      // nothing secret ever reaches the log
      for (const k of [keyA, keyTmp, keyOff, keyB]) expect(server.stderr()).not.toContain(k.secretKey);
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('DescribeAssetImageDetail equals the scan CLI detail, field for field, over TC3 POST and GET and v1 SHA1/SHA256', async () => {
    const want = scans.small!.detail;
    for (const o of [
      {},
      { reqMethod: 'GET' },
      { signMethod: 'HmacSHA1' },
      { signMethod: 'HmacSHA256', reqMethod: 'GET' },
      { signMethod: 'HmacSHA256' },
    ] as Opts[]) {
      const got = await client(keyA, o).DescribeAssetImageDetail({ ImageID: want.ImageID });
      // hullscan's extra Layers: the CLI JSON's layers, each with the history step that made it
      const { Layers, ...fields } = got as typeof got & { Layers: { LayerID: string; Size: number }[] };
      expect(strip(fields as Record<string, unknown>), JSON.stringify(o)).toEqual(want);
      expect(Layers.map((l) => [l.LayerID, l.Size])).toEqual(
        scans.small!.layers.map((l) => [l.diffID, l.size]),
      );
    }
  });

  it('temporary credentials need their token; wrong, unknown and disabled keys are refused', async () => {
    const id = scans.small!.detail.ImageID;
    expect((await client(keyTmp).DescribeAssetImageDetail({ ImageID: id })).ImageID).toBe(id);
    const noToken = { secretId: keyTmp.secretId, secretKey: keyTmp.secretKey };
    expect((await errorOf(client(noToken).DescribeAssetImageDetail({ ImageID: id }))).code).toBe(
      'AuthFailure.TokenFailure',
    );
    expect(
      (await errorOf(client({ ...keyTmp, token: 'wrong' }).DescribeAssetImageDetail({ ImageID: id }))).code,
    ).toBe('AuthFailure.TokenFailure');
    expect(
      (await errorOf(client({ ...keyA, secretKey: 'not-the-key' }).DescribeAssetImageDetail({ ImageID: id })))
        .code,
    ).toBe('AuthFailure.SignatureFailure');
    expect(
      (
        await errorOf(
          client({ ...keyA, secretId: 'AKIDnobodyHasThisKey00000000000000' }).DescribeAssetImageDetail({
            ImageID: id,
          }),
        )
      ).code,
    ).toBe('AuthFailure.SecretIdNotFound');
    expect((await errorOf(client(keyOff).DescribeAssetImageDetail({ ImageID: id }))).code).toBe(
      'AuthFailure.SecretIdNotFound',
    );
    expect(
      (await errorOf(client({ ...keyA, secretId: 'not-an-akid' }).DescribeAssetImageDetail({ ImageID: id })))
        .code,
    ).toBe('AuthFailure.InvalidSecretId');
  });

  it('a clock more than five minutes off is AuthFailure.SignatureExpire', async () => {
    // only the client's clock moves: the SDK reads it with new Date() (TC3) and Date.now() (v1)
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const skew of [6 * 60_000, -6 * 60_000]) {
        vi.setSystemTime(Date.now() + skew);
        for (const signMethod of ['TC3-HMAC-SHA256', 'HmacSHA256'] as const) {
          const e = await errorOf(
            client(keyA, { signMethod }).DescribeAssetImageDetail({ ImageID: scans.small!.detail.ImageID }),
          );
          expect(e.code, `${skew} ${signMethod}`).toBe('AuthFailure.SignatureExpire');
        }
        vi.setSystemTime(Date.now() - skew);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('unknown versions and actions', async () => {
    expect(
      (await errorOf(common('2018-01-01').request('DescribeAssetImageDetail', { ImageID: 'x' }))).code,
    ).toBe('NoSuchVersion');
    expect((await errorOf(common('2020-11-01').request('DescribeNothingAtAll', {}))).code).toBe(
      'InvalidAction',
    );
  });

  it('two accounts never see each other’s images', async () => {
    const mine = await client(keyB).DescribeAssetImageList({ Limit: 100 });
    expect(mine.TotalCount).toBe(1);
    expect(mine.List?.[0]?.ImageID).toBe(scans.small!.detail.ImageID);
    const e = await errorOf(
      client(keyB).DescribeAssetImageDetail({ ImageID: scans.buildah!.detail.ImageID }),
    );
    expect(e.code).toBe('ResourceNotFound');
    const theirs = await client(keyA).DescribeAssetImageList({ Limit: 100 });
    expect(theirs.TotalCount).toBe(3);
    const bSummary = await client(keyB).DescribeAssetSummary();
    expect(bSummary.ImageCnt).toBe(1);
  });

  it('DescribeAssetImageList: filters, sorting and paging', async () => {
    const c = client(keyA);
    const all = await c.DescribeAssetImageList({ Limit: 100, By: 'Size', Order: 'ASC' });
    const sizes = all.List!.map((i) => i.Size!);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    const desc = await c.DescribeAssetImageList({ Limit: 100, By: 'Size', Order: 'desc' });
    expect(desc.List!.map((i) => i.ImageID)).toEqual([...all.List!].reverse().map((i) => i.ImageID));
    const pages = [];
    for (let off = 0; off < 3; off++)
      pages.push(...(await c.DescribeAssetImageList({ Limit: 1, Offset: off, By: 'Size' })).List!);
    expect(pages.map((p) => p.ImageID)).toEqual(all.List!.map((i) => i.ImageID));
    expect((await c.DescribeAssetImageList({ Limit: 10, Offset: 99 })).List).toEqual([]);
    const byName = await c.DescribeAssetImageList({ Filters: [{ Name: 'ImageName', Values: ['BUILDAH'] }] });
    expect(byName.List!.map((i) => i.ImageID)).toEqual([scans.buildah!.detail.ImageID]);
    const exact = await c.DescribeAssetImageList({
      Filters: [{ Name: 'ImageName', Values: ['buildah'], ExactMatch: true }],
    });
    expect(exact.TotalCount).toBe(0);
    const scanned = await c.DescribeAssetImageList({
      Filters: [{ Name: 'ScanStatus', Values: ['scanned'] }],
    });
    expect(scanned.TotalCount).toBe(3);
    const none = await c.DescribeAssetImageList({ Filters: [{ Name: 'ScanStatus', Values: ['notScan'] }] });
    expect(none.TotalCount).toBe(0);
    const os = await c.DescribeAssetImageList({ Filters: [{ Name: 'OsName', Values: ['debian:12'] }] });
    expect(os.TotalCount).toBe(3);
    const row = all.List!.find((i) => i.ImageID === scans.small!.detail.ImageID)!;
    expect(row.ComponentCnt).toBe(scans.small!.components.length);
    expect(row.ScanStatus).toBe('SCANNED');
    const simple = await c.DescribeAssetImageSimpleList({
      Filters: [{ Name: 'Keywords', Values: [scans.buildah!.detail.ImageID.slice(7, 19)] }],
    });
    expect(simple.List).toEqual([
      {
        ImageID: scans.buildah!.detail.ImageID,
        ImageName: scans.buildah!.detail.ImageName,
        ContainerCnt: 0,
        ScanTime: scans.buildah!.detail.ScanTime,
        Size: scans.buildah!.detail.Size,
      },
    ]);
  });

  it('DescribeImageComponentList: the scanned components, filtered, sorted and paged', async () => {
    const c = client(keyA);
    const id = scans.buildah!.detail.ImageID;
    const want = scans.buildah!.components;
    const got = await c.DescribeImageComponentList({ ImageID: id, Limit: 100, By: 'Name', Order: 'asc' });
    expect(got.TotalCount).toBe(want.length);
    expect(got.List!.map((x) => `${x.Name} ${x.Version} ${x.Type} ${x.Path}`)).toEqual(
      [...want]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((x) => `${x.name} ${x.version} ${x.type} ${x.path}`),
    );
    const one = await c.DescribeImageComponentList({ ImageID: id, Limit: 1, Offset: 1, By: 'Name' });
    expect(one.List!.map((x) => x.Name)).toEqual([got.List![1]!.Name]);
    const lib = await c.DescribeImageComponentList({
      ImageID: id,
      Filters: [{ Name: 'ComponentName', Values: ['lib'] }],
    });
    expect(lib.TotalCount).toBe(want.filter((x) => x.name.includes('lib')).length);
    const vul = await c.DescribeImageComponentList({
      ImageID: id,
      Filters: [{ Name: 'HasVul', Values: ['true'] }],
    });
    expect(vul.TotalCount).toBe(0);
    expect((await errorOf(c.DescribeImageComponentList({ ImageID: 'sha256:nope' }))).code).toBe(
      'ResourceNotFound',
    );
  });

  it('DescribeAssetSummary counts the account’s images; bursts over the limit are refused', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => client(keyA).DescribeAssetSummary()),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'RequestLimitExceeded',
    );
    expect(ok.length).toBe(5);
    expect(refused.length).toBe(7);
    const s = (ok[0] as PromiseFulfilledResult<Record<string, number>>).value;
    expect(s.ImageCnt).toBe(3);
    expect(s.ScannedImageCnt).toBe(3);
    expect(s.UnScannedImageCnt).toBe(0);
    expect(s.TodayNewImageCnt).toBe(3);
  });

  it('bad parameters get the right code and change nothing', async () => {
    const c = client(keyA);
    const before = await c.DescribeAssetImageList({ Limit: 100 });
    const bad = async (p: Promise<unknown>, code: string) => expect((await errorOf(p)).code).toBe(code);
    await bad(c.DescribeAssetImageDetail({} as never), 'MissingParameter');
    await bad(c.DescribeAssetImageDetail({ ImageID: 42 } as never), 'InvalidParameter');
    await bad(c.DescribeAssetImageDetail({ ImageID: '' }), 'InvalidParameterValue');
    await bad(c.DescribeAssetImageDetail({ ImageID: 'x', Extra: 1 } as never), 'UnknownParameter');
    await bad(c.DescribeAssetImageList({ Limit: 101 }), 'InvalidParameterValue');
    await bad(c.DescribeAssetImageList({ Limit: 'ten' } as never), 'InvalidParameter');
    await bad(c.DescribeAssetImageList({ By: 'Password' }), 'InvalidParameterValue');
    await bad(c.DescribeAssetImageList({ Order: 'sideways' }), 'InvalidParameterValue');
    await bad(
      c.DescribeAssetImageList({ Filters: [{ Name: 'Nope', Values: ['x'] }] }),
      'InvalidParameterValue',
    );
    await bad(
      c.DescribeAssetImageList({
        Filters: [{ Name: 'ImageName', Values: Array.from({ length: 5000 }, (_, i) => `v${i}`) }],
      }),
      'InvalidParameterValue',
    );
    await bad(
      c.DescribeAssetImageList({ Filters: [{ Name: 'ImageName', Values: ['a\u0000b'] }] }),
      'InvalidParameterValue',
    );
    for (const v of ["'; DROP TABLE images; --", '%', '_', '.*', '[a-z]+', '\\', "' OR '1'='1"]) {
      const r = await c.DescribeAssetImageList({ Filters: [{ Name: 'ImageName', Values: [v] }] });
      expect(r.TotalCount, v).toBe(0);
    }
    const many = await c.DescribeAssetImageList({
      Filters: [{ Name: 'ImageID', Values: Array.from({ length: 1000 }, (_, i) => `no-such-${i}`) }],
    });
    expect(many.TotalCount).toBe(0);
    expect(await c.DescribeAssetImageList({ Limit: 100 })).toMatchObject({
      TotalCount: before.TotalCount,
      List: before.List,
    });
  });

  it('raw requests: non-JSON and huge bodies, envelope, trace id, languages', async () => {
    const post = async (
      body: string,
      action = 'DescribeAssetImageList',
      extra: Record<string, string> = {},
    ) => {
      const headers = signTc3Request({
        ...keyA,
        action,
        version: '2020-11-01',
        body,
        host: server.endpoint,
        service: 'tcss',
        timestamp: Math.floor(Date.now() / 1000),
      });
      const res = await fetch(`${server.url}/`, { method: 'POST', headers: { ...headers, ...extra }, body });
      return {
        res,
        json: (await res.json()) as {
          Response: Record<string, unknown> & { Error?: { Code: string; Message: string } };
        },
      };
    };
    const nonJson = await post('{"Limit": 1,');
    expect(nonJson.res.status).toBe(200);
    expect(nonJson.res.headers.get('content-type')).toBe('application/json');
    expect(nonJson.json.Response.Error?.Code).toBe('InvalidParameter');
    expect(nonJson.json.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const huge = await post(JSON.stringify({ Limit: 1, Pad: 'x'.repeat(11 * 1024 * 1024) }));
    expect(huge.json.Response.Error?.Code).toBe('RequestSizeLimitExceeded');
    const traced = await post('{}', 'DescribeAssetImageList', {
      'X-TC-TraceId': 'trace-1234',
      'X-TC-Language': 'zh-CN',
    });
    expect(traced.res.headers.get('x-tc-traceid')).toBe('trace-1234');
    expect(traced.json.Response.TotalCount).toBe(3);
    const zh = await errorOf(
      client(keyA, { language: 'zh-CN' }).DescribeAssetImageDetail({ ImageID: 'sha256:none' }),
    );
    const en = await errorOf(
      client(keyA, { language: 'en-US' }).DescribeAssetImageDetail({ ImageID: 'sha256:none' }),
    );
    expect(zh.code).toBe('ResourceNotFound');
    expect(zh.message).toMatch(/[\u4e00-\u9fff]/);
    expect(en.message).not.toMatch(/[\u4e00-\u9fff]/);
    // the server is still healthy after all of it
    expect((await client(keyA).DescribeAssetImageList({})).TotalCount).toBe(3);
  });
});
