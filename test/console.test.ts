/**
 * The web console (#9) end to end in Debian's Chromium driven by playwright-core, against a real
 * API server (createApiServer with allActions, the console handler and the real job system) filled by
 * scanning real OCI images for two accounts: sign-in (wrong key refused with the API's message),
 * overview numbers equal to the SDK's, the image list filtered, sorted and opened, a scan started from
 * the list and watched until SCANNED, Chinese, sign-out, the other account seeing none of it, pages
 * without a session going to sign-in, and unsigned API calls refused. Screenshots of each page
 * (1440×900) go to docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CommonClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allActions } from '../src/api/actions/index.js';
import { staticCredentials } from '../src/api/gateway/credentials.js';
import { createApiServer } from '../src/api/gateway/server.js';
import { hmacSync, sha256Sync } from '../src/console/app/sha256.js';
import { consoleHandler } from '../src/console/serve.js';
import { FakeSecrets } from '../src/detectors/secrets/testing.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { startTaskSystem } from '../src/tasks/index.js';
import { REPO_ROOT, runCli } from './support/fixtures.js';
import { dpkgEntries, gzipLayer, OciLayout, type TarEntry, tarball } from './support/hostile.js';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const APP_MAIN = path.join(REPO_ROOT, 'dist', 'console', 'app', 'main.js');
const ZONE = 'Asia/Shanghai';

const A = {
  account: { appId: 1251000191, uin: '900191' },
  secretId: 'AKIDhullscanConsoleTestA000000001',
  secretKey: 'console-test-key-a-0000000000001',
};
const B = {
  account: { appId: 1251000192, uin: '900192' },
  secretId: 'AKIDhullscanConsoleTestB000000001',
  secretKey: 'console-test-key-b-0000000000001',
};

let skipReason = '';
if (!existsSync(CHROMIUM)) skipReason = `${CHROMIUM} is missing (apt-get install chromium)`;
if (skipReason && process.env.CI) throw new Error(`console e2e cannot run in CI: ${skipReason}`);
if (skipReason) console.warn(`[hullscan tests] skipping console e2e: ${skipReason}`);

const sdk = (endpoint: string, who: typeof A) =>
  new tcss.v20201101.Client({
    credential: { secretId: who.secretId, secretKey: who.secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 60 } },
  });
const common = (endpoint: string, who: typeof A) =>
  new CommonClient(endpoint, '2020-11-01', {
    credential: { secretId: who.secretId, secretKey: who.secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 60 } },
  });

/** a raw HTTP request (no URL normalisation), for the handler's own answers */
function raw(
  endpoint: string,
  method: string,
  reqPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: Number(port), method, path: reqPath, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('console TC3 digests without WebCrypto (plain-HTTP pages on another host)', () => {
  it('SHA-256 and HMAC-SHA256 agree with node:crypto', () => {
    for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const data = new Uint8Array(len).map((_, i) => (i * 31 + len) & 255);
      expect(Buffer.from(sha256Sync(data)).toString('hex')).toBe(
        createHash('sha256').update(data).digest('hex'),
      );
      for (const key of [Buffer.from('TC3key'), Buffer.alloc(64, 7), Buffer.alloc(100, 9)])
        expect(Buffer.from(hmacSync(key, data)).toString('hex')).toBe(
          createHmac('sha256', key).update(data).digest('hex'),
        );
    }
  });
});

describe.skipIf(skipReason !== '')('web console end to end (Chromium)', () => {
  let work: string;
  let store: Store;
  let system: { stop(): Promise<void> } | undefined;
  let server: ReturnType<typeof createApiServer> | undefined;
  let endpoint: string;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** A's image left NOT_SCAN for the console to scan */
  let pending: { id: string; name: string };
  let aIds: string[] = [];

  /** an OCI layout at `dir` whose one manifest is named `name` (one gzip layer per entry list) */
  async function namedImage(
    dir: string,
    name: string,
    layers: TarEntry[][],
    history?: { created_by: string; empty_layer?: boolean }[],
  ): Promise<string> {
    const layout = await OciLayout.create(dir);
    const desc = await layout.image(
      layers.map((entries, i) => gzipLayer(tarball(entries), `layer ${i}`)),
      { os: 'linux', architecture: 'amd64' },
      (config) => {
        if (history)
          (config as { history: unknown[] }).history = history.map((h, i) => ({
            created: `2024-03-01T12:0${i}:00Z`,
            ...h,
          }));
      },
    );
    await layout.tag([{ desc, tag: name }]);
    return `oci:${dir}`;
  }

  async function until(check: () => Promise<boolean>, what: string, ms = 90_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function scanAll(who: typeof A, images: string[]) {
    const { TaskID } = await sdk(endpoint, who).CreateAssetImageScanTask({
      Images: images,
      ScanScope: 1,
      ScanVul: true,
      ScanRisk: true,
      ScanVirus: true,
    });
    await until(
      async () => (await sdk(endpoint, who).DescribeAssetImageScanStatus({ TaskID })).Status === 'END',
      `task ${TaskID}`,
    );
  }

  /** Chinese screenshots only where a CJK font is installed (else they show boxes) */
  const cjkFont = (() => {
    try {
      return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() !== '';
    } catch {
      return false;
    }
  })();

  async function shot(name: string) {
    if (name.endsWith('-zh') && !cjkFont) return;
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  }

  beforeAll(async () => {
    if (!existsSync(APP_MAIN)) throw new Error(`${APP_MAIN} is missing: run npm run build first`);
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-console-'));
    const roots = path.join(work, 'images');
    await mkdir(roots);
    await mkdir(SHOTS, { recursive: true });
    const file = (p: string, body: string, mode?: number) => ({ path: p, body, ...(mode ? { mode } : {}) });
    const dir = (p: string) => ({ path: p, type: 'Directory' as const });
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${new FakeSecrets(9).pemBody()}\n-----END RSA PRIVATE KEY-----\n`;
    const os = (id: string, version: string, pretty: string, codename = '') => [
      dir('etc/'),
      file(
        'etc/os-release',
        `ID=${id}\nVERSION_ID="${version}"\nVERSION_CODENAME=${codename}\nPRETTY_NAME="${pretty}"\n`,
      ),
    ];
    // Debian packages the small tracker feed (test/testdata/feeds) has advisories for
    const dpkg = (pkgs: [name: string, source: string, version: string][]) =>
      dpkgEntries(...pkgs.map(([name, source, version]) => ({ name, source, version })));
    const refsA = [
      await namedImage(
        path.join(roots, 'web'),
        'registry.example.com/shop/web-frontend:2.3.1',
        [
          [
            ...os('debian', '12', 'Debian GNU/Linux 12 (bookworm)', 'bookworm'),
            ...dpkg([
              ['openssl', 'openssl', '3.0.11-1~deb12u2'],
              ['libssl3', 'openssl', '3.0.11-1~deb12u2'],
              ['zlib1g', 'zlib', '1:1.2.13.dfsg-1'],
            ]),
            dir('srv/'),
            file('srv/index.html', '<p>web</p>\n'),
          ],
          [dir('root/'), dir('root/.ssh/'), file('root/.ssh/id_rsa', key, 0o600)],
        ],
        [
          { created_by: '/bin/sh -c #(nop) ADD file:0a1b2c3d in / ' },
          { created_by: '/bin/sh -c #(nop)  ENV APP_ENV=production', empty_layer: true },
          { created_by: '/bin/sh -c #(nop) COPY file:9f8e7d6c in /root/.ssh/id_rsa ' },
          { created_by: '/bin/sh -c #(nop)  CMD ["nginx"]', empty_layer: true },
        ],
      ),
      await namedImage(path.join(roots, 'billing'), 'registry.example.com/shop/billing-api:1.4.0', [
        [
          ...os('alpine', '3.20.3', 'Alpine Linux v3.20'),
          dir('usr/'),
          dir('usr/local/'),
          dir('usr/local/bin/'),
          file('usr/local/bin/helper', '#!/bin/sh\nexec sh\n', 0o4755),
        ],
      ]),
      await namedImage(path.join(roots, 'tools'), 'registry.example.com/platform/base-tools:2026.12', [
        [...os('ubuntu', '24.04', 'Ubuntu 24.04.1 LTS'), file('etc/motd', 'tools\n')],
      ]),
    ];
    const refsB = [
      await namedImage(path.join(roots, 'other'), 'registry.example.com/team-b/reports:0.9', [
        [...os('debian', '12', 'Debian GNU/Linux 12 (bookworm)'), file('etc/motd', 'team b\n')],
      ]),
    ];
    const imported = await runCli(
      ['db', 'import', path.join(REPO_ROOT, 'test/testdata/feeds/debian-tracker-small.json')],
      {
        dataDir: path.join(work, 'data'),
      },
    );
    if (imported.code !== 0) throw new Error(`db import failed: ${imported.stderr}`);
    store = await openStore(path.join(work, 'data'));
    const running = await startTaskSystem({
      store,
      dataDir: path.join(work, 'data'),
      timeZone: ZONE,
      workers: 1,
      imageRoots: [roots],
    });
    system = running;
    server = createApiServer({
      actions: allActions(),
      credentials: staticCredentials([A, B]),
      store,
      tasks: running.service,
      timeZone: ZONE,
      rateLimits: { default: 0 },
      console: consoleHandler(),
    });
    const srv = server;
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    endpoint = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
    url = `http://${endpoint}`;

    const addedA = (await common(endpoint, A).request('AddAssetImage', { Images: refsA })) as {
      Images: { ImageID: string; ImageName: string }[];
    };
    const addedB = (await common(endpoint, B).request('AddAssetImage', { Images: refsB })) as {
      Images: { ImageID: string; ImageName: string }[];
    };
    aIds = addedA.Images.map((i) => i.ImageID);
    pending = { id: addedA.Images[2]!.ImageID, name: addedA.Images[2]!.ImageName };
    await scanAll(A, aIds.slice(0, 2));
    await scanAll(
      B,
      addedB.Images.map((i) => i.ImageID),
    );

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      const srv = server;
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
    await system?.stop();
    await store?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const hash = () => page.evaluate(() => location.hash);
  const signIn = async (who: typeof A, secretKey = who.secretKey) => {
    await page.fill('#secret-id', who.secretId);
    await page.fill('#secret-key', secretKey);
    await page.click('form.signin button[type=submit]');
  };

  it('serves the shell with a strict CSP and leaves API calls and unknown paths to the gateway', async () => {
    const index = await raw(endpoint, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['content-security-policy']).toBe(
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    );
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.body).toContain('/assets/app/main.js');
    expect((await raw(endpoint, 'GET', '/console/images')).body).toBe(index.body);
    const js = await raw(endpoint, 'GET', '/assets/app/main.js');
    expect([js.status, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await raw(endpoint, 'GET', '/assets/app/pages/images.js')).status).toBe(200);
    const css = await raw(endpoint, 'GET', '/assets/console.css');
    expect([css.status, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await raw(endpoint, 'HEAD', '/')).body).toBe('');
    // traversal and anything else is not the console's: the gateway answers with an API error
    for (const p of [
      '/assets/app/../../../package.json',
      '/assets/app/%2e%2e/serve.js',
      '/package.json',
      '/assets/app/x.ts',
    ])
      expect((await raw(endpoint, 'GET', p)).body).not.toMatch(/"name"|import |<html/);
    // an API call, signed or not, is never answered by the console
    const unsigned = await raw(
      endpoint,
      'POST',
      '/',
      {
        'Content-Type': 'application/json',
        'X-TC-Action': 'DescribeAssetImageList',
        'X-TC-Version': '2020-11-01',
      },
      '{}',
    );
    expect(JSON.parse(unsigned.body).Response.Error.Code).toMatch(/^AuthFailure|^MissingParameter/);
    const withAction = await raw(endpoint, 'GET', '/?Action=DescribeAssetImageList&Version=2020-11-01');
    expect(JSON.parse(withAction.body).Response.Error.Code).toMatch(/^AuthFailure|^MissingParameter/);
    const withAuth = await raw(endpoint, 'GET', '/', { Authorization: 'TC3-HMAC-SHA256 x' });
    expect(JSON.parse(withAuth.body).Response.Error).toBeDefined();
  });

  it('goes to sign-in, refuses a wrong key with the API message, signs in and shows the API numbers', async () => {
    await page.goto(`${url}/`);
    await page.waitForSelector('form.signin');
    expect(await hash()).toBe('#/signin');
    await shot('signin');

    await signIn(A, 'not-the-right-key-000000000001');
    const alert = await page.waitForSelector('form.signin [role=alert]');
    expect(await alert.textContent()).toContain('AuthFailure.SignatureFailure');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await signIn(A);
    await page.waitForSelector('[data-stat=images] .card-value');
    expect(await hash()).toBe('#/overview');
    // the key is in this tab's sessionStorage only
    expect(await page.evaluate(() => localStorage.getItem('hullscan.console.session'))).toBeNull();
    const summary = await sdk(endpoint, A).DescribeAssetSummary();
    const stat = async (k: string) => Number(await page.textContent(`[data-stat=${k}] .card-value`));
    expect(summary.ImageCnt).toBe(3);
    expect(await stat('images')).toBe(summary.ImageCnt);
    expect(await stat('scanned')).toBe(summary.ScannedImageCnt);
    expect(await stat('unsafe')).toBe(summary.ImageUnsafeCnt);
    expect(await stat('untrusted')).toBe(summary.ImageUntrustCnt);
    expect(await stat('hosts')).toBe(summary.HostOnline ?? 0);
    expect(await page.locator('svg.chart').count()).toBe(2);
    // the most vulnerable image and its count, as the API sorts them
    const top = (await sdk(endpoint, A).DescribeAssetImageList({ By: 'VulCnt', Order: 'desc', Limit: 1 }))
      .List![0]!;
    expect(top.VulCnt).toBeGreaterThan(0);
    const firstTop = page.locator('[data-list=top] tbody tr').first();
    expect(await firstTop.locator('a').textContent()).toBe(top.ImageName);
    expect(Number(await firstTop.locator('td').nth(1).textContent())).toBe(top.VulCnt);
    // the most vulnerable components across the account, as hullscan's ranking action answers
    const topC = (await common(endpoint, A).request('DescribeAssetImageComponentTopList', { Limit: 5 })) as {
      List: { Name: string; Version: string; VulCount: number; ImageCount: number }[];
    };
    expect(topC.List.length).toBeGreaterThan(0);
    const compRows = page.locator('[data-list=components] tbody tr');
    expect(await compRows.count()).toBe(topC.List.length);
    const firstC = compRows.first().locator('td');
    expect(await firstC.nth(0).textContent()).toContain(topC.List[0]!.Name);
    expect(await firstC.nth(1).textContent()).toBe(topC.List[0]!.Version);
    expect(Number(await firstC.nth(2).textContent())).toBe(topC.List[0]!.VulCount);
    expect(Number(await firstC.nth(4).textContent())).toBe(topC.List[0]!.ImageCount);
    expect(await page.textContent('.who .account')).toContain(A.secretId);
    await shot('overview');
  });

  it('lists images with filters, sorting by header and a detail link', async () => {
    await page.click('nav a[data-nav=images]');
    await page.waitForSelector('#images-table tbody tr');
    expect(await page.locator('#images-table tbody tr').count()).toBe(3);

    await page.fill('#f-name', 'billing');
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#images-table tbody tr').length === 1);
    const api = await sdk(endpoint, A).DescribeAssetImageList({
      Filters: [{ Name: 'ImageName', Values: ['billing'] }],
    });
    expect(api.TotalCount).toBe(1);
    expect(await page.getAttribute('#images-table tbody tr', 'data-id')).toBe(api.List![0]!.ImageID);
    await page.click('form.filters button[type=reset]');
    await page.waitForFunction(() => document.querySelectorAll('#images-table tbody tr').length === 3);

    const names = async () =>
      page.$$eval('#images-table tbody th[data-col=ImageName] a', (as) => as.map((a) => a.textContent ?? ''));
    const sortButton = 'th[data-col=ImageName] button.sort';
    await page.click(sortButton);
    await page.waitForSelector('th[data-col=ImageName][aria-sort=ascending]');
    const asc = await sdk(endpoint, A).DescribeAssetImageList({ By: 'ImageName', Order: 'asc' });
    await page.waitForFunction(
      (first) =>
        document.querySelector('#images-table tbody th[data-col=ImageName] a')?.textContent === first,
      asc.List![0]!.ImageName,
    );
    expect(await names()).toEqual(asc.List!.map((i) => i.ImageName));
    await page.click(sortButton);
    await page.waitForSelector('th[data-col=ImageName][aria-sort=descending]');
    await page.waitForFunction(
      (first) =>
        document.querySelector('#images-table tbody th[data-col=ImageName] a')?.textContent === first,
      asc.List!.at(-1)!.ImageName,
    );
    expect(await names()).toEqual(asc.List!.map((i) => i.ImageName).reverse());
    expect(await page.getAttribute('th[data-col=OsName]', 'aria-sort')).toBe('none');
    await shot('images');

    const first = asc.List!.at(-1)!;
    await page.click(`#images-table tbody tr[data-id="${first.ImageID}"] th a`);
    await page.waitForFunction((id) => decodeURIComponent(location.hash) === `#/images/${id}`, first.ImageID);
  });

  it('shows an image detail with the API numbers, each finding on the build step whose layer brought it, and searchable tabs', async () => {
    const id = aIds[0]!;
    const api = sdk(endpoint, A);
    const detail = (await common(endpoint, A).request('DescribeAssetImageDetail', {
      ImageID: id,
    })) as Awaited<ReturnType<typeof api.DescribeAssetImageDetail>> & {
      Layers: { LayerID: string; Size: number; HistoryIndex: number | null }[];
    };
    await page.click('nav a[data-nav=images]');
    await page.click(`#images-table tbody tr[data-id="${id}"] th a`);
    await page.waitForSelector('.timeline-step[data-step="0"] .chips', { timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    expect(await page.textContent('h1')).toBe(detail.ImageName);
    const count = async (k: string) => Number(await page.textContent(`[data-count=${k}]`));
    expect(detail.VulCnt).toBeGreaterThan(0);
    expect(detail.RiskCnt).toBeGreaterThan(0);
    expect(await count('VulCnt')).toBe(detail.VulCnt);
    expect(await count('RiskCnt')).toBe(detail.RiskCnt);
    expect(await count('SensitiveInfoCnt')).toBe(detail.SensitiveInfoCnt);
    expect(await count('VirusCnt')).toBe(detail.VirusCnt);
    // every field is there for people: the OS, the time, the size humanised with the bytes in its title
    const summary = await page.textContent('.detail-body section.card');
    for (const v of [detail.OsName, detail.ImageID, detail.Architecture]) expect(summary).toContain(v);
    expect(await page.getAttribute(`.detail-body span[title="${detail.Size} B"]`, 'title')).toBe(
      `${detail.Size} B`,
    );

    // the build history as a timeline: steps 0 and 2 made the two layers, 1 and 3 made none
    expect(detail.Layers.map((l) => l.HistoryIndex)).toEqual([0, 2]);
    const step = (i: number) => page.locator(`.timeline-step[data-step="${i}"]`);
    expect(await step(0).getAttribute('data-layer')).toBe(detail.Layers[0]!.LayerID);
    expect(await step(2).getAttribute('data-layer')).toBe(detail.Layers[1]!.LayerID);
    expect(await step(1).getAttribute('data-layer')).toBeNull();
    expect(await step(1).textContent()).toContain('ENV APP_ENV=production');
    // the packages and their vulnerabilities came with the first layer, the key with the third step
    const vuls = (await api.DescribeAssetImageVulList({ ImageID: id, Limit: 100 })).List!;
    const comps = (await api.DescribeImageComponentList({ ImageID: id, Limit: 100 })).List!;
    const n = async (i: number, kind: string) =>
      Number(
        (await step(i)
          .locator(`.chips [data-kind=${kind}]`)
          .getAttribute('data-n')
          .catch(() => '0')) ?? 0,
      );
    expect(await n(0, 'vul')).toBe(vuls.length);
    expect(await n(0, 'component')).toBe(comps.length);
    expect(await n(2, 'vul')).toBe(0);
    expect(await step(2).locator('.chips [data-kind=risk]').count()).toBe(1);
    await step(2).locator('details summary').click();
    expect(await step(2).locator('li[data-kind=risk]').first().textContent()).toContain('root/.ssh/id_rsa');
    await step(0).locator('details summary').click();
    const worst = [...vuls].sort((a, b) => (b.Level ?? 0) - (a.Level ?? 0))[0]!;
    expect(await step(0).locator('li[data-kind=vul]').first().textContent()).toContain(worst.CVEID);
    await shot('image-detail');

    // the vulnerability tab: the API's rows, searchable, and the Solution of each
    await page.click('[role=tab][data-tab=vul]');
    const rows = page.locator('[role=tabpanel]:not([hidden]) tbody tr:not(.detail-row)');
    await page.waitForFunction(
      (want) =>
        document.querySelectorAll('[role=tabpanel]:not([hidden]) tbody tr:not(.detail-row)').length === want,
      vuls.length,
    );
    const target = vuls.find((v) => v.OfficialSolution) ?? vuls[0]!;
    const panel = page.locator('[role=tabpanel]:not([hidden])');
    await panel.locator('input[type=search]').first().fill(target.CVEID!);
    await panel.locator('form button[type=submit]').first().click();
    const sameCve = vuls.filter((v) => v.CVEID === target.CVEID);
    await page.waitForFunction(
      (want) =>
        document.querySelectorAll('[role=tabpanel]:not([hidden]) tbody tr:not(.detail-row)').length === want,
      sameCve.length,
    );
    for (const r of await rows.all()) expect(await r.textContent()).toContain(target.CVEID);
    expect(await rows.first().textContent()).toContain(detail.Layers[0]!.LayerID.slice(7, 19));
    await panel.locator('details summary').first().click();
    expect(await panel.locator('details').first().textContent()).toContain(
      target.OfficialSolution!.slice(0, 40),
    );
  });

  it('starts a scan of a selected image and shows its status live until SCANNED', async () => {
    await page.click('nav a[data-nav=images]');
    const row = `#images-table tbody tr[data-id="${pending.id}"]`;
    await page.waitForSelector(row);
    expect(await page.textContent(`${row} td[data-col=ScanStatus]`)).toContain('Not scanned');
    await page.check(`${row} input[type=checkbox]`);
    await page.click('button[data-action=scan]');
    await page.waitForSelector('.notice .ok');
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.includes('Scanned') === true,
      `${row} td[data-col=ScanStatus] .status`,
      { timeout: 90_000, polling: 250 },
    );
    const img = (await sdk(endpoint, A).DescribeAssetImageList({ Limit: 100 })).List!.find(
      (i) => i.ImageID === pending.id,
    );
    expect(img?.ScanStatus).toBe('SCANNED');
    expect(await page.textContent('.task-progress')).toContain('100%');
  });

  it('switches to Chinese and keeps the choice', async () => {
    await page.click('.who button.lang');
    await page.waitForFunction(
      () => document.querySelector('nav a[data-nav=images]')?.textContent === '镜像',
    );
    await page.waitForSelector('#images-table tbody tr');
    expect(await page.textContent('h1')).toBe('镜像');
    expect(await page.textContent('button[data-action=scan]')).toBe('扫描所选');
    expect(await page.evaluate(() => localStorage.getItem('hullscan.console.lang'))).toBe('zh-CN');
    await shot('images-zh');
    await page.click('nav a[data-nav=overview]');
    await page.waitForSelector('[data-stat=images] .card-value');
    expect(await page.textContent('[data-stat=images] .card-label')).toBe('镜像总数');
    await shot('overview-zh');
    await page.click('.who button.lang');
    await page.waitForFunction(
      () => document.querySelector('nav a[data-nav=images]')?.textContent === 'Images',
    );
  });

  it('shows the other pages', async () => {
    for (const name of ['registries', 'hosts', 'settings']) {
      await page.click(`nav a[data-nav=${name}]`);
      await page.waitForFunction((n) => location.hash === `#/${n}`, name);
      // the hash changes at the click, the page is drawn at the hashchange event that follows
      await page.waitForSelector(`[data-page=${name}] h1`);
      await page.waitForLoadState('networkidle');
      expect(await page.getAttribute(`nav a[data-nav=${name}]`, 'aria-current')).toBe('page');
      await shot(name);
    }
  });

  /** a new tab of its own at `width`×`height`, signed in as A through the form */
  async function signedInTab(width: number, height: number): Promise<{ ctx: BrowserContext; p: Page }> {
    const ctx = await browser.newContext({ viewport: { width, height }, locale: 'en-US' });
    const p = await ctx.newPage();
    p.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    await p.goto(`${url}/`);
    await p.waitForSelector('form.signin');
    await p.fill('#secret-id', A.secretId);
    await p.fill('#secret-key', A.secretKey);
    await p.click('form.signin button[type=submit]');
    await p.waitForSelector('[data-stat=images] .card-value');
    return { ctx, p };
  }

  it('works from the keyboard alone: sign in, skip link, navigation, sorting, selection, detail tabs, sign out', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    try {
      const p = await ctx.newPage();
      p.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
      const active = () =>
        p.evaluate(() => {
          const e = document.activeElement;
          return e ? `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')}` : '';
        });
      /** presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max` presses */
      const tabTo = async (selector: string, max = 80, key = 'Tab') => {
        for (let i = 0; i < max; i++) {
          await p.keyboard.press(key);
          if (await p.evaluate((sel) => document.activeElement?.matches(sel) === true, selector)) return;
        }
        throw new Error(`${selector} not reached with ${key} (focus on ${await active()})`);
      };
      const outline = () =>
        p.evaluate(() => {
          const e = document.activeElement;
          return e ? getComputedStyle(e).outlineStyle : 'none';
        });

      await p.goto(`${url}/`);
      await p.waitForSelector('form.signin');
      // the form takes focus; type, Tab, type, Enter
      expect(await active()).toBe('input#secret-id.');
      await p.keyboard.type(A.secretId);
      await p.keyboard.press('Tab');
      expect(await active()).toBe('input#secret-key.');
      await p.keyboard.type(A.secretKey);
      await p.keyboard.press('Enter');
      await p.waitForSelector('[data-stat=images] .card-value');
      expect(await p.evaluate(() => location.hash)).toBe('#/overview');

      // the skip link comes first and lands on the content
      await p.reload();
      await p.waitForSelector('[data-stat=images] .card-value');
      await p.keyboard.press('Tab');
      expect(await active()).toBe('a.skip');
      expect(await outline()).not.toBe('none');
      await p.keyboard.press('Enter');
      expect(await active()).toBe('main#content.');

      // the navigation, then the focus moves to the new page's content
      await tabTo('nav a[data-nav=images]', 20, 'Shift+Tab');
      expect(await outline()).not.toBe('none');
      await p.keyboard.press('Enter');
      await p.waitForSelector('#images-table tbody tr');
      expect(await p.evaluate(() => location.hash)).toBe('#/images');
      expect(await active()).toBe('main#content.');

      // sort by name with Enter, select a row with Space
      await tabTo('th[data-col=ImageName] button.sort');
      await p.keyboard.press('Enter');
      await p.waitForSelector('th[data-col=ImageName][aria-sort]:not([aria-sort=none])');
      await tabTo('#images-table tbody tr input[type=checkbox]');
      await p.keyboard.press('Space');
      expect(await p.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
      await p.keyboard.press('Space');

      // open the detail of the first row with Enter, then move between tabs with the arrow keys
      await tabTo(`#images-table tbody tr[data-id="${aIds[0]}"] th a`);
      const href = await p.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute('href'));
      await p.keyboard.press('Enter');
      await p.waitForFunction((h) => location.hash === h, href);
      await p.waitForSelector('[role=tab][aria-selected=true]');
      await tabTo('[role=tab][aria-selected=true]');
      expect(await p.getAttribute('[role=tab][aria-selected=true]', 'data-tab')).toBe('vul');
      await p.keyboard.press('ArrowRight');
      expect(await p.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe('components');
      expect(await p.getAttribute('[role=tab][data-tab=components]', 'aria-selected')).toBe('true');
      await p.waitForSelector('[role=tabpanel]:not([hidden]) tbody tr');
      await p.keyboard.press('End');
      expect(await p.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe('hosts');
      await p.keyboard.press('Home');
      expect(await p.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe('vul');
      // a finding's solution opens with Enter on its disclosure
      await tabTo('[role=tabpanel]:not([hidden]) details summary');
      await p.keyboard.press('Enter');
      expect(
        await p.evaluate(() => (document.activeElement?.parentElement as HTMLDetailsElement | null)?.open),
      ).toBe(true);

      // switch the language and keep the focus on the switch; then sign out
      await tabTo('.who button.lang', 200, 'Shift+Tab');
      await p.keyboard.press('Enter');
      await p.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      expect(await active()).toBe('button.lang');
      await p.keyboard.press('Enter');
      await p.waitForFunction(() => document.documentElement.lang === 'en');
      await tabTo('.who button.signout');
      await p.keyboard.press('Enter');
      await p.waitForSelector('form.signin');
      expect(await p.evaluate(() => sessionStorage.length)).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const)
    it(`lays every page out at ${width} px without horizontal scrolling`, async () => {
      const { ctx, p } = await signedInTab(width, height);
      try {
        const routes = [
          ['overview', '[data-stat=images] .card-value'],
          ['images', '#images-table tbody tr'],
          [`images/${encodeURIComponent(aIds[0]!)}`, '.timeline-step[data-step="0"] .chips'],
          ['registries', 'main h1'],
          ['hosts', 'main h1'],
          ['settings', 'main h1'],
        ] as const;
        for (const [route, ready] of routes) {
          await p.evaluate((r) => {
            location.hash = `#/${r}`;
          }, route);
          await p.waitForSelector(ready);
          await p.waitForLoadState('networkidle');
          const m = await p.evaluate(() => {
            const doc = document.documentElement;
            const main = document.querySelector('main') as HTMLElement;
            // elements sticking out of the viewport on the right, outside any scrolling table wrapper
            const out = [...document.querySelectorAll('main *')]
              .filter(
                (e) =>
                  !e.closest('.table-wrap, pre, .step-cmd') &&
                  e.getBoundingClientRect().right > innerWidth + 1,
              )
              .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)
              .slice(0, 5);
            // boxes whose content is wider than they are (a table sticking out of its panel)
            const spill = [
              ...document.querySelectorAll('main .panel, main .card, main .tabpanel, main .timeline-step'),
            ]
              .filter((e) => e.scrollWidth > e.clientWidth + 1)
              .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)
              .slice(0, 5);
            return {
              spill,
              scroll: doc.scrollWidth,
              client: doc.clientWidth,
              main: main.getBoundingClientRect().width,
              out,
            };
          });
          expect({ route, ...m, scroll: m.scroll <= m.client }).toEqual({
            route,
            ...m,
            scroll: true,
            out: [],
            spill: [],
          });
          // the wide screen is used, the laptop screen is filled
          expect(m.main).toBeGreaterThan(width >= 1920 ? 1700 : width - 40);
        }
        await p.evaluate((id) => {
          location.hash = `#/images/${encodeURIComponent(id)}`;
        }, aIds[0]!);
        await p.waitForSelector('.timeline-step[data-step="0"] .chips');
        await p.waitForLoadState('networkidle');
        await p.screenshot({ path: path.join(SHOTS, `image-detail-${width}.png`) });
        await p.evaluate(() => {
          location.hash = '#/overview';
        });
        await p.waitForSelector('[data-list=components]');
        await p.waitForLoadState('networkidle');
        await p.screenshot({ path: path.join(SHOTS, `overview-${width}.png`) });
      } finally {
        await ctx.close();
      }
    });

  it('signs out; the other account sees none of the first one’s images', async () => {
    await page.click('.who button.signout');
    await page.waitForSelector('form.signin');
    expect(await hash()).toBe('#/signin');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.evaluate(() => {
      location.hash = '#/images';
    });
    await page.waitForFunction(() => location.hash === '#/signin');

    await signIn(B);
    await page.waitForSelector('[data-stat=images] .card-value');
    expect(Number(await page.textContent('[data-stat=images] .card-value'))).toBe(1);
    await page.click('nav a[data-nav=images]');
    await page.waitForSelector('#images-table tbody tr');
    const ids = await page.$$eval('#images-table tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-id')),
    );
    expect(ids).toHaveLength(1);
    for (const id of aIds) expect(ids).not.toContain(id);
    expect(await page.textContent('#images-table')).not.toMatch(/billing|web-frontend|base-tools/);
  });

  it('a page opened without a session goes to sign-in', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const p = await fresh.newPage();
      for (const route of [
        '#/images',
        `#/images/${encodeURIComponent(aIds[0]!)}`,
        '#/overview',
        '#/settings',
      ]) {
        await p.goto(`${url}/${route}`);
        await p.waitForSelector('form.signin');
        expect(await p.evaluate(() => location.hash)).toBe('#/signin');
      }
      await p.goto(`${url}/console/images`);
      await p.waitForSelector('form.signin');
    } finally {
      await fresh.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
