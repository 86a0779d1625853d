/**
 * `hullscan db update`: feeds fetched over HTTP from a real local server (127.0.0.1, port 0), imported as
 * one new version; a 404 or a truncated body fails with exit 2 naming the URL and keeps the version.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/fixtures.js';

delete process.env.http_proxy;
delete process.env.https_proxy;
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const FEED = path.join(REPO_ROOT, 'test/testdata/feeds/debian-tracker-small.json');
const OSV = {
  schema_version: '1.6.0',
  id: 'GHSA-hull-scan-0001',
  modified: '2024-05-01T00:00:00Z',
  published: '2024-05-01T00:00:00Z',
  aliases: ['CVE-2024-91001'],
  summary: 'Prototype pollution in left-pad-ish',
  details: 'A test advisory served over HTTP.',
  affected: [
    {
      package: { ecosystem: 'npm', name: 'left-pad-ish' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.3' }] }],
    },
  ],
};

interface Status {
  currentVersion: number;
  advisories: number;
  advisoryCounts: { source: string; advisories: number }[];
}

describe('hullscan db update', () => {
  let work: string;
  let server: Server;
  let base: string;
  const hits: string[] = [];
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-db-update-'));
    const debian = await readFile(FEED);
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/debian.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(debian);
      } else if (req.url === '/osv/GHSA-hull-scan-0001.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(OSV));
      } else if (req.url === '/truncated.json') {
        res.writeHead(200, { 'content-length': String(debian.length) });
        res.write(debian.subarray(0, 100));
        setTimeout(() => res.socket?.destroy(), 50);
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(work, { recursive: true, force: true });
  });

  const status = async (data: string) =>
    (await runCli(['db', 'status', '--format', 'json'], { dataDir: data })).json as Status;

  it('fetches the configured feeds and imports them as one version', async () => {
    const data = path.join(work, 'data');
    const config = path.join(work, 'feeds.json');
    await writeFile(
      config,
      JSON.stringify({
        feeds: [
          { url: `${base}/debian.json` },
          { url: `${base}/osv/GHSA-hull-scan-0001.json`, format: 'osv' },
        ],
      }),
    );
    const r = await runCli(['db', 'update', '--config', config], { dataDir: data });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`fetched ${base}/debian.json`);
    expect(r.stdout).toContain('imported version');
    expect(r.stdout).toContain('re-matched 0 stored images');
    const s = await status(data);
    expect(s.advisories).toBe(6);
    expect(s.advisoryCounts.map((c) => [c.source, c.advisories])).toEqual([
      ['debian-tracker', 5],
      ['osv', 1],
    ]);
    const version = s.currentVersion;
    expect(version).toBeGreaterThan(0);

    // from HULLSCAN_FEEDS too
    const env = await runCli(['db', 'update'], {
      dataDir: data,
      env: { HULLSCAN_FEEDS: `${base}/debian.json` },
    });
    expect(env.code, env.stderr).toBe(0);
    const after = await status(data);
    expect(after.currentVersion).toBeGreaterThan(version);
    expect(after.advisories).toBe(5);
  });

  it.each([
    ['a 404', '/missing/all.zip', /HTTP 404/],
    ['a truncated body', '/truncated.json', /truncated|terminated|closed|aborted/i],
  ])('fails on %s with exit 2 naming the URL, keeping the previous version', async (_, urlPath, why) => {
    const data = path.join(work, `fail-${urlPath.replace(/\W/g, '')}`);
    const ok = await runCli(['db', 'update'], {
      dataDir: data,
      env: { HULLSCAN_FEEDS: `${base}/debian.json` },
    });
    expect(ok.code, ok.stderr).toBe(0);
    const before = await status(data);
    const r = await runCli(['db', 'update'], {
      dataDir: data,
      env: { HULLSCAN_FEEDS: `${base}/osv/GHSA-hull-scan-0001.json,${base}${urlPath}` },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${base}${urlPath}`);
    expect(r.stderr).toMatch(why);
    const s = await status(data);
    expect(s.currentVersion).toBe(before.currentVersion);
    expect(s.advisories).toBe(5);
  });

  it('refuses non-http(s) URLs and an empty configuration', async () => {
    const data = path.join(work, 'refuse');
    const file = await runCli(['db', 'update'], {
      dataDir: data,
      env: { HULLSCAN_FEEDS: 'file:///etc/passwd' },
    });
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/only http and https/);
    const none = await runCli(['db', 'update'], { dataDir: data, env: { HULLSCAN_FEEDS: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no feeds configured/);
  });
});
