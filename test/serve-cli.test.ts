/** `hullscan serve` as a user meets it: first start, credentials from the environment, bad config, shutdown. */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/fixtures.js';
import { startServer } from './support/server.js';

delete process.env.http_proxy;
delete process.env.https_proxy;

const clientFor = (endpoint: string, secretId: string, secretKey: string) =>
  new tcss.v20201101.Client({
    credential: { secretId, secretKey },
    profile: { httpProfile: { endpoint, protocol: 'http://' } },
  });

describe('hullscan serve', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-serve-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('creates a credential on first start, prints it once, and it works', async () => {
    const data = path.join(work, 'first');
    const env = { HULLSCAN_SECRET_ID: '', HULLSCAN_SECRET_KEY: '' }; // set but empty counts as unset
    delete process.env.HULLSCAN_SECRET_ID;
    delete process.env.HULLSCAN_SECRET_KEY;
    const first = await startServer(['--data', data], env);
    const id = /SecretId:\s+(AKID\w+)/.exec(first.stdout())?.[1];
    const key = /SecretKey:\s+(\w+)/.exec(first.stdout())?.[1];
    expect(id && key, first.stdout()).toBeTruthy();
    expect((await stat(path.join(data, 'credentials.json'))).mode & 0o777).toBe(0o600);
    const summary = await clientFor(first.endpoint, id!, key!).DescribeAssetSummary();
    expect(summary.ImageCnt).toBe(0);
    expect(await first.stop()).toBe(0);
    expect(first.stderr()).not.toContain(key!);
    const second = await startServer(['--data', data], env);
    expect(second.stdout()).not.toContain(key!);
    expect((await clientFor(second.endpoint, id!, key!).DescribeAssetImageList({})).TotalCount).toBe(0);
    expect(await second.stop()).toBe(0);
  });

  it('takes the local account’s credential from the environment', async () => {
    const secretId = 'AKIDhullscanEnvCredential0000000001';
    const secretKey = 'env-credential-key-0000000000001';
    const s = await startServer(['--data', path.join(work, 'env')], {
      HULLSCAN_SECRET_ID: secretId,
      HULLSCAN_SECRET_KEY: secretKey,
    });
    expect(s.stdout()).not.toContain('SecretKey');
    expect((await clientFor(s.endpoint, secretId, secretKey).DescribeAssetSummary()).ImageCnt).toBe(0);
    expect(await s.stop()).toBe(0);
  });

  it.each([
    ['not JSON', '{"accounts": [', /config\.json: .*(JSON|position)/],
    [
      'a short key',
      JSON.stringify({
        accounts: [{ appId: 1, uin: '1', credentials: [{ secretId: 'AKIDxxxxxxxx', secretKey: 'short' }] }],
      }),
      /secretKey/,
    ],
    [
      'a rate limit for an unknown action',
      JSON.stringify({
        rateLimits: { perAction: { NoSuchAction: 1 } },
        accounts: [
          {
            appId: 1,
            uin: '1',
            credentials: [{ secretId: 'AKIDxxxxxxxx', secretKey: 'long-enough-key-000000' }],
          },
        ],
      }),
      /NoSuchAction/,
    ],
  ])('refuses a config file with %s (exit 2, one line, no secret)', async (_n, body, msg) => {
    const file = path.join(work, 'config.json');
    await writeFile(file, body);
    const r = await runCli(
      ['serve', '--listen', '127.0.0.1:0', '--data', path.join(work, 'bad'), '--config', file],
      { timeoutMs: 20_000 },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toContain('long-enough-key');
  });
});
