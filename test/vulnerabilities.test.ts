/**
 * Vulnerabilities end to end: a Debian Security Tracker feed (written in the real format) imported
 * with `hullscan db import`, a real image scanned, re-matching after a new import, and the results
 * through the API with the real SDK — counts in detail, list, vulnerability and component lists agree.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

interface Vuln {
  CVEID: string;
  Component: string;
  Version: string;
  Level: number;
  FixedVersions: string;
  Tag: string[];
  AdvisoryID: string;
  Purl: string;
  Fixable: boolean;
  OfficialSolution: string;
}
interface ScanOut {
  detail: { ImageID: string; VulCnt: number; Reason: string; Solution: string };
  vulnerabilities: Vuln[];
}

describe.skipIf(skip)('vulnerabilities from an imported Debian feed', () => {
  let fx: Fixtures<'small'>;
  let work: string;
  let data: string;
  beforeAll(async () => {
    fx = await ensureFixtures(['small']);
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-vulns-'));
    data = path.join(work, 'data');
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('match the installed versions through the source package, fixed or not', async () => {
    const imp = await runCli(['db', 'import', FEED], { dataDir: data });
    expect(imp.code, imp.stderr).toBe(0);
    const r = await runCli(['scan', fx.small.ref('docker-archive'), '--format', 'json'], { dataDir: data });
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as ScanOut;
    const rows = out.vulnerabilities.map((v) => [
      v.CVEID,
      v.Component,
      v.Version,
      v.Level,
      v.FixedVersions,
      v.Fixable,
    ]);
    expect(rows).toEqual([
      ['CVE-2024-90002', 'libssl3', '3.0.11-1~deb12u2', 3, '', false],
      ['CVE-2024-90001', 'libssl3', '3.0.11-1~deb12u2', 2, '3.0.13-1~deb12u1', true],
      ['CVE-2023-90004', 'zlib1g', '1:1.2.13.dfsg-1', 1, '1:1.2.13.dfsg-1+deb12u1', true],
    ]);
    expect(out.vulnerabilities[1]!.Tag).toEqual(['CanBeFixed']);
    expect(out.vulnerabilities[1]!.Purl).toMatch(/^pkg:deb\/debian\/libssl3@/);
    expect(out.detail.VulCnt).toBe(3);
    expect(out.detail.Reason).toBe('3 vulnerabilities (1 high, 1 medium, 1 low) in 2 packages');
    expect(out.detail.Solution).toBe(
      'Upgrade libssl3 to 3.0.13-1~deb12u1, zlib1g to 1:1.2.13.dfsg-1+deb12u1. 1 have no fix yet.',
    );
  });

  it('re-match stored images after a new import, and the API agrees with itself', async () => {
    const feed = JSON.parse(await readFile(FEED, 'utf8'));
    feed.openssl['CVE-2024-90002'].releases.bookworm = {
      status: 'resolved',
      fixed_version: '3.0.14-1~deb12u1',
      urgency: 'high',
    };
    feed.zlib['CVE-2023-90004'].releases.bookworm.fixed_version = '1:1.2.13.dfsg-1';
    const second = path.join(work, 'second.json');
    await writeFile(second, JSON.stringify(feed));
    const imp = await runCli(['db', 'import', second], { dataDir: data });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('re-matched 1 stored images: 2 vulnerabilities');

    const secretId = 'AKIDhullscanVulnTest00000000000001';
    const secretKey = 'vuln-test-key-000000000000000001';
    const server = await startServer(['--data', data], {
      HULLSCAN_SECRET_ID: secretId,
      HULLSCAN_SECRET_KEY: secretKey,
    });
    try {
      const c = new tcss.v20201101.Client({
        credential: { secretId, secretKey },
        profile: { httpProfile: { endpoint: server.endpoint, protocol: 'http://' } },
      });
      const list = await c.DescribeAssetImageList({});
      const id = list.List![0]!.ImageID!;
      const detail = await c.DescribeAssetImageDetail({ ImageID: id });
      const vulns = await c.DescribeAssetImageVulList({ ImageID: id, Limit: 100 });
      expect(detail.VulCnt).toBe(2);
      expect(vulns.TotalCount).toBe(detail.VulCnt);
      expect(list.List![0]).toMatchObject({
        VulCnt: 2,
        HighLevelVulCnt: 1,
        MediumLevelVulCnt: 1,
        LowLevelVulCnt: 0,
        CriticalLevelVulCnt: 0,
      });
      expect(vulns.List!.map((v) => [v.CVEID, v.Level, v.FixedVersions, v.Tag])).toEqual([
        ['CVE-2024-90002', 3, '3.0.14-1~deb12u1', ['CanBeFixed']],
        ['CVE-2024-90001', 2, '3.0.13-1~deb12u1', ['CanBeFixed']],
      ]);
      expect(detail.Solution).toBe('Upgrade libssl3 to 3.0.14-1~deb12u1.');
      const high = await c.DescribeAssetImageVulList({
        ImageID: id,
        Filters: [{ Name: 'Level', Values: ['3'] }],
      });
      expect(high.List!.map((v) => v.CVEID)).toEqual(['CVE-2024-90002']);
      const byName = await c.DescribeAssetImageVulList({
        ImageID: id,
        Filters: [{ Name: 'Name', Values: ['90001'] }],
      });
      expect(byName.TotalCount).toBe(1);
      const comps = await c.DescribeImageComponentList({ ImageID: id, Limit: 100 });
      const count = (n: string) => comps.List!.find((x) => x.Name === n)?.VulCount;
      expect([count('libssl3'), count('zlib1g'), count('netbase')]).toEqual([2, 0, 0]);
      const vulnerable = await c.DescribeImageComponentList({
        ImageID: id,
        Filters: [{ Name: 'HasVul', Values: ['true'] }],
      });
      expect(vulnerable.List!.map((x) => x.Name)).toEqual(['libssl3']);
      const bad = await c
        .DescribeAssetImageVulList({ ImageID: id, Filters: [{ Name: 'Level', Values: ['9'] }] })
        .catch((e: { code: string }) => e);
      expect((bad as { code: string }).code).toBe('InvalidParameterValue');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuse a corrupt feed naming the record, keeping the previous version and every count', async () => {
    const broken = path.join(work, 'broken.json');
    await writeFile(
      broken,
      JSON.stringify({ openssl: { 'CVE-2024-99999': { releases: { bookworm: { status: 42 } } } } }),
    );
    const imp = await runCli(['db', 'import', broken], { dataDir: data });
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/CVE-2024-99999/);
    expect(imp.stderr.trim().split('\n')).toHaveLength(1);
    const status = await runCli(['db', 'status', '--format', 'json'], { dataDir: data });
    expect((status.json as { currentVersion: number; advisories: number }).advisories).toBe(5);
    const again = await runCli(['scan', fx.small.ref('docker-archive'), '--format', 'json'], {
      dataDir: data,
    });
    expect((again.json as ScanOut).detail.VulCnt).toBe(2);
  });
});
