/**
 * Background re-matching in a running `hullscan serve`: a feed imported by another process with
 * `db import --no-rematch` shows up in DescribeAssetImageDetail's VulCnt within the check interval.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureFixtures,
  FIXTURE_TOOLS,
  type Fixtures,
  REPO_ROOT,
  requireTools,
  runCli,
} from './support/fixtures.js';
import { startServer } from './support/server.js';

delete process.env.http_proxy;
delete process.env.https_proxy;

const FEED = path.join(REPO_ROOT, 'test/testdata/feeds/debian-tracker-small.json');
const skip = requireTools(FIXTURE_TOOLS.small);
const secretId = 'AKIDhullscanRematchTest000000000001';
const secretKey = 'rematch-test-key-00000000000000001';

describe.skipIf(skip)('background re-match in hullscan serve', () => {
  let fx: Fixtures<'small'>;
  let work: string;
  beforeAll(async () => {
    fx = await ensureFixtures(['small']);
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-rematch-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('re-matches stored images when another process imports a new vulndb version', async () => {
    const data = path.join(work, 'data');
    const scan = await runCli(['scan', fx.small.ref('docker-archive'), '--format', 'json'], {
      dataDir: data,
    });
    expect(scan.code, scan.stderr).toBe(0);
    const imageId = (scan.json as { detail: { ImageID: string } }).detail.ImageID;

    const server = await startServer(['--data', data], {
      HULLSCAN_SECRET_ID: secretId,
      HULLSCAN_SECRET_KEY: secretKey,
      HULLSCAN_REMATCH_INTERVAL: '1',
    });
    try {
      const c = new tcss.v20201101.Client({
        credential: { secretId, secretKey },
        profile: { httpProfile: { endpoint: server.endpoint, protocol: 'http://' } },
      });
      expect((await c.DescribeAssetImageDetail({ ImageID: imageId })).VulCnt).toBe(0);

      const imp = await runCli(['db', 'import', '--no-rematch', FEED], { dataDir: data });
      expect(imp.code, imp.stderr).toBe(0);
      expect(imp.stdout).not.toContain('re-matched');
      // the importing process left the stored image alone
      expect((await c.DescribeAssetImageDetail({ ImageID: imageId })).VulCnt).toBe(0);

      const deadline = Date.now() + 10_000;
      let vulCnt = 0;
      while (Date.now() < deadline) {
        vulCnt = (await c.DescribeAssetImageDetail({ ImageID: imageId })).VulCnt ?? 0;
        if (vulCnt > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(vulCnt, server.stderr()).toBe(3);
      const vulns = await c.DescribeAssetImageVulList({ ImageID: imageId, Limit: 100 });
      expect(vulns.TotalCount).toBe(3);
      // the image is visible re-matched before the run records the version and says so: wait for that
      const said = /re-matched 1 stored images/;
      for (let i = 0; i < 50 && !said.test(server.stderr()); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(server.stderr()).toMatch(
        /re-matched 1 stored images against vulndb version \d+: 3 vulnerabilities/,
      );
      const matched = Number(await readFile(path.join(data, 'vulndb.matched'), 'utf8'));
      const status = await runCli(['db', 'status', '--format', 'json'], { dataDir: data });
      expect(matched).toBe((status.json as { currentVersion: number }).currentVersion);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // a restart finds nothing new to match
    const again = await startServer(['--data', data], {
      HULLSCAN_SECRET_ID: secretId,
      HULLSCAN_SECRET_KEY: secretKey,
      HULLSCAN_REMATCH_INTERVAL: '1',
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await again.stop()).toBe(0);
    expect(again.stderr()).not.toContain('re-matched');
  });
});
