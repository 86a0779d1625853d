/**
 * Registry faults, through a small proxy in front of a real docker-registry: the registry dying
 * mid-blob, a wrong blob, a token the registry stops taking, slow answers, 429 with Retry-After, a
 * redirect to a disallowed address. Each: a clear error, no crash, nothing cached for the layer.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerCache } from '../src/scan/layer-cache.js';
import { scanSource } from '../src/scan/scan-image.js';
import { addressPolicy } from '../src/sources/registry/address-policy.js';
import { DistributionClient } from '../src/sources/registry/client.js';
import { RegistrySource } from '../src/sources/registry/registry-source.js';
import { type RegistryConnection, RegistryError } from '../src/sources/registry/types.js';
import { imageOfLayers } from './support/dir-image.js';
import { requireTools } from './support/fixtures.js';
import { closeRegistry, REGISTRY_TOOLS, startRegistry, type TestRegistry } from './support/registry.js';

const skip = requireTools(REGISTRY_TOOLS);

type Fault =
  | { kind: 'die' }
  | { kind: 'corrupt' }
  | { kind: 'slow'; ms: number }
  | { kind: 'throttle'; times: number }
  | { kind: 'redirect'; to: string }
  | { kind: 'revoke'; auth: string };

/** An HTTP proxy to `upstream` that injects one fault at a time into blob (or all) requests. */
async function faultProxy(upstream: () => TestRegistry) {
  const state = { fault: undefined as Fault | undefined, blobGets: 0, requests: 0, lastAuth: '' };
  const server = http.createServer((req, res) => {
    state.requests++;
    const f = state.fault;
    const isBlob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '');
    const isBigBlob = isBlob && req.url === bigBlobPath;
    if (isBlob) state.blobGets++;
    if (req.headers.authorization) state.lastAuth = req.headers.authorization;
    if (f?.kind === 'throttle' && f.times > 0) {
      f.times--;
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"errors":[]}');
      return;
    }
    if (f?.kind === 'redirect' && isBigBlob) {
      res.writeHead(307, { location: f.to }).end();
      return;
    }
    const headers = { ...req.headers, host: upstream().host };
    if (f?.kind === 'revoke' && req.headers.authorization === f.auth) delete headers.authorization;
    const forward = () => {
      const up = http.request(
        { host: '127.0.0.1', port: upstream().port, path: req.url, method: req.method, headers },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          if (isBigBlob && (f?.kind === 'die' || f?.kind === 'corrupt')) {
            const chunks: Buffer[] = [];
            ur.on('data', (c: Buffer) => chunks.push(c));
            ur.on('end', () => {
              const body = Buffer.concat(chunks);
              if (f.kind === 'corrupt') {
                // the gzip header's MTIME: still a valid gzip of the same tar, another digest
                body.writeUInt8(body.readUInt8(4) ^ 0xff, 4);
                res.end(body);
                return;
              }
              // half the blob, then the registry dies and the connection with it
              res.write(body.subarray(0, body.length >> 1), () => {
                void upstream()
                  .stop()
                  .then(() => res.socket?.destroy());
              });
            });
            return;
          }
          ur.pipe(res);
        },
      );
      up.on('error', () => res.socket?.destroy());
      req.pipe(up);
    };
    if (f?.kind === 'slow') setTimeout(forward, f.ms);
    else forward();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let bigBlobPath = '';

describe.skipIf(skip)('registry faults', () => {
  let reg: TestRegistry;
  let tokenReg: TestRegistry;
  let proxy: Awaited<ReturnType<typeof faultProxy>>;
  let tokenProxy: Awaited<ReturnType<typeof faultProxy>>;
  let tmp: string;
  let bigDiffID = '';

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'hullscan-regf-'));
    [reg, tokenReg] = await Promise.all([startRegistry(), startRegistry({ auth: 'token' })]);
    const ref = await imageOfLayers(path.join(tmp, 'img'), [
      { entries: [{ path: 'etc/os-release', body: 'ID=hullscan\nVERSION_ID=1\n' }] },
      { entries: [{ path: 'opt/big.bin', body: randomBytes(300_000) }] },
    ]);
    await Promise.all([reg.push(ref, 'fault/img:1'), tokenReg.push(ref, 'fault/img:1')]);
    proxy = await faultProxy(() => reg);
    tokenProxy = await faultProxy(() => tokenReg);
    // the blob path of the big layer
    const src = new RegistrySource(`${proxy.host}/fault/img:1`, { host: proxy.host, insecure: true });
    const m = await src.describe();
    await src.close();
    const big = m.layers[1]!;
    bigDiffID = big.diffID;
    bigBlobPath = `/v2/fault/img/blobs/${big.digest}`;
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await tokenProxy?.close();
    await Promise.all([closeRegistry(reg), closeRegistry(tokenReg)]);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const conn = (over: Partial<RegistryConnection> = {}): RegistryConnection => ({
    host: proxy.host,
    insecure: true,
    timeoutMs: 5000,
    ...over,
  });

  async function scan(dataDir: string, c: RegistryConnection = conn()) {
    const src = new RegistrySource(`${c.host}/fault/img:1`, c);
    try {
      return await scanSource(src, { dataDir, concurrency: 1 });
    } finally {
      await src.close();
    }
  }

  it('the registry dies mid-blob: clear error, nothing cached for the layer; after it is back the rescan succeeds', async () => {
    const data = path.join(tmp, 'die');
    proxy.state.fault = { kind: 'die' };
    const err = await scan(data).catch((e: Error) => e);
    proxy.state.fault = undefined;
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/connection lost|ended after|truncated/);
    expect(await new LayerCache(data).getMeta(bigDiffID)).toBeUndefined();
    // down: a clear unreachable error, no crash
    const down = await scan(data, conn({ retries: 1 })).catch((e: Error) => e);
    expect(down).toBeInstanceOf(Error);
    await reg.start();
    const r = await scan(data);
    expect(r.layers.find((l) => l.diffID === bigDiffID)?.cached).toBe(false);
    expect(await new LayerCache(data).getMeta(bigDiffID)).toBeDefined();
    // cached layers are never downloaded again
    const before = proxy.state.blobGets;
    const again = await scan(data);
    expect(again.layers.every((l) => l.cached)).toBe(true);
    expect(proxy.state.blobGets - before).toBe(1); // the config blob only
  }, 60_000);

  it('a wrong blob: bad-digest, nothing cached', async () => {
    const data = path.join(tmp, 'corrupt');
    proxy.state.fault = { kind: 'corrupt' };
    const err = await scan(data).catch((e: Error) => e);
    proxy.state.fault = undefined;
    expect((err as Error).message).toMatch(/digest/);
    const cause = (err as Error).cause ?? err;
    expect(cause).toBeInstanceOf(RegistryError);
    expect((cause as RegistryError).code).toBe('bad-digest');
    expect(await new LayerCache(data).getMeta(bigDiffID)).toBeUndefined();
  });

  it('slow answers: a timeout error (retried, then unreachable)', async () => {
    proxy.state.fault = { kind: 'slow', ms: 1500 };
    const c = new DistributionClient(conn({ timeoutMs: 300, retries: 1 }));
    const started = Date.now();
    const err = await c.tags('fault/img').catch((e: unknown) => e);
    c.close();
    proxy.state.fault = undefined;
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('unreachable');
    expect((err as RegistryError).message).toMatch(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('429 with Retry-After is retried and then succeeds; too many is too-many-requests', async () => {
    proxy.state.fault = { kind: 'throttle', times: 2 };
    const c = new DistributionClient(conn());
    const started = Date.now();
    expect(await c.tags('fault/img')).toEqual(['1']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // two Retry-After: 1
    proxy.state.fault = { kind: 'throttle', times: 5 };
    const c2 = new DistributionClient(conn({ retries: 1 }));
    const err = await c2.tags('fault/img').catch((e: unknown) => e);
    proxy.state.fault = undefined;
    c.close();
    c2.close();
    expect((err as RegistryError).code).toBe('too-many-requests');
  }, 20_000);

  it('a redirect to a disallowed address is refused (forbidden-address), nothing cached', async () => {
    const data = path.join(tmp, 'redirect');
    const policy = addressPolicy(['127.0.0.1']);
    for (const to of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/blob',
      'file:///etc/passwd',
    ]) {
      proxy.state.fault = { kind: 'redirect', to };
      const err = await scan(data, conn({ policy })).catch((e: Error) => e);
      const cause = ((err as Error).cause ?? err) as RegistryError;
      expect(cause).toBeInstanceOf(RegistryError);
      expect(cause.code).toBe('forbidden-address');
    }
    proxy.state.fault = undefined;
    expect(await new LayerCache(data).getMeta(bigDiffID)).toBeUndefined();
  });

  it('policy refuses 127.0.0.1 unless allowed', async () => {
    const err = await scan(path.join(tmp, 'policy'), conn({ policy: addressPolicy(['10.0.0.0/8']) })).catch(
      (e: unknown) => e,
    );
    expect((err as RegistryError).code).toBe('forbidden-address');
  });

  it('a 401 on a cached token (expired, revoked): dropped, a new token fetched once, request retried', async () => {
    const c = new DistributionClient({
      host: tokenProxy.host,
      insecure: true,
      username: tokenReg.user,
      password: tokenReg.password,
    });
    try {
      expect(await c.tags('fault/img')).toEqual(['1']);
      expect(c.tokenRequests).toBe(1);
      // the registry stops taking the cached token
      tokenProxy.state.fault = { kind: 'revoke', auth: tokenProxy.state.lastAuth };
      expect(await c.tags('fault/img')).toEqual(['1']);
      expect(c.tokenRequests).toBe(2);
      expect(await c.tags('fault/img')).toEqual(['1']);
      expect(c.tokenRequests).toBe(2);
    } finally {
      tokenProxy.state.fault = undefined;
      c.close();
    }
  });
});
