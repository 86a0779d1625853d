import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { CommonClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js';
import type {
  ClientProfile,
  Credential as SdkCredential,
} from 'tencentcloud-sdk-nodejs/tencentcloud/common/interface.js';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import type { Action } from '../action.js';
import { ApiError } from '../api-error.js';
import {
  canonicalRequest,
  credentialScope,
  deriveSigningKey,
  sha256Hex,
  signatureHex,
  signTc3Request,
  stringToSign,
} from '../tc3/sign-tc3.js';
import { signV1Request } from '../tc3/sign-v1.js';
import { type Credential, staticCredentials } from './credentials.js';
import { type ApiServerOptions, createApiServer } from './server.js';

// The SDK routes every call through an HttpsProxyAgent when http_proxy is set (PROTOCOL §1).
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const ACCOUNT = { appId: 1250000000, uin: '100000000001' };
const OTHER_ACCOUNT = { appId: 1250000001, uin: '100000000002' };
const KEY = {
  secretId: 'AKIDtcssTEST0000000000000000000000001',
  secretKey: 'tcssTESTsecretKey000000000000001',
};
const OTHER_KEY = {
  secretId: 'AKIDtcssTEST0000000000000000000000002',
  secretKey: 'tcssTESTsecretKey000000000000002',
};
const TEMP = {
  secretId: 'AKIDtcssTEMP0000000000000000000000001',
  secretKey: 'tcssTEMPsecretKey000000000000001',
  token: 'tcssTEMPtoken-0000000000000000000000000000000001',
};
const EXPIRED = {
  secretId: 'AKIDtcssTEMP0000000000000000000000002',
  secretKey: 'tcssTEMPsecretKey000000000000002',
  token: 'tcssTEMPtoken-0000000000000000000000000000000002',
};
const DISABLED = {
  secretId: 'AKIDtcssOFF00000000000000000000000001',
  secretKey: 'tcssOFFsecretKey0000000000000001',
};
const SECRETS = [
  KEY.secretKey,
  OTHER_KEY.secretKey,
  TEMP.secretKey,
  TEMP.token,
  EXPIRED.secretKey,
  EXPIRED.token,
];

const credentialList: Credential[] = [
  { ...KEY, account: ACCOUNT },
  { ...OTHER_KEY, account: OTHER_ACCOUNT },
  { ...TEMP, account: ACCOUNT, expiresAt: Date.now() + 3_600_000 },
  { ...EXPIRED, account: ACCOUNT, expiresAt: Date.now() - 1000 },
  { ...DISABLED, account: ACCOUNT, disabled: true },
];

const IMAGE_ID = 'sha256:707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b';

/** The real action's name and input shape; the handler echoes what the gateway gave it. */
const detailAction: Action<{ ImageID: string }, object> = {
  name: 'DescribeAssetImageDetail',
  request: z.strictObject({
    ImageID: z
      .string()
      .min(1)
      .max(20 * 1024 * 1024),
  }),
  async handle(req, ctx) {
    if (req.ImageID === 'boom') throw new Error(`store failed while signing with ${KEY.secretKey}`);
    if (req.ImageID !== IMAGE_ID) {
      throw new ApiError('ResourceNotFound', { en: 'image not found', zh: '镜像不存在' });
    }
    return {
      ImageID: req.ImageID,
      ImageName: 'nginx:latest',
      Size: 1234,
      IsTrustImage: true,
      Uin: ctx.account.uin,
      Region: ctx.region ?? '',
      Language: ctx.language,
      ContextRequestId: ctx.requestId,
      TimeZone: ctx.timeZone,
    };
  },
};

const listRequest = z.strictObject({
  Limit: z.number().int().min(1).max(100).optional(),
  Offset: z.number().int().min(0).optional(),
  Filters: z
    .array(
      z.strictObject({
        Name: z.string().min(1),
        Values: z.array(z.string().max(16)).min(1),
        ExactMatch: z.boolean().optional(),
      }),
    )
    .max(3)
    .optional(),
  Order: z.enum(['asc', 'desc']).optional(),
});
const listAction: Action<z.infer<typeof listRequest>, object> = {
  name: 'DescribeAssetImageList',
  request: listRequest,
  handle: async (req) => ({ Echo: req }),
};

interface Running {
  port: number;
  lines: string[];
  close(): Promise<void>;
}

const running: Running[] = [];

async function start(opts: Partial<ApiServerOptions> = {}): Promise<Running> {
  const lines: string[] = [];
  const server = createApiServer({
    actions: [detailAction, listAction] as Action[],
    credentials: staticCredentials(credentialList),
    store: {} as Store,
    timeZone: 'Asia/Shanghai',
    log: (line) => lines.push(line),
    ...opts,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const r: Running = {
    port: (server.address() as AddressInfo).port,
    lines,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  running.push(r);
  return r;
}

interface ClientOpts {
  credential?: SdkCredential;
  signMethod?: ClientProfile['signMethod'];
  reqMethod?: 'POST' | 'GET';
  language?: 'zh-CN' | 'en-US';
  region?: string;
  endpoint?: string;
  agent?: http.Agent;
  headers?: Record<string, string>;
}

function profile(port: number, o: ClientOpts): ClientProfile {
  return {
    signMethod: o.signMethod ?? 'TC3-HMAC-SHA256',
    ...(o.language && { language: o.language }),
    httpProfile: {
      endpoint: o.endpoint ?? `127.0.0.1:${port}`,
      protocol: 'http://',
      reqMethod: o.reqMethod ?? 'POST',
      reqTimeout: 30,
      ...(o.agent && { agent: o.agent }),
      ...(o.headers && { headers: o.headers }),
    },
  };
}

function client(port: number, o: ClientOpts = {}) {
  return new tcss.v20201101.Client({
    credential: o.credential ?? KEY,
    ...(o.region !== undefined ? { region: o.region } : { region: 'ap-guangzhou' }),
    profile: profile(port, o),
  });
}

function commonClient(port: number, version: string, o: ClientOpts = {}) {
  return new CommonClient('tcss.tencentcloudapi.com', version, {
    credential: o.credential ?? KEY,
    region: 'ap-guangzhou',
    profile: profile(port, o),
  });
}

interface SdkError {
  code?: string;
  message: string;
  requestId: string;
  traceId: string;
  httpCode?: number;
}

const messagesSeen: string[] = [];

async function sdkError(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    messagesSeen.push((e as Error).message);
    return e as SdkError;
  }
  throw new Error('the call succeeded');
}

async function expectCode(p: Promise<unknown>, code: string): Promise<SdkError> {
  const e = await sdkError(p);
  expect(e.code, e.message).toBe(code);
  expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
  return e;
}

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: { Response: { Error?: { Code: string; Message: string }; RequestId: string; [k: string]: unknown } };
}

/** One request on a fresh connection, everything under the test's control. */
function raw(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/',
        headers: {
          ...opts.headers,
          ...(opts.body !== undefined && { 'Content-Length': String(Buffer.byteLength(opts.body)) }),
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          messagesSeen.push(text);
          let json: RawReply['json'];
          try {
            json = JSON.parse(text);
          } catch {
            json = { Response: { RequestId: '' } };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function tc3Headers(port: number, extra: Partial<Parameters<typeof signTc3Request>[0]> = {}) {
  return signTc3Request({
    ...KEY,
    action: 'DescribeAssetImageDetail',
    host: `127.0.0.1:${port}`,
    body: JSON.stringify({ ImageID: IMAGE_ID }),
    ...extra,
  });
}

let srv: Running;

beforeAll(async () => {
  srv = await start({ rateLimits: { default: 0 } });
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

describe('TC3-HMAC-SHA256 with the real SDK', () => {
  it('answers DescribeAssetImageDetail over POST', async () => {
    const res = await client(srv.port).DescribeAssetImageDetail({ ImageID: IMAGE_ID });
    expect(res).toMatchObject({
      ImageID: IMAGE_ID,
      ImageName: 'nginx:latest',
      Size: 1234,
      IsTrustImage: true,
    });
    const extra = res as unknown as Record<string, string>;
    expect(extra.Uin).toBe(ACCOUNT.uin);
    expect(extra.Region).toBe('ap-guangzhou');
    expect(extra.TimeZone).toBe('Asia/Shanghai');
    expect(extra.ContextRequestId).toBe(res.RequestId);
    expect(res.RequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('answers over GET, rebuilding and coercing flattened parameters', async () => {
    const c = client(srv.port, { reqMethod: 'GET' });
    expect((await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
    const list = (await c.DescribeAssetImageList({
      Limit: 5,
      Offset: 0,
      Filters: [
        { Name: 'ImageName', Values: ['nginx', 'redis'], ExactMatch: true },
        { Name: 'OsName', Values: ['debian'], ExactMatch: false },
      ],
      Order: 'asc',
    })) as unknown as { Echo: unknown };
    expect(list.Echo).toEqual({
      Limit: 5,
      Offset: 0,
      Filters: [
        { Name: 'ImageName', Values: ['nginx', 'redis'], ExactMatch: true },
        { Name: 'OsName', Values: ['debian'], ExactMatch: false },
      ],
      Order: 'asc',
    });
  });

  it('passes no region when the client sets none', async () => {
    const res = await client(srv.port, { region: '' }).DescribeAssetImageDetail({ ImageID: IMAGE_ID });
    expect((res as unknown as { Region: string }).Region).toBe('');
  });

  it('answers a handler ApiError with its code and localized message', async () => {
    const en = await expectCode(
      client(srv.port).DescribeAssetImageDetail({ ImageID: 'sha256:nope' }),
      'ResourceNotFound',
    );
    expect(en.message).toBe('image not found');
    const zh = await expectCode(
      client(srv.port, { language: 'zh-CN' }).DescribeAssetImageDetail({ ImageID: 'sha256:nope' }),
      'ResourceNotFound',
    );
    expect(zh.message).toBe('镜像不存在');
  });

  it('accepts a temporary credential with its token', async () => {
    const res = await client(srv.port, { credential: TEMP }).DescribeAssetImageDetail({ ImageID: IMAGE_ID });
    expect(res.ImageID).toBe(IMAGE_ID);
  });

  it('refuses a temporary credential without, with a wrong, or with an expired token', async () => {
    const { token: _t, ...noToken } = TEMP;
    await expectCode(
      client(srv.port, { credential: noToken }).DescribeAssetImageDetail({ ImageID: IMAGE_ID }),
      'AuthFailure.TokenFailure',
    );
    await expectCode(
      client(srv.port, { credential: { ...TEMP, token: `${TEMP.token}x` } }).DescribeAssetImageDetail({
        ImageID: IMAGE_ID,
      }),
      'AuthFailure.TokenFailure',
    );
    await expectCode(
      client(srv.port, { credential: EXPIRED }).DescribeAssetImageDetail({ ImageID: IMAGE_ID }),
      'AuthFailure.TokenFailure',
    );
    await expectCode(
      client(srv.port, { credential: { ...KEY, token: 'not-issued' } }).DescribeAssetImageDetail({
        ImageID: IMAGE_ID,
      }),
      'AuthFailure.TokenFailure',
    );
  });

  it('refuses a wrong key, an unknown or malformed SecretId and a disabled one', async () => {
    const call = (credential: SdkCredential) =>
      client(srv.port, { credential }).DescribeAssetImageDetail({ ImageID: IMAGE_ID });
    await expectCode(
      call({ ...KEY, secretKey: 'wrongwrongwrongwrongwrongwrong00' }),
      'AuthFailure.SignatureFailure',
    );
    await expectCode(
      call({ secretId: 'AKIDtcssNOBODY00000000000000000000001', secretKey: KEY.secretKey }),
      'AuthFailure.SecretIdNotFound',
    );
    await expectCode(
      call({ secretId: 'not-a-key', secretKey: KEY.secretKey }),
      'AuthFailure.InvalidSecretId',
    );
    await expectCode(call(DISABLED), 'AuthFailure.SecretIdNotFound');
  });

  it('answers NoSuchVersion and InvalidAction through the CommonClient', async () => {
    await expectCode(
      commonClient(srv.port, '2018-01-01').request('DescribeAssetImageDetail', { ImageID: IMAGE_ID }),
      'NoSuchVersion',
    );
    const e = await expectCode(
      commonClient(srv.port, '2020-11-01').request('DescribeNothing', {}),
      'InvalidAction',
    );
    expect(e.message).toContain('DescribeNothing');
    const ok = await commonClient(srv.port, '2020-11-01').request('DescribeAssetImageDetail', {
      ImageID: IMAGE_ID,
    });
    expect(ok.ImageID).toBe(IMAGE_ID);
  });

  it('checks the signature before telling an unknown action from a known one', async () => {
    await expectCode(
      commonClient(srv.port, '2020-11-01', { credential: { ...KEY, secretKey: 'x'.repeat(32) } }).request(
        'DescribeNothing',
        {},
      ),
      'AuthFailure.SignatureFailure',
    );
  });

  it('echoes X-TC-TraceId, on errors too', async () => {
    const traceId = randomUUID();
    const e = await expectCode(
      client(srv.port, { headers: { 'X-TC-TraceId': traceId } }).DescribeAssetImageDetail({
        ImageID: 'sha256:nope',
      }),
      'ResourceNotFound',
    );
    expect(e.traceId).toBe(traceId);
    const r = await raw(srv.port, {
      headers: { ...tc3Headers(srv.port), 'X-TC-TraceId': traceId },
      body: JSON.stringify({ ImageID: IMAGE_ID }),
    });
    expect(r.headers['x-tc-traceid']).toBe(traceId);
  });

  it('replies HTTP 200 with exactly application/json and a fresh RequestId, errors included', async () => {
    const body = JSON.stringify({ ImageID: IMAGE_ID });
    const ok = await raw(srv.port, { headers: tc3Headers(srv.port), body });
    const again = await raw(srv.port, { headers: tc3Headers(srv.port), body });
    const bad = await raw(srv.port, {
      headers: { ...tc3Headers(srv.port), 'X-TC-Version': '1999-01-01' },
      body,
    });
    for (const r of [ok, again, bad]) {
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json');
      expect(Object.keys(r.json)).toEqual(['Response']);
      expect(r.json.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(ok.json.Response.RequestId).not.toBe(again.json.Response.RequestId);
    expect(Object.keys(ok.json.Response).at(-1)).toBe('RequestId');
    expect(bad.json.Response.Error?.Code).toBe('NoSuchVersion');
  });
});

describe('signature v1 with the real SDK', () => {
  for (const signMethod of ['HmacSHA1', 'HmacSHA256'] as const) {
    for (const reqMethod of ['POST', 'GET'] as const) {
      it(`${signMethod} ${reqMethod}`, async () => {
        const c = client(srv.port, { signMethod, reqMethod });
        expect((await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
        const list = (await c.DescribeAssetImageList({
          Limit: 7,
          Filters: [{ Name: 'ImageName', Values: ['a b+c', '镜像'], ExactMatch: true }],
        })) as unknown as { Echo: unknown };
        expect(list.Echo).toEqual({
          Limit: 7,
          Filters: [{ Name: 'ImageName', Values: ['a b+c', '镜像'], ExactMatch: true }],
        });
        await expectCode(
          client(srv.port, {
            signMethod,
            reqMethod,
            credential: { ...KEY, secretKey: 'y'.repeat(32) },
          }).DescribeAssetImageDetail({
            ImageID: IMAGE_ID,
          }),
          'AuthFailure.SignatureFailure',
        );
      });
    }
  }

  it('carries Token, Language and Region as parameters', async () => {
    const c = client(srv.port, { signMethod: 'HmacSHA256', credential: TEMP, language: 'zh-CN' });
    const res = (await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID })) as unknown as Record<
      string,
      string
    >;
    expect(res.Language).toBe('zh-CN');
    expect(res.Region).toBe('ap-guangzhou');
    const e = await expectCode(
      client(srv.port, {
        signMethod: 'HmacSHA256',
        credential: { ...TEMP, token: 'wrong' },
        language: 'zh-CN',
      }).DescribeAssetImageDetail({
        ImageID: IMAGE_ID,
      }),
      'AuthFailure.TokenFailure',
    );
    expect(e.message).toMatch(/Token/);
    expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('names the missing common parameter', async () => {
    const params = signV1Request({
      ...KEY,
      action: 'DescribeAssetImageDetail',
      host: `127.0.0.1:${srv.port}`,
      params: { ImageID: IMAGE_ID },
    });
    const { Nonce: _n, ...noNonce } = params;
    const r = await raw(srv.port, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(noNonce).toString(),
    });
    expect(r.json.Response.Error).toMatchObject({ Code: 'MissingParameter' });
    expect(r.json.Response.Error?.Message).toContain('Nonce');
  });

  it('signV1Request makes requests the gateway accepts, and a repeated parameter is refused', async () => {
    const params = signV1Request({
      ...KEY,
      action: 'DescribeAssetImageList',
      host: `127.0.0.1:${srv.port}`,
      method: 'GET',
      signatureMethod: 'HmacSHA1',
      params: { Limit: 3, Filters: [{ Name: 'n', Values: ['v'] }] },
    });
    const ok = await raw(srv.port, { method: 'GET', path: `/?${new URLSearchParams(params)}` });
    expect(ok.json.Response.Echo).toEqual({ Limit: 3, Filters: [{ Name: 'n', Values: ['v'] }] });
    const dup = await raw(srv.port, { method: 'GET', path: `/?${new URLSearchParams(params)}&Limit=4` });
    expect(dup.json.Response.Error).toMatchObject({ Code: 'InvalidParameter' });
  });
});

describe('the endpoint quirk: tcss.tencentcloudapi.com:PORT dialled on loopback', () => {
  const agentFor = (port: number) => {
    const agent = new http.Agent({ keepAlive: true });
    (agent as unknown as { createConnection: unknown }).createConnection = (_o: unknown, cb?: unknown) =>
      net.createConnection({ host: '127.0.0.1', port }, cb as () => void);
    return agent;
  };

  it('TC3 with service tcss and the port-less signed host; v1 with the endpoint as signed host', async () => {
    const agent = agentFor(srv.port);
    for (const signMethod of ['TC3-HMAC-SHA256', 'HmacSHA256'] as const) {
      for (const reqMethod of ['POST', 'GET'] as const) {
        const c = client(srv.port, {
          endpoint: `tcss.tencentcloudapi.com:${srv.port}`,
          agent,
          signMethod,
          reqMethod,
        });
        expect((await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
      }
    }
    agent.destroy();
  });

  it('also accepts the Python/Go form: service tcss, Host signed with its port', async () => {
    const r = await raw(srv.port, {
      headers: tc3Headers(srv.port, { service: 'tcss' }),
      body: JSON.stringify({ ImageID: IMAGE_ID }),
    });
    expect(r.json.Response.ImageID).toBe(IMAGE_ID);
  });

  it('refuses a scope service that is neither tcss nor the first label of Host', async () => {
    const r = await raw(srv.port, {
      headers: tc3Headers(srv.port, { service: 'cvm' }),
      body: JSON.stringify({ ImageID: IMAGE_ID }),
    });
    expect(r.json.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });
});

describe('TC3 details', () => {
  const body = JSON.stringify({ ImageID: IMAGE_ID });

  it('malformed Authorization headers → AuthFailure.InvalidAuthorization', async () => {
    const good = tc3Headers(srv.port);
    const bad = [
      'Bearer abc',
      'TC3-HMAC-SHA256',
      'TC3-HMAC-SHA256 Credential=AKIDx/2026-01-01/tcss/tc3_request',
      good.Authorization?.replace('SignedHeaders=content-type;host', 'SignedHeaders=content-type'),
      good.Authorization?.replace(/Signature=[0-9a-f]+/, 'Signature=xyz'),
      good.Authorization?.replace('/tc3_request', '/tc4_request'),
      good.Authorization?.replace(/\/\d{4}-\d{2}-\d{2}\//, '/yesterday/'),
    ];
    for (const authorization of bad) {
      const r = await raw(srv.port, { headers: { ...good, Authorization: authorization as string }, body });
      expect(r.json.Response.Error?.Code, authorization).toBe('AuthFailure.InvalidAuthorization');
      expect(r.status).toBe(200);
    }
    const { Authorization: _a, ...none } = good;
    const r = await raw(srv.port, { headers: none, body });
    expect(r.json.Response.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
  });

  it('tolerates extra whitespace in Authorization', async () => {
    const h = tc3Headers(srv.port);
    const spaced = (h.Authorization as string)
      .replace(/, /g, ' ,  ')
      .replace('TC3-HMAC-SHA256 ', 'TC3-HMAC-SHA256   ');
    const r = await raw(srv.port, { headers: { ...h, Authorization: spaced }, body });
    expect(r.json.Response.ImageID).toBe(IMAGE_ID);
  });

  it('requires X-TC-Action, X-TC-Version, X-TC-Timestamp', async () => {
    for (const name of ['X-TC-Action', 'X-TC-Version', 'X-TC-Timestamp']) {
      const h: Record<string, string> = tc3Headers(srv.port);
      delete h[name];
      const r = await raw(srv.port, { headers: h, body });
      expect(r.json.Response.Error?.Code).toBe('MissingParameter');
      expect(r.json.Response.Error?.Message).toContain(name);
    }
  });

  it('honours any SignedHeaders list with lower-cased values (the docs example signs x-tc-action)', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
    const host = `127.0.0.1:${srv.port}`;
    const contentType = 'application/json; charset=utf-8';
    const canonical = canonicalRequest({
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['content-type', contentType],
        ['host', host],
        ['x-tc-action', 'DescribeAssetImageDetail'],
      ],
      payloadHash: sha256Hex(body),
    });
    const signature = signatureHex(
      deriveSigningKey(KEY.secretKey, date, 'tcss'),
      stringToSign(timestamp, credentialScope(date, 'tcss'), sha256Hex(canonical)),
    );
    const r = await raw(srv.port, {
      headers: {
        Authorization: `TC3-HMAC-SHA256 Credential=${KEY.secretId}/${date}/tcss/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=${signature}`,
        'Content-Type': contentType,
        'X-TC-Action': 'DescribeAssetImageDetail',
        'X-TC-Version': '2020-11-01',
        'X-TC-Timestamp': String(timestamp),
      },
      body,
    });
    expect(r.json.Response.ImageID).toBe(IMAGE_ID);
  });

  it('accepts X-TC-Content-SHA256: UNSIGNED-PAYLOAD and notices a body altered after signing otherwise', async () => {
    const unsigned = await raw(srv.port, { headers: tc3Headers(srv.port, { unsignedPayload: true }), body });
    expect(unsigned.json.Response.ImageID).toBe(IMAGE_ID);
    const altered = await raw(srv.port, {
      headers: tc3Headers(srv.port),
      body: JSON.stringify({ ImageID: 'sha256:other' }),
    });
    expect(altered.json.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses a scope date that is not the date of the timestamp', async () => {
    const h = tc3Headers(srv.port);
    const r = await raw(srv.port, {
      headers: {
        ...h,
        Authorization: (h.Authorization as string).replace(/\/\d{4}-\d{2}-\d{2}\//, '/2001-01-01/'),
      },
      body,
    });
    expect(r.json.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('answers methods other than GET and POST with UnsupportedProtocol, HTTP 200', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const r = await raw(srv.port, { method, headers: tc3Headers(srv.port), body });
      expect(r.status).toBe(200);
      expect(r.json.Response.Error?.Code).toBe('UnsupportedProtocol');
    }
  });

  it('a non-JSON or non-object body → InvalidParameter; a form body under TC3 → InvalidParameter', async () => {
    for (const text of ['{"ImageID":', '[1,2]', '"x"', 'null']) {
      const r = await raw(srv.port, { headers: tc3Headers(srv.port, { body: text }), body: text });
      expect(r.json.Response.Error?.Code, text).toBe('InvalidParameter');
    }
    const form = `ImageID=${IMAGE_ID}`;
    const r = await raw(srv.port, {
      headers: tc3Headers(srv.port, { body: form, contentType: 'application/x-www-form-urlencoded' }),
      body: form,
    });
    expect(r.json.Response.Error?.Code).toBe('InvalidParameter');
  });

  it('accepts an empty TC3 POST body as no parameters', async () => {
    const r = await raw(srv.port, {
      headers: tc3Headers(srv.port, { body: '', action: 'DescribeAssetImageList' }),
      body: '',
    });
    expect(r.json.Response.Echo).toEqual({});
  });

  it('refuses an unsupported region name', async () => {
    const r = await raw(srv.port, {
      headers: { ...tc3Headers(srv.port), 'X-TC-Region': 'ap guangzhou!' },
      body,
    });
    expect(r.json.Response.Error?.Code).toBe('UnsupportedRegion');
  });
});

describe('clock', () => {
  it('5 minutes of skew pass, more → AuthFailure.SignatureExpire', async () => {
    const ahead = await start({ now: () => Date.now() + 6 * 60_000 });
    const behind = await start({ now: () => Date.now() - 6 * 60_000 });
    const near = await start({ now: () => Date.now() + 4 * 60_000 });
    for (const s of [ahead, behind]) {
      for (const signMethod of ['TC3-HMAC-SHA256', 'HmacSHA1'] as const) {
        await expectCode(
          client(s.port, { signMethod }).DescribeAssetImageDetail({ ImageID: IMAGE_ID }),
          'AuthFailure.SignatureExpire',
        );
      }
    }
    expect((await client(near.port).DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
  });

  it('a temporary key past expiresAt (server time) → TokenFailure', async () => {
    const later = await start({ now: () => Date.now() + 2 * 3_600_000 });
    // the SDK's timestamp would be 2 h off: sign with the server's clock instead
    const timestamp = Math.floor((Date.now() + 2 * 3_600_000) / 1000);
    const r = await raw(later.port, {
      headers: tc3Headers(later.port, { ...TEMP, timestamp }),
      body: JSON.stringify({ ImageID: IMAGE_ID }),
    });
    expect(r.json.Response.Error?.Code).toBe('AuthFailure.TokenFailure');
  });
});

describe('parameter validation', () => {
  it('maps each zod issue to its code and names the parameter path', async () => {
    const c = client(srv.port);
    const detail = (req: unknown) =>
      commonClient(srv.port, '2020-11-01').request('DescribeAssetImageDetail', req as object);
    let e = await expectCode(detail({}), 'MissingParameter');
    expect(e.message).toContain('`ImageID`');
    e = await expectCode(detail({ ImageID: 123 }), 'InvalidParameter');
    expect(e.message).toContain('`ImageID`');
    e = await expectCode(detail({ ImageID: '' }), 'InvalidParameterValue');
    expect(e.message).toContain('`ImageID`');
    e = await expectCode(detail({ ImageID: IMAGE_ID, Extra: 1 }), 'UnknownParameter');
    expect(e.message).toContain('`Extra`');
    e = await expectCode(
      c.DescribeAssetImageList({
        Filters: [
          { Name: 'n', Values: ['v'] },
          { Name: 'm', Values: [] },
        ],
      }),
      'InvalidParameterValue',
    );
    expect(e.message).toContain('`Filters.1.Values`');
    e = await expectCode(
      c.DescribeAssetImageList({ Filters: [{ Name: 'n' } as unknown as { Name: string; Values: string[] }] }),
      'MissingParameter',
    );
    expect(e.message).toContain('`Filters.0.Values`');
    e = await expectCode(c.DescribeAssetImageList({ Limit: 1000 }), 'InvalidParameterValue');
    expect(e.message).toContain('`Limit`');
    e = await expectCode(c.DescribeAssetImageList({ Order: 'sideways' }), 'InvalidParameterValue');
    expect(e.message).toContain('asc');
    e = await expectCode(
      c.DescribeAssetImageList({
        Filters: [{ Name: 'n', Values: ['v'], Typo: 1 } as unknown as { Name: string; Values: string[] }],
      }),
      'UnknownParameter',
    );
    expect(e.message).toContain('`Filters.0.Typo`');
  });

  it('GET strings that do not fit the schema: InvalidParameter with the path', async () => {
    const get = client(srv.port, { reqMethod: 'GET' });
    const list = (req: object) => get.DescribeAssetImageList(req as never);
    let e = await expectCode(list({ Limit: 'many' }), 'InvalidParameter');
    expect(e.message).toContain('`Limit`');
    e = await expectCode(list({ Limit: 1.5 }), 'InvalidParameter');
    e = await expectCode(
      list({ Filters: [{ Name: 'n', Values: ['v'], ExactMatch: 'yes' }] }),
      'InvalidParameter',
    );
    expect(e.message).toContain('`Filters.0.ExactMatch`');
    // Values sent as a single value instead of a list
    e = await expectCode(list({ Filters: [{ Name: 'n', Values: 'v' }] }), 'InvalidParameter');
    expect(e.message).toContain('`Filters.0.Values`');
    e = await expectCode(list({ Nope: { Deep: 1 } }), 'UnknownParameter');
    expect(e.message).toContain('`Nope`');
  });

  it('zh-CN and en-US messages', async () => {
    const en = await expectCode(
      client(srv.port, { language: 'en-US' }).DescribeAssetImageList({ Limit: 0 }),
      'InvalidParameterValue',
    );
    const zh = await expectCode(
      client(srv.port, { language: 'zh-CN' }).DescribeAssetImageList({ Limit: 0 }),
      'InvalidParameterValue',
    );
    expect(en.message).toMatch(/^The value of parameter `Limit`/);
    expect(zh.message).toMatch(/^参数 `Limit` 取值错误/);
    const zhAuth = await expectCode(
      client(srv.port, { language: 'zh-CN', credential: DISABLED }).DescribeAssetImageDetail({
        ImageID: IMAGE_ID,
      }),
      'AuthFailure.SecretIdNotFound',
    );
    expect(zhAuth.message).toBe('SecretId 不存在或已被禁用。');
  });
});

describe('unexpected failures', () => {
  it('an exception in a handler → InternalError with a generic message, the stack logged without secrets', async () => {
    const s = await start();
    const e = await expectCode(client(s.port).DescribeAssetImageDetail({ ImageID: 'boom' }), 'InternalError');
    expect(e.message).not.toContain('store failed');
    const stackLine = s.lines.find((l) => l.includes('error='));
    expect(stackLine).toContain('store failed while signing with [redacted]');
    expect(stackLine).toContain(e.requestId);
    expect(stackLine).not.toContain(KEY.secretKey);
    // and the server still answers
    expect((await client(s.port).DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
  });

  it('logs one line per call: time, action, uin, code, duration', async () => {
    const s = await start();
    await client(s.port).DescribeAssetImageDetail({ ImageID: IMAGE_ID });
    await sdkError(client(s.port, { credential: DISABLED }).DescribeAssetImageDetail({ ImageID: IMAGE_ID }));
    expect(s.lines).toHaveLength(2);
    expect(s.lines[0]).toMatch(
      /^time=\d{4}-\d\d-\d\dT[\d:.]+Z requestId=[0-9a-f-]{36} action=DescribeAssetImageDetail uin=100000000001 code=OK ms=\d+\.\d\d$/,
    );
    expect(s.lines[1]).toMatch(
      /action=DescribeAssetImageDetail uin=- code=AuthFailure\.SecretIdNotFound ms=/,
    );
  });
});

describe('size limits', () => {
  it('TC3 POST over 10 MB → RequestSizeLimitExceeded, and the server stays healthy', async () => {
    const s = await start();
    const c = client(s.port);
    await expectCode(
      c.DescribeAssetImageDetail({ ImageID: 'x'.repeat(10 * 1024 * 1024 + 1) }),
      'RequestSizeLimitExceeded',
    );
    // just under the cap is read and validated
    await expectCode(
      c.DescribeAssetImageDetail({ ImageID: 'x'.repeat(10 * 1024 * 1024 - 20) }),
      'ResourceNotFound',
    );
    expect((await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
  });

  it('v1 POST over 1 MB → RequestSizeLimitExceeded', async () => {
    const c = client(srv.port, { signMethod: 'HmacSHA256' });
    await expectCode(
      c.DescribeAssetImageDetail({ ImageID: 'x'.repeat(1024 * 1024 + 1) }),
      'RequestSizeLimitExceeded',
    );
    expect((await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
  });

  it('GET over 32 KB → RequestSizeLimitExceeded, including URLs past the HTTP parser limit', async () => {
    for (const signMethod of ['TC3-HMAC-SHA256', 'HmacSHA1'] as const) {
      const c = client(srv.port, { reqMethod: 'GET', signMethod });
      await expectCode(
        c.DescribeAssetImageDetail({ ImageID: 'x'.repeat(33 * 1024) }),
        'RequestSizeLimitExceeded',
      );
      await expectCode(
        c.DescribeAssetImageDetail({ ImageID: 'x'.repeat(200 * 1024) }),
        'RequestSizeLimitExceeded',
      );
      await expectCode(c.DescribeAssetImageDetail({ ImageID: 'x'.repeat(30 * 1024) }), 'ResourceNotFound');
      expect((await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
    }
  });

  it('a chunked body that never ends: answered at the cap, the connection cut after a bounded discard', async () => {
    const total = 96 * 1024 * 1024;
    const headers = tc3Headers(srv.port);
    const head = `POST / HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}Transfer-Encoding: chunked\r\n\r\n`;
    const data = Buffer.alloc(256 * 1024, 0x20);
    const chunk = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
    const outcome = await new Promise<{ reply: string; sent: number; closed: boolean }>((resolve) => {
      let reply = '';
      let sent = 0;
      let closed = false;
      const socket = net.createConnection({ host: '127.0.0.1', port: srv.port }, () => {
        socket.write(head);
        const pump = () => {
          let ok = true;
          while (ok && sent < total && !closed) {
            ok = socket.write(chunk);
            sent += data.length;
          }
          if (!closed && sent < total) socket.once('drain', pump);
          else if (!closed) socket.end();
        };
        pump();
      });
      socket.on('data', (d: Buffer) => {
        reply += d.toString();
      });
      socket.on('error', () => {
        closed = true;
      });
      socket.on('close', () => {
        closed = true;
        resolve({ reply, sent, closed });
      });
    });
    expect(outcome.reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(outcome.reply).toContain('"Code":"RequestSizeLimitExceeded"');
    expect(outcome.closed).toBe(true);
    // cap (10 MB) + discard budget (16 MB) + socket buffers, far from all 96 MB
    expect(outcome.sent).toBeLessThan(48 * 1024 * 1024);
    expect((await client(srv.port).DescribeAssetImageDetail({ ImageID: IMAGE_ID })).ImageID).toBe(IMAGE_ID);
  });
});

describe('rate limiting', () => {
  it('a burst admits exactly the limit per (account, action), checked after authentication', async () => {
    const s = await start({ rateLimits: { default: 5, perAction: { DescribeAssetImageList: 2 } } });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => client(s.port).DescribeAssetImageDetail({ ImageID: IMAGE_ID })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason.code).toBe('RequestLimitExceeded');
    }
    // another action and another account have their own windows
    const list = await Promise.allSettled(
      Array.from({ length: 4 }, () => client(s.port).DescribeAssetImageList({})),
    );
    expect(list.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(
      (await client(s.port, { credential: OTHER_KEY }).DescribeAssetImageDetail({ ImageID: IMAGE_ID }))
        .ImageID,
    ).toBe(IMAGE_ID);
    // unauthenticated calls are refused for their credentials, not counted
    await expectCode(
      client(s.port, { credential: DISABLED }).DescribeAssetImageDetail({ ImageID: IMAGE_ID }),
      'AuthFailure.SecretIdNotFound',
    );
    // the limit is checked before the parameters
    await expectCode(
      commonClient(s.port, '2020-11-01').request('DescribeAssetImageDetail', {}),
      'RequestLimitExceeded',
    );
  });

  it('no 1-second window ever admits more than the limit (virtual clock)', async () => {
    const base = Date.now();
    let offset = 0;
    const limit = 4;
    const s = await start({ rateLimits: { default: limit }, now: () => base + offset });
    const c = client(s.port);
    const admitted: number[] = [];
    // idle, then a burst; half a second later another burst (a token bucket would admit 2 more here)
    const schedule = [
      0, 0, 0, 0, 0, 0, 500, 500, 500, 999, 1000, 1000, 1000, 1000, 1000, 1250, 1999, 2000, 2001,
    ];
    for (let i = 0; i < 60; i++) schedule.push(2100 + i * 37);
    for (const t of schedule) {
      offset = t;
      try {
        await c.DescribeAssetImageDetail({ ImageID: IMAGE_ID });
        admitted.push(t);
      } catch (e) {
        expect((e as SdkError).code).toBe('RequestLimitExceeded');
      }
    }
    expect(admitted.slice(0, 8)).toEqual([0, 0, 0, 0, 1000, 1000, 1000, 1000]);
    for (const start of admitted) {
      expect(admitted.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(limit);
    }
    // spread evenly at the limit's pace, everything passes
    expect(admitted.filter((t) => t >= 2100).length).toBeGreaterThanOrEqual(limit * 2);
  });

  it('limit 0 is unlimited', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => client(srv.port).DescribeAssetImageDetail({ ImageID: IMAGE_ID })),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });
});

describe('secrets', () => {
  it('never appear in a log line or a reply', async () => {
    // failure paths that handle the keys, on the shared server
    await sdkError(
      client(srv.port, {
        credential: { ...KEY, secretKey: KEY.secretKey.toUpperCase() },
      }).DescribeAssetImageDetail({ ImageID: IMAGE_ID }),
    );
    await sdkError(
      client(srv.port, { credential: { ...TEMP, token: TEMP.token.slice(1) } }).DescribeAssetImageDetail({
        ImageID: IMAGE_ID,
      }),
    );
    await sdkError(client(srv.port).DescribeAssetImageDetail({ ImageID: 'boom' }));
    const lines = running.flatMap((r) => r.lines);
    expect(lines.length).toBeGreaterThan(50);
    for (const text of [...lines, ...messagesSeen]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/Signature=[0-9a-f]{64}/);
    }
  });
});
