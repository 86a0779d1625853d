/**
 * Findings placed on layers, and the account-wide component ranking, end to end: real OCI images
 * (Debian dpkg databases the small tracker feed has advisories for, build histories with empty_layer
 * steps) added and scanned through the real job system, read back from a real API server
 * (createApiServer with allActions and the SQLite store) with the real Tencent Cloud SDK and its
 * CommonClient for hullscan's own action: DescribeAssetImageDetail's Layers pair each layer with its
 * build step, components and vulnerabilities carry the layer that brought them, and
 * DescribeAssetImageComponentTopList is exactly what the per-image vulnerability lists add up to, for
 * the caller's account only.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommonClient } from 'tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentTopInfo } from '../src/api/actions/DescribeAssetImageComponentTopList/index.js';
import { allActions } from '../src/api/actions/index.js';
import { staticCredentials } from '../src/api/gateway/credentials.js';
import { createApiServer } from '../src/api/gateway/server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { startTaskSystem } from '../src/tasks/index.js';
import { REPO_ROOT, runCli } from './support/fixtures.js';
import { dpkgEntries, gzipLayer, OciLayout, sha256, type TarEntry, tarball } from './support/hostile.js';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[name];

const A = {
  account: { appId: 1251000301, uin: '900301' },
  secretId: 'AKIDhullscanLayersTestA0000000001',
  secretKey: 'layers-test-key-a-00000000000001',
};
const B = {
  account: { appId: 1251000302, uin: '900302' },
  secretId: 'AKIDhullscanLayersTestB0000000001',
  secretKey: 'layers-test-key-b-00000000000001',
};
const C = {
  account: { appId: 1251000303, uin: '900303' },
  secretId: 'AKIDhullscanLayersTestC0000000001',
  secretKey: 'layers-test-key-c-00000000000001',
};

interface Layer {
  LayerID: string;
  Size: number;
  HistoryIndex: number | null;
}
type TopRow = ComponentTopInfo;
interface TopList {
  List: TopRow[];
  TotalCount: number;
}
type History = { created?: string; created_by?: string; empty_layer?: boolean }[];

const file = (p: string, body: string) => ({ path: p, body });
const dir = (p: string) => ({ path: p, type: 'Directory' as const });
const osRelease = [
  dir('etc/'),
  file(
    'etc/os-release',
    'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  ),
];
/** a dpkg database listing `pkgs` (packages the small tracker feed has advisories for) */
const dpkg = (pkgs: [name: string, source: string, version: string][]): TarEntry[] =>
  dpkgEntries(...pkgs.map(([name, source, version]) => ({ name, source, version })));

/** A's "web" image: the packages in the bottom layer; steps 1, 2, 4 and 6 make no layer */
const WEB_LAYERS: TarEntry[][] = [
  [
    ...osRelease,
    ...dpkg([
      ['openssl', 'openssl', '3.0.11-1~deb12u2'],
      ['libssl3', 'openssl', '3.0.11-1~deb12u2'],
      ['zlib1g', 'zlib', '1:1.2.13.dfsg-1'],
    ]),
  ],
  [dir('srv/'), file('srv/index.html', '<p>web</p>\n')],
  [dir('app/'), file('app/run.sh', '#!/bin/sh\nexec httpd\n')],
];
const WEB_HISTORY: History = [
  { created_by: '/bin/sh -c #(nop) ADD file:rootfs.tar in /' },
  { created_by: '/bin/sh -c #(nop)  ENV APP_ENV=production', empty_layer: true },
  { created_by: '/bin/sh -c #(nop)  LABEL team=web', empty_layer: true },
  { created_by: '/bin/sh -c #(nop) COPY dir:srv in /srv' },
  { created_by: '/bin/sh -c #(nop) WORKDIR /app', empty_layer: true },
  { created_by: '/bin/sh -c #(nop) COPY file:run.sh in /app/run.sh' },
  { created_by: '/bin/sh -c #(nop)  CMD ["/app/run.sh"]', empty_layer: true },
].map((h, i) => ({ created: `2024-03-01T12:0${i}:00Z`, ...h }));
const WEB_STEPS = [0, 3, 5];

/** A's "api" image: the packages in the second layer; a history with one layer-making step too many */
const API_LAYERS: TarEntry[][] = [
  [...osRelease, file('etc/motd', 'api\n')],
  dpkg([
    ['openssl', 'openssl', '3.0.11-1~deb12u2'],
    ['zlib1g', 'zlib', '1:1.2.13.dfsg-1'],
  ]),
];

/** B's image: openssl too, so B has a ranking of its own */
const OTHER_LAYERS: TarEntry[][] = [[...osRelease, ...dpkg([['libssl3', 'openssl', '3.0.11-1~deb12u2']])]];

describe('layers of findings and the component ranking through the Tencent Cloud SDK', () => {
  let work: string;
  let store: Store;
  let system: { stop(): Promise<void> } | undefined;
  let server: ReturnType<typeof createApiServer> | undefined;
  let endpoint: string;
  /** the diffIDs (bottom first) of each image, by name, as the test built them */
  const diffIDs = new Map<string, string[]>();
  const sizes = new Map<string, number[]>();
  const ids = new Map<string, string>();

  const sdk = (who: typeof A) =>
    new tcss.v20201101.Client({
      credential: { secretId: who.secretId, secretKey: who.secretKey },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 60 } },
    });
  const common = (who: typeof A) =>
    new CommonClient(endpoint, '2020-11-01', {
      credential: { secretId: who.secretId, secretKey: who.secretKey },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 60 } },
    });
  const top = (req: object, who = A) =>
    common(who).request('DescribeAssetImageComponentTopList', req) as Promise<TopList>;
  const errorCode = async (p: Promise<unknown>) => {
    const e = (await p.then(
      () => undefined,
      (err: unknown) => err,
    )) as { code?: string } | undefined;
    if (!e) throw new Error('expected the call to fail');
    return e.code;
  };

  /** an OCI layout at `at` named `name`, one gzip layer per entry list, with `history` as its config's */
  async function image(at: string, name: string, layers: TarEntry[][], history?: History): Promise<string> {
    const layout = await OciLayout.create(at);
    const tars = layers.map((entries) => tarball(entries));
    const desc = await layout.image(
      tars.map((tar, i) => gzipLayer(tar, `layer ${i}`)),
      undefined,
      (config) => {
        if (history) config.history = history as typeof config.history;
      },
    );
    await layout.tag([{ desc, tag: name }]);
    diffIDs.set(
      name,
      tars.map((tar) => sha256(tar)),
    );
    sizes.set(
      name,
      tars.map((tar) => tar.length),
    );
    return `oci:${at}`;
  }

  async function until(check: () => Promise<boolean>, what: string, ms = 90_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function addAndScan(
    who: typeof A,
    refs: string[],
  ): Promise<{ ImageID: string; ImageName: string }[]> {
    const added = (await common(who).request('AddAssetImage', { Images: refs })) as {
      Images: { ImageID: string; ImageName: string }[];
    };
    const { TaskID } = await sdk(who).CreateAssetImageScanTask({
      Images: added.Images.map((i) => i.ImageID),
      ScanScope: 1,
      ScanVul: true,
    });
    await until(
      async () => (await sdk(who).DescribeAssetImageScanStatus({ TaskID })).Status === 'END',
      TaskID!,
    );
    return added.Images;
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-api-layers-'));
    const roots = path.join(work, 'images');
    await mkdir(roots);
    const web = 'registry.example.com/shop/web:1.0';
    const api = 'registry.example.com/shop/api:2.0';
    const other = 'registry.example.com/team-b/reports:0.9';
    const refsA = [
      await image(path.join(roots, 'web'), web, WEB_LAYERS, WEB_HISTORY),
      // three steps that make a layer for two layers: which made which is unknown
      await image(path.join(roots, 'api'), api, API_LAYERS, [
        { created_by: 'ADD rootfs' },
        { created_by: 'RUN apt-get install -y openssl zlib1g' },
        { created_by: 'RUN rm -rf /tmp/*' },
      ]),
    ];
    const refsB = [await image(path.join(roots, 'other'), other, OTHER_LAYERS)];
    const data = path.join(work, 'data');
    const imported = await runCli(
      ['db', 'import', path.join(REPO_ROOT, 'test/testdata/feeds/debian-tracker-small.json')],
      { dataDir: data },
    );
    if (imported.code !== 0) throw new Error(`db import failed: ${imported.stderr}`);
    store = await openStore(data);
    const running = await startTaskSystem({
      store,
      dataDir: data,
      timeZone: 'UTC',
      workers: 1,
      imageRoots: [roots],
      log: () => {},
    });
    system = running;
    server = createApiServer({
      actions: allActions(),
      credentials: staticCredentials([A, B, C]),
      store,
      tasks: running.service,
      timeZone: 'UTC',
      rateLimits: { default: 0 },
    });
    const srv = server;
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    endpoint = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const [w, a] = await addAndScan(A, refsA);
    const [o] = await addAndScan(B, refsB);
    ids.set(web, w!.ImageID).set(api, a!.ImageID).set(other, o!.ImageID);
  }, 180_000);

  afterAll(async () => {
    if (server) {
      const srv = server;
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
    await system?.stop();
    await store?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const WEB = 'registry.example.com/shop/web:1.0';
  const API = 'registry.example.com/shop/api:2.0';
  const OTHER = 'registry.example.com/team-b/reports:0.9';

  const detail = async (name: string, who = A) =>
    (await sdk(who).DescribeAssetImageDetail({ ImageID: ids.get(name)! })) as Awaited<
      ReturnType<ReturnType<typeof sdk>['DescribeAssetImageDetail']>
    > & { Layers: Layer[] };
  const components = async (name: string) =>
    (await sdk(A).DescribeImageComponentList({ ImageID: ids.get(name)!, Limit: 100 })).List as unknown as {
      Name: string;
      Version: string;
      Type: string;
      Path: string;
      LayerID: string | null;
    }[];
  const vulnerabilities = async (name: string, who = A) =>
    (await sdk(who).DescribeAssetImageVulList({ ImageID: ids.get(name)!, Limit: 100 })).List as unknown as {
      CVEID: string;
      Component: string;
      Version: string;
      CategoryType: string;
      Level: number;
      FixedVersions: string;
      LayerID: string | null;
    }[];

  it('the scans found the packages and their vulnerabilities', async () => {
    for (const name of [WEB, API, OTHER]) {
      const d = await detail(name, name === OTHER ? B : A);
      expect([name, d.ScanStatus]).toEqual([name, 'SCANNED']);
      expect(d.VulCnt).toBeGreaterThan(0);
    }
  });

  it('detail Layers: every layer, bottom first, with the build step that made it; every other field as before', async () => {
    const d = await detail(WEB);
    expect(d.Layers).toEqual(
      diffIDs
        .get(WEB)!
        .map((id, i) => ({ LayerID: id, Size: sizes.get(WEB)![i], HistoryIndex: WEB_STEPS[i] })),
    );
    // the steps are the BuildHistory blocks that made a layer, and the sizes add up to Size
    const steps = d.BuildHistory!.split('\n').filter((_, i) => i % 2 === 1);
    expect(steps).toEqual(WEB_HISTORY.map((h) => h.created_by));
    expect(d.Layers.map((l) => steps[l.HistoryIndex!])).toEqual([
      '/bin/sh -c #(nop) ADD file:rootfs.tar in /',
      '/bin/sh -c #(nop) COPY dir:srv in /srv',
      '/bin/sh -c #(nop) COPY file:run.sh in /app/run.sh',
    ]);
    expect(d.Layers.reduce((s, l) => s + l.Size, 0)).toBe(d.Size);
    const { RequestId: _, Layers: __, ...rest } = d;
    expect(rest).toEqual(await store.getImage(A.account, ids.get(WEB)!));

    // a history that disagrees with the layers pairs none of them
    const a = await detail(API);
    expect(a.Layers).toEqual(
      diffIDs.get(API)!.map((id, i) => ({ LayerID: id, Size: sizes.get(API)![i], HistoryIndex: null })),
    );
    // the builder's default history: one step per layer
    const o = await detail(OTHER, B);
    expect(o.Layers).toEqual([
      { LayerID: diffIDs.get(OTHER)![0], Size: sizes.get(OTHER)![0], HistoryIndex: 0 },
    ]);
  });

  it('components carry the layer holding the dpkg database; vulnerabilities the layer of their component', async () => {
    for (const [name, holding] of [
      [WEB, diffIDs.get(WEB)![0]],
      [API, diffIDs.get(API)![1]],
    ] as const) {
      const comps = await components(name);
      expect(comps.length).toBeGreaterThan(0);
      for (const c of comps)
        expect([name, c.Name, c.Path, c.LayerID]).toEqual([name, c.Name, 'var/lib/dpkg/status', holding]);
      const vulns = await vulnerabilities(name);
      expect(vulns.length).toBeGreaterThan(0);
      for (const v of vulns) {
        const c = comps.find(
          (x) => x.Name === v.Component && x.Version === v.Version && x.Type === v.CategoryType,
        );
        expect([name, v.CVEID, v.LayerID]).toEqual([name, v.CVEID, c?.LayerID]);
      }
      // sorting, filtering and paging are as before, the layer goes along
      const byCve = await sdk(A).DescribeAssetImageVulList({
        ImageID: ids.get(name)!,
        By: 'CVEID',
        Order: 'asc',
        Limit: 1,
        Offset: 1,
      });
      const sorted = [...vulns].sort((x, y) => (x.CVEID < y.CVEID ? -1 : x.CVEID > y.CVEID ? 1 : 0));
      expect(byCve.TotalCount).toBe(vulns.length);
      expect(
        (byCve.List as unknown as { CVEID: string; LayerID: string }[]).map((v) => [v.CVEID, v.LayerID]),
      ).toEqual([[sorted[1]!.CVEID, holding]]);
    }
  });

  /** The ranking as the per-image vulnerability lists of `who`'s images add it up. */
  async function expectedTop(who: typeof A): Promise<TopRow[]> {
    const images = (await sdk(who).DescribeAssetImageList({ Limit: 100 })).List!;
    const groups = new Map<
      string,
      { row: TopRow; cves: Map<string, number>; images: Set<string>; fixed: string[] }
    >();
    for (const im of images) {
      const list = (await sdk(who).DescribeAssetImageVulList({ ImageID: im.ImageID!, Limit: 100 })).List!;
      for (const v of list) {
        const key = `${v.Component}\0${v.Version}\0${v.CategoryType}`;
        let g = groups.get(key);
        if (!g) {
          const row = { Name: v.Component!, Version: v.Version!, Type: v.CategoryType! } as TopRow;
          g = { row, cves: new Map(), images: new Set(), fixed: [] };
          groups.set(key, g);
        }
        g.cves.set(v.CVEID!, v.Level!);
        g.images.add(im.ImageID!);
        if (v.FixedVersions) g.fixed.push(JSON.stringify(v.FixedVersions.split(',')));
      }
    }
    return [...groups.values()].map(({ row, cves, images: seen, fixed }) => {
      const at = (l: number) => [...cves.values()].filter((x) => x === l).length;
      const first = fixed.sort()[0];
      return {
        ...row,
        VulCount: cves.size,
        CriticalVulCount: at(4),
        HighVulCount: at(3),
        MediumVulCount: at(2),
        LowVulCount: at(1),
        ImageCount: seen.size,
        FixedVersion: first ? (JSON.parse(first) as string[])[0]! : '',
      };
    });
  }

  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const ranked = (rows: TopRow[], by: keyof TopRow, order: 'asc' | 'desc') =>
    [...rows].sort(
      (x, y) =>
        (order === 'asc' ? 1 : -1) * cmp(x[by], y[by]) ||
        cmp(y.VulCount, x.VulCount) ||
        cmp(y.ImageCount, x.ImageCount) ||
        cmp(x.Name, y.Name) ||
        cmp(x.Version, y.Version) ||
        cmp(x.Type, y.Type),
    );

  it('the ranking is what the per-image vulnerability lists add up to, in every order', async () => {
    const want = await expectedTop(A);
    // the two images share openssl and zlib1g: those count each advisory once and both images
    expect(want.find((r) => r.Name === 'openssl')?.ImageCount).toBe(2);
    expect(want.find((r) => r.Name === 'libssl3')?.ImageCount).toBe(1);
    const got = await top({ Limit: 100 });
    expect(got.TotalCount).toBe(want.length);
    expect(got.List).toEqual(ranked(want, 'VulCount', 'desc'));
    for (const by of ['VulCount', 'ImageCount', 'CriticalVulCount', 'HighVulCount'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const r = await top({ Limit: 100, By: by, Order: order });
        expect([by, order, r.List]).toEqual([by, order, ranked(want, by, order)]);
      }
    }
    // defaults: 10 rows, VulCount highest first; Limit 1 walks the same list
    expect((await top({})).List).toEqual(ranked(want, 'VulCount', 'desc').slice(0, 10));
    const walked: TopRow[] = [];
    for (let offset = 0; offset <= want.length; offset++) {
      const p = await top({ Limit: 1, Offset: offset });
      expect(p.TotalCount).toBe(want.length);
      walked.push(...p.List);
    }
    expect(walked).toEqual(ranked(want, 'VulCount', 'desc'));
    expect(await top({ Offset: 50 })).toMatchObject({ List: [], TotalCount: want.length });
  });

  it('filters by component name and type', async () => {
    const want = ranked(await expectedTop(A), 'VulCount', 'desc');
    const names = async (Filters: object[]) => {
      const r = await top({ Limit: 100, Filters });
      expect(r.TotalCount).toBe(r.List.length);
      return r.List.map((x) => x.Name);
    };
    expect(await names([{ Name: 'ComponentName', Values: ['SSL'] }])).toEqual(
      want.filter((r) => r.Name.includes('ssl')).map((r) => r.Name),
    );
    expect(await names([{ Name: 'ComponentName', Values: ['openssl'], ExactMatch: true }])).toEqual([
      'openssl',
    ]);
    expect(await names([{ Name: 'ComponentName', Values: ['zlib1g', 'libssl3'], ExactMatch: true }])).toEqual(
      want.filter((r) => r.Name === 'zlib1g' || r.Name === 'libssl3').map((r) => r.Name),
    );
    expect(await names([{ Name: 'ComponentType', Values: ['deb'], ExactMatch: true }])).toEqual(
      want.map((r) => r.Name),
    );
    expect(await names([{ Name: 'ComponentType', Values: ['npm'] }])).toEqual([]);
    expect(
      await names([
        { Name: 'ComponentType', Values: ['DEB'] },
        { Name: 'ComponentName', Values: ['zlib'] },
      ]),
    ).toEqual(['zlib1g']);
    expect(await names([{ Name: 'ComponentName', Values: ['%'] }])).toEqual([]);
  });

  it('bad parameters get InvalidParameter / InvalidParameterValue / UnknownParameter', async () => {
    const bad = (p: object) => errorCode(top(p));
    expect(await bad({ Limit: 0 })).toBe('InvalidParameterValue');
    expect(await bad({ Limit: 101 })).toBe('InvalidParameterValue');
    expect(await bad({ Offset: -1 })).toBe('InvalidParameterValue');
    expect(await bad({ Limit: 'ten' })).toBe('InvalidParameter');
    expect(await bad({ By: 'Name' })).toBe('InvalidParameterValue');
    expect(await bad({ By: 7 })).toBe('InvalidParameter');
    expect(await bad({ Order: 'sideways' })).toBe('InvalidParameterValue');
    expect(await bad({ Filters: [{ Name: 'ImageID', Values: ['x'] }] })).toBe('InvalidParameterValue');
    expect(await bad({ Filters: [{ Name: 'ComponentName', Values: 'openssl' }] })).toBe('InvalidParameter');
    expect(await bad({ ImageID: ids.get(WEB) })).toBe('UnknownParameter');
    const invalid = (await top({ By: 'Name' }).catch((e: unknown) => e)) as { message?: string };
    expect(invalid.message).toMatch(/By.*Name.*VulCount, ImageCount, CriticalVulCount, HighVulCount/);
  });

  it('another account sees only its own: its own ranking, and none of these images', async () => {
    const theirs = await top({ Limit: 100 }, B);
    expect(theirs.List).toEqual(ranked(await expectedTop(B), 'VulCount', 'desc'));
    expect(theirs.List.map((r) => [r.Name, r.ImageCount])).toEqual([['libssl3', 1]]);
    const mine = await top({ Limit: 100 });
    expect(mine.List.find((r) => r.Name === 'libssl3')?.ImageCount).toBe(1);
    const b = sdk(B);
    const id = ids.get(WEB)!;
    expect(await errorCode(b.DescribeAssetImageDetail({ ImageID: id }))).toBe('ResourceNotFound');
    expect(await errorCode(b.DescribeImageComponentList({ ImageID: id }))).toBe('ResourceNotFound');
    expect(await errorCode(b.DescribeAssetImageVulList({ ImageID: id }))).toBe('ResourceNotFound');
    // an account without images ranks nothing
    expect(await top({ Limit: 100 }, C)).toMatchObject({ List: [], TotalCount: 0 });
  });
});
