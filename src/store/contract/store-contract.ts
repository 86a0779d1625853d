import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Component } from '../../core/component.js';
import type { VirusFinding } from '../../core/finding.js';
import type {
  Account,
  ComponentFilter,
  ComponentTopFilter,
  ComponentTopRow,
  ImageFilter,
  ImageListRow,
  ImageRecord,
  Page,
  RiskFilter,
  RiskRow,
  Store,
  VirusFilter,
  VulnerabilityFilter,
  VulnerabilityRow,
} from '../store.js';
import { alice, bareComponent, bob, detail, fullComponent, imageId, record } from './fixtures.js';

/** The image list sorts every implementation supports (ImagesInfo / ImageDetail field names). */
export const SORTABLE_IMAGE_FIELDS = [
  'ImageID',
  'ImageName',
  'ImageDigest',
  'CreateTime',
  'Size',
  'OsName',
  'Architecture',
  'Author',
  'ScanTime',
  'ScanStatus',
  'Status',
  'VulCnt',
  'RiskCnt',
  'SensitiveInfoCnt',
  'VirusCnt',
  'HostCnt',
  'ContainerCnt',
  'SuperNodeCnt',
  'IsTrustImage',
  'IsAuthorized',
  'RemainScanTime',
  'ComponentCnt',
  'CriticalLevelVulCnt',
  'HighLevelVulCnt',
  'MediumLevelVulCnt',
  'LowLevelVulCnt',
] as const;

export const SORTABLE_COMPONENT_FIELDS = ['Name', 'Version', 'Type', 'Path'] as const;

const STATUSES = ['NOT_SCAN', 'WAIT_SCAN', 'SCANNING', 'SCAN_ERR', 'CANCELED', 'SCANNED'];

/**
 * Eight images with varied fields, ties (VulCnt 10 and 0, Size 5000, OsName debian:12.5) and mixed case
 * names, so filters and sorts have something to tell apart.
 */
function catalog(): ImageRecord[] {
  const names = [
    'docker.io/library/nginx:1.25',
    'docker.io/library/NGINX:latest',
    'docker.io/library/alpine:3.19',
    'registry.example.com/team/api:2.0',
    'registry.example.com/team/Web:2.0',
    'quay.io/prometheus/node-exporter:v1.7',
    'ghcr.io/acme/worker:0.1',
    'docker.io/library/redis:7',
  ];
  const os = [
    'debian:12.5',
    'debian:12.5',
    'alpine:3.19.1',
    'centos:8.4.2105',
    'debian:11.9',
    '',
    'alpine:3.18.4',
    'debian:12.5',
  ];
  const vul = [10, 0, 3, 10, 0, 7, 0, 1];
  const risk = [0, 2, 0, 0, 1, 0, 0, 5];
  const virus = [0, 0, 1, 0, 0, 0, 2, 0];
  const trusted = [true, false, true, true, false, true, true, true];
  const size = [5000, 123, 99_999_999_999, 5000, 42, 7, 800, 6_000_000_000];
  const created = [
    '2024-01-01 00:00:00',
    '2023-12-31 23:59:59',
    '2024-02-29 12:00:00',
    '',
    '2022-06-01 08:30:00',
    '2024-01-01 00:00:00',
    '2021-01-01 00:00:01',
    '2025-05-05 05:05:05',
  ];
  const scanned = [
    '2024-03-01 10:00:00',
    '',
    '2024-03-02 09:00:00',
    '2024-03-01 10:00:00',
    '2024-01-15 11:11:11',
    '2024-04-01 00:00:00',
    '2023-11-11 11:11:11',
    '2024-03-05 17:45:00',
  ];
  const componentCount = [3, 0, 5, 1, 2, 0, 4, 1];
  return names.map((name, i) => {
    const status = STATUSES[i % STATUSES.length] ?? 'SCANNED';
    return record(
      i + 1,
      {
        ImageName: name,
        OsName: os[i],
        VulCnt: vul[i],
        RiskCnt: risk[i],
        SensitiveInfoCnt: risk[i] ? 1 : 0,
        VirusCnt: virus[i],
        IsTrustImage: trusted[i],
        Size: size[i],
        CreateTime: created[i],
        ScanTime: scanned[i],
        ScanStatus: status,
        Status: STATUSES.indexOf(status),
        HostCnt: (i * 3) % 5,
        ContainerCnt: (i * 7) % 4,
        SuperNodeCnt: i % 2,
        IsAuthorized: i === 4 ? 0 : 1,
        RemainScanTime: status === 'SCANNING' ? 30 : 0,
        Architecture: i % 3 ? 'amd64' : 'arm64',
        Author: i % 2 ? '' : `author ${i}`,
      },
      {
        names: [name, `mirror.example.com/copy-${i + 1}:latest`],
        components: Array.from({ length: componentCount[i] ?? 0 }, (_, c) =>
          bareComponent(`pkg-${(c * 7) % 5}`, `1.${c}`, c % 2 ? 'deb' : 'apk'),
        ),
      },
    );
  });
}

const listRow = (r: ImageRecord): ImageListRow => ({
  ...r.detail,
  ComponentCnt: r.components.length,
  CriticalLevelVulCnt: 0,
  HighLevelVulCnt: 0,
  MediumLevelVulCnt: 0,
  LowLevelVulCnt: 0,
});

/** What a list row sorts by for `field`; per-level vulnerability counts are 0 until matching exists. */
function sortKey(row: ImageListRow, field: string): string | number {
  if (field.endsWith('LevelVulCnt')) return 0;
  const v = row[field as keyof ImageListRow];
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' || typeof v === 'number') return v;
  throw new Error(`no sort key ${field}`);
}

/** Values compare by number or by UTF-16 code unit (byte order for the ASCII used here). */
function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedRows(rows: ImageListRow[], field: string, order: 'asc' | 'desc'): ImageListRow[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) => sign * (compare(sortKey(a, field), sortKey(b, field)) || compare(a.ImageID, b.ImageID)),
  );
}

const all: Page = { limit: 100_000, offset: 0, by: 'ImageID', order: 'asc' };

/** Runs the Store contract against `make()`, which returns a new, empty, not yet migrated store. */
export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await make();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    async function ids(account: Account, filter: ImageFilter, page: Page = all): Promise<string[]> {
      const { total, rows } = await store.listImages(account, filter, page);
      expect(total).toBe(rows.length);
      return rows.map((r) => r.ImageID);
    }

    async function saveAll(account: Account, records: ImageRecord[]): Promise<void> {
      for (const r of records) await store.saveImage(account, r);
    }

    it('a save of a stored image keeps where it runs (HostCnt, ContainerCnt, SuperNodeCnt, AgentError: the host reports own them)', async () => {
      await store.saveImage(
        alice,
        record(1, { HostCnt: 2, ContainerCnt: 5, SuperNodeCnt: 1, AgentError: 'export failed' }),
      );
      await store.saveImage(
        alice,
        record(1, { HostCnt: 0, ContainerCnt: 0, SuperNodeCnt: 0, AgentError: '', VulCnt: 3 }),
      );
      expect(await store.getImage(alice, imageId(1))).toMatchObject({
        HostCnt: 2,
        ContainerCnt: 5,
        SuperNodeCnt: 1,
        AgentError: 'export failed',
      });
    });

    describe('schema', () => {
      it('migrates again without error or data loss', async () => {
        await store.saveImage(alice, record(1));
        await store.migrate();
        await store.migrate();
        expect(await store.getImage(alice, imageId(1))).toStrictEqual(record(1).detail);
      });
    });

    describe('saveImage / getImage', () => {
      it('round-trips every detail field with its type', async () => {
        const r = record(1, {}, { components: [fullComponent(1)] });
        await store.saveImage(alice, r);
        const got = await store.getImage(alice, r.detail.ImageID);
        expect(got).toStrictEqual(r.detail);
        expect(typeof got?.IsTrustImage).toBe('boolean');
        expect(Array.isArray(got?.RepoDigests)).toBe(true);
      });

      it('round-trips zero values: empty strings, zeros, false, no repo digests', async () => {
        const zero = detail(2, {
          ImageName: '',
          ImageDigest: '',
          CreateTime: '',
          Size: 0,
          HostCnt: 0,
          ContainerCnt: 0,
          SuperNodeCnt: 0,
          ScanTime: '',
          VulCnt: 0,
          RiskCnt: 0,
          SensitiveInfoCnt: 0,
          IsTrustImage: false,
          OsName: '',
          AgentError: '',
          ScanError: '',
          Architecture: '',
          Author: '',
          BuildHistory: '',
          ScanVirusProgress: 0,
          ScanVulProgress: 0,
          ScanRiskProgress: 0,
          ScanVirusError: '',
          ScanVulError: '',
          ScanRiskError: '',
          ScanStatus: 'NOT_SCAN',
          VirusCnt: 0,
          Status: 0,
          RemainScanTime: 0,
          IsAuthorized: 0,
          Solution: '',
          Reason: '',
          RepoDigests: [],
        });
        await store.saveImage(alice, { detail: zero, components: [], names: [], layers: [] });
        expect(await store.getImage(alice, zero.ImageID)).toStrictEqual(zero);
      });

      it('keeps sizes beyond 32 bits and text with quotes, newlines and non-ASCII', async () => {
        const d = detail(3, {
          Size: 2 ** 53 - 1,
          BuildHistory: 'RUN echo \'a\' "b" \\ \n\t€ 中文 🐳',
          Author: 'O\'Brien "quoted" \\ 🐳',
        });
        await store.saveImage(alice, { detail: d, components: [], names: [d.ImageName], layers: [] });
        expect(await store.getImage(alice, d.ImageID)).toStrictEqual(d);
      });

      it('answers undefined for an image the account does not have', async () => {
        expect(await store.getImage(alice, imageId(404))).toBeUndefined();
      });

      it('replaces the earlier result of the same image on rescan', async () => {
        const v1 = record(
          5,
          { VulCnt: 1, ImageName: 'old/name:1' },
          { components: [fullComponent(1), fullComponent(2), fullComponent(3)] },
        );
        const v2 = record(
          5,
          { VulCnt: 9, ImageName: 'new/name:2', RepoDigests: [], IsTrustImage: false },
          { components: [bareComponent('only', '2.0')], names: ['new/name:2'], layers: [] },
        );
        await store.saveImage(alice, v1);
        await store.saveImage(alice, v2);
        expect(await store.getImage(alice, v2.detail.ImageID)).toStrictEqual(v2.detail);
        const list = await store.listImages(alice, {}, all);
        expect(list).toStrictEqual({ total: 1, rows: [listRow(v2)] });
        const comps = await store.listComponents(alice, v2.detail.ImageID, {}, { limit: 100, offset: 0 });
        expect(comps).toStrictEqual({
          total: 1,
          rows: [{ ...bareComponent('only', '2.0'), imageId: v2.detail.ImageID }],
        });
        expect(await ids(alice, { imageName: { values: ['old/name'], exact: false } })).toEqual([]);
      });

      it('never shows one account the images or components of another', async () => {
        const a = record(
          7,
          { VulCnt: 1, OsName: 'alpine:3.19.1' },
          { components: [bareComponent('a-only')] },
        );
        const b = record(
          7,
          { VulCnt: 2, OsName: 'debian:12.5', ImageName: 'bob/image:1' },
          { components: [bareComponent('b-1'), bareComponent('b-2')] },
        );
        await store.saveImage(alice, a);
        await store.saveImage(bob, b);
        await store.saveImage(bob, record(8));
        expect(await store.getImage(alice, a.detail.ImageID)).toStrictEqual(a.detail);
        expect(await store.getImage(bob, b.detail.ImageID)).toStrictEqual(b.detail);
        expect(await store.getImage(alice, imageId(8))).toBeUndefined();
        expect(await store.listImages(alice, {}, all)).toStrictEqual({ total: 1, rows: [listRow(a)] });
        expect((await store.listImages(bob, {}, all)).total).toBe(2);
        expect(await ids(alice, { osName: { values: ['debian'], exact: false } })).toEqual([]);
        expect(await ids(alice, { imageName: { values: ['bob/image:1'], exact: true } })).toEqual([]);
        const ca = await store.listComponents(alice, a.detail.ImageID, {}, { limit: 10, offset: 0 });
        expect(ca?.rows.map((c) => c.name)).toEqual(['a-only']);
        expect(await store.listComponents(alice, imageId(8), {}, { limit: 10, offset: 0 })).toBeUndefined();
        expect(
          await store.listComponents(
            alice,
            a.detail.ImageID,
            { name: { values: ['b-'], exact: false } },
            { limit: 10, offset: 0 },
          ),
        ).toStrictEqual({ total: 0, rows: [] });
        // a rescan under one account leaves the other's copy alone
        await store.saveImage(alice, record(7, { VulCnt: 3 }, { components: [] }));
        expect(await store.getImage(bob, b.detail.ImageID)).toStrictEqual(b.detail);
        expect((await store.listComponents(bob, b.detail.ImageID, {}, { limit: 10, offset: 0 }))?.total).toBe(
          2,
        );
        expect((await store.summary(bob, 'UTC')).imageCount).toBe(2);
      });

      it('is atomic: an insert failing midway leaves the previous version whole', async () => {
        const v1 = record(
          9,
          { VulCnt: 1 },
          { components: Array.from({ length: 5000 }, (_, i) => fullComponent(i)) },
        );
        await store.saveImage(alice, v1);
        const broken: Component[] = Array.from({ length: 5000 }, (_, i) => bareComponent(`new-${i}`));
        broken[4000] = { name: null as unknown as string, version: '1', type: 'deb' };
        const v2 = record(
          9,
          { VulCnt: 99, ImageName: 'changed:1' },
          { components: broken, names: ['changed:1'], layers: [] },
        );
        await expect(store.saveImage(alice, v2)).rejects.toThrow();
        expect(await store.getImage(alice, v1.detail.ImageID)).toStrictEqual(v1.detail);
        const comps = await store.listComponents(alice, v1.detail.ImageID, {}, { limit: 10_000, offset: 0 });
        expect(comps?.total).toBe(5000);
        expect(comps?.rows).toStrictEqual(v1.components.map((c) => ({ ...c, imageId: v1.detail.ImageID })));
        expect(await store.listImages(alice, {}, all)).toStrictEqual({ total: 1, rows: [listRow(v1)] });
        expect(await ids(alice, { imageName: { values: ['changed'], exact: false } })).toEqual([]);
        // a new image that fails leaves nothing behind
        const fresh = record(10, {}, { components: [bareComponent('ok'), broken[4000] as Component] });
        await expect(store.saveImage(alice, fresh)).rejects.toThrow();
        expect(await store.getImage(alice, fresh.detail.ImageID)).toBeUndefined();
        expect(
          await store.listComponents(alice, fresh.detail.ImageID, {}, { limit: 10, offset: 0 }),
        ).toBeUndefined();
        // and the store still takes writes
        await store.saveImage(alice, record(10));
        expect(await store.getImage(alice, imageId(10))).toStrictEqual(record(10).detail);
      });
    });

    describe('listImages', () => {
      let images: ImageRecord[];
      let rows: ImageListRow[];

      beforeEach(async () => {
        images = catalog();
        rows = images.map(listRow);
        await saveAll(alice, images);
        await store.saveImage(bob, record(1, { ImageName: 'docker.io/library/nginx:bob' }));
      });

      const expectIds = (pred: (r: ImageListRow) => boolean) =>
        rows
          .filter(pred)
          .map((r) => r.ImageID)
          .sort();

      it('lists every image of the account with every field and ComponentCnt', async () => {
        expect(await store.listImages(alice, {}, all)).toStrictEqual({
          total: 8,
          rows: sortedRows(rows, 'ImageID', 'asc'),
        });
      });

      it('matches ImageName substrings case-insensitively and exact names case-sensitively', async () => {
        expect(await ids(alice, { imageName: { values: ['nginx'], exact: false } })).toEqual(
          expectIds((r) => /nginx/i.test(r.ImageName)),
        );
        expect(await ids(alice, { imageName: { values: ['TEAM/'], exact: false } })).toEqual(
          expectIds((r) => r.ImageName.includes('team/')),
        );
        expect(
          await ids(alice, { imageName: { values: ['docker.io/library/nginx:1.25'], exact: true } }),
        ).toEqual([imageId(1)]);
        expect(
          await ids(alice, { imageName: { values: ['docker.io/library/NGINX:1.25'], exact: true } }),
        ).toEqual([]);
        expect(await ids(alice, { imageName: { values: ['nginx'], exact: true } })).toEqual([]);
        expect(
          await ids(alice, { imageName: { values: ['redis', 'alpine', 'nothing'], exact: false } }),
        ).toEqual([imageId(3), imageId(8)].sort());
      });

      it('matches ImageID, OsName and Keywords', async () => {
        expect(await ids(alice, { imageId: { values: [imageId(3)], exact: true } })).toEqual([imageId(3)]);
        expect(await ids(alice, { imageId: { values: [imageId(3).toUpperCase()], exact: false } })).toEqual([
          imageId(3),
        ]);
        expect(await ids(alice, { imageId: { values: [imageId(3).slice(0, 20)], exact: true } })).toEqual([]);
        expect(await ids(alice, { osName: { values: ['debian'], exact: false } })).toEqual(
          expectIds((r) => r.OsName.startsWith('debian')),
        );
        expect(
          await ids(alice, { osName: { values: ['debian:12.5', 'alpine:3.18.4'], exact: true } }),
        ).toEqual(expectIds((r) => ['debian:12.5', 'alpine:3.18.4'].includes(r.OsName)));
        expect(await ids(alice, { osName: { values: [''], exact: true } })).toEqual([imageId(6)]);
        // Keywords: name or ID
        expect(
          await ids(alice, { keywords: { values: ['redis', imageId(2).slice(-6)], exact: false } }),
        ).toEqual([imageId(2), imageId(8)].sort());
        expect(
          await ids(alice, { keywords: { values: [imageId(4), 'ghcr.io/acme/worker:0.1'], exact: true } }),
        ).toEqual([imageId(4), imageId(7)].sort());
      });

      it('matches ScanStatus values', async () => {
        for (const s of STATUSES) {
          expect(await ids(alice, { scanStatus: [s] })).toEqual(expectIds((r) => r.ScanStatus === s));
        }
        expect(await ids(alice, { scanStatus: ['SCANNED', 'SCAN_ERR'] })).toEqual(
          expectIds((r) => ['SCANNED', 'SCAN_ERR'].includes(r.ScanStatus)),
        );
        expect(await ids(alice, { scanStatus: ['scanned'] })).toEqual([]);
      });

      it('matches SecurityRisk values', async () => {
        const cases: [string, (r: ImageListRow) => boolean][] = [
          ['VulCnt', (r) => r.VulCnt > 0],
          ['RiskCnt', (r) => r.RiskCnt > 0],
          ['VirusCnt', (r) => r.VirusCnt > 0],
          ['IsTrustImage', (r) => !r.IsTrustImage],
          ['CriticalLevelVul', () => false],
          ['HighLevelVul', () => false],
          ['MediumLevelVul', () => false],
          ['LowLevelVul', () => false],
        ];
        for (const [risk, pred] of cases)
          expect(await ids(alice, { securityRisk: [risk] }), risk).toEqual(expectIds(pred));
        expect(await ids(alice, { securityRisk: ['VirusCnt', 'RiskCnt'] })).toEqual(
          expectIds((r) => r.VirusCnt > 0 || r.RiskCnt > 0),
        );
        await expect(store.listImages(alice, { securityRisk: ['Nope'] }, all)).rejects.toThrow(/Nope/);
      });

      it('ANDs filters, ORs values, and ignores a filter without values', async () => {
        const filter: ImageFilter = {
          imageName: { values: ['docker.io', 'registry.example.com'], exact: false },
          osName: { values: ['debian:12.5', 'centos:8.4.2105'], exact: true },
          securityRisk: ['VulCnt', 'RiskCnt'],
          scanStatus: ['NOT_SCAN', 'WAIT_SCAN', 'SCAN_ERR', 'SCANNED'],
        };
        expect(await ids(alice, filter)).toEqual(
          expectIds(
            (r) =>
              (r.ImageName.startsWith('docker.io') || r.ImageName.startsWith('registry.example.com')) &&
              ['debian:12.5', 'centos:8.4.2105'].includes(r.OsName) &&
              (r.VulCnt > 0 || r.RiskCnt > 0) &&
              ['NOT_SCAN', 'WAIT_SCAN', 'SCAN_ERR', 'SCANNED'].includes(r.ScanStatus),
          ),
        );
        const empty: ImageFilter = {
          imageName: { values: [], exact: false },
          imageId: { values: [], exact: true },
          osName: { values: [], exact: false },
          keywords: { values: [], exact: false },
          scanStatus: [],
          securityRisk: [],
        };
        expect((await ids(alice, empty)).length).toBe(8);
        expect(await ids(alice, { ...empty, osName: { values: ['alpine'], exact: false } })).toEqual(
          expectIds((r) => r.OsName.startsWith('alpine')),
        );
      });

      it('matches metacharacters literally', async () => {
        const named = [
          'x/percent%:1',
          'x/percent-free:1',
          'x/under_score:1',
          'x/underscore:1',
          'x/back\\slash:1',
          'x/backslash:1',
          "x/quote'; DROP TABLE images; --:1",
          'x/dot.star.*:1',
          'x/dotstar:1',
          'x/class[a-z]:1',
          'x/classa:1',
          'x/star*glob?:1',
        ].map((n, i) => record(100 + i, { ImageName: n }, { names: [n] }));
        await saveAll(bob, named);
        const find = async (value: string, exact = false) =>
          (await store.listImages(bob, { imageName: { values: [value], exact } }, all)).rows.map(
            (r) => r.ImageName,
          );
        expect(await find('%')).toEqual(['x/percent%:1']);
        expect(await find('T%:')).toEqual(['x/percent%:1']);
        expect(await find('_')).toEqual(['x/under_score:1']);
        expect(await find('\\')).toEqual(['x/back\\slash:1']);
        expect(await find('\\%')).toEqual([]);
        expect(await find("'; DROP TABLE images; --")).toEqual(["x/quote'; DROP TABLE images; --:1"]);
        expect(await find("x/quote'; DROP TABLE images; --:1", true)).toEqual([
          "x/quote'; DROP TABLE images; --:1",
        ]);
        expect(await find('.*')).toEqual(['x/dot.star.*:1']);
        expect(await find('[a-z]')).toEqual(['x/class[a-z]:1']);
        expect(await find('*glob?')).toEqual(['x/star*glob?:1']);
        expect(await find('%', true)).toEqual([]);
        expect(await find('x/percent_:1', true)).toEqual([]);
        expect(await find('X/PERCENT%')).toEqual(['x/percent%:1']);
        expect((await store.listImages(bob, {}, all)).total).toBe(named.length + 1);
        expect((await store.listImages(alice, {}, all)).total).toBe(8);
      });

      it('takes 5,000 values in one filter', async () => {
        const many = (keep: string[], make: (i: number) => string) => [
          ...Array.from({ length: 5000 - keep.length }, (_, i) => make(i)),
          ...keep,
        ];
        expect(
          await ids(alice, {
            imageId: { values: many([imageId(2), imageId(5)], (i) => imageId(10_000 + i)), exact: true },
          }),
        ).toEqual([imageId(2), imageId(5)]);
        expect(
          await ids(alice, {
            imageId: { values: many([imageId(3).slice(-10)], (i) => `zz${i}`), exact: false },
          }),
        ).toEqual([imageId(3)]);
        expect(
          await ids(alice, { imageName: { values: many(['REDIS'], (i) => `none-${i}/%_`), exact: false } }),
        ).toEqual([imageId(8)]);
        expect(
          await ids(alice, { osName: { values: many(['centos:8.4.2105'], (i) => `os:${i}`), exact: true } }),
        ).toEqual([imageId(4)]);
        expect(
          await ids(alice, { keywords: { values: many(['worker'], (i) => `kw-${i}`), exact: false } }),
        ).toEqual([imageId(7)]);
        expect(await ids(alice, { scanStatus: many(['CANCELED'], (i) => `S${i}`) })).toEqual(
          expectIds((r) => r.ScanStatus === 'CANCELED'),
        );
      });

      it.each(SORTABLE_IMAGE_FIELDS)('sorts by %s both ways, ties broken by ImageID', async (by) => {
        for (const order of ['asc', 'desc'] as const) {
          const got = await store.listImages(alice, {}, { limit: 100, offset: 0, by, order });
          expect(
            got.rows.map((r) => r.ImageID),
            order,
          ).toEqual(sortedRows(rows, by, order).map((r) => r.ImageID));
        }
      });

      it('sorts ascending when only `by` is given, and filters before paging', async () => {
        const got = await store.listImages(
          alice,
          { osName: { values: ['debian'], exact: false } },
          { limit: 2, offset: 1, by: 'VulCnt' },
        );
        const want = sortedRows(
          rows.filter((r) => r.OsName.startsWith('debian')),
          'VulCnt',
          'asc',
        );
        expect(got.total).toBe(want.length);
        expect(got.rows).toStrictEqual(want.slice(1, 3));
      });

      it('rejects a sort field outside the whitelist', async () => {
        for (const by of [
          'Nope',
          'image_name',
          '__proto__',
          'constructor',
          'toString',
          'ImageName; DROP TABLE images',
          'BuildHistory',
        ]) {
          await expect(store.listImages(alice, {}, { limit: 10, offset: 0, by }), by).rejects.toThrow(/sort/);
        }
      });

      it('pages: limit 1 walks the list, offsets past the end are empty, total counts all matches', async () => {
        const full = (await store.listImages(alice, {}, { limit: 100, offset: 0, by: 'Size', order: 'desc' }))
          .rows;
        for (let offset = 0; offset < full.length; offset++) {
          const page = await store.listImages(alice, {}, { limit: 1, offset, by: 'Size', order: 'desc' });
          expect(page).toStrictEqual({ total: 8, rows: [full[offset]] });
        }
        expect(
          await store.listImages(alice, {}, { limit: 5, offset: 6, by: 'Size', order: 'desc' }),
        ).toStrictEqual({ total: 8, rows: full.slice(6) });
        expect(await store.listImages(alice, {}, { limit: 10, offset: 8 })).toStrictEqual({
          total: 8,
          rows: [],
        });
        expect(await store.listImages(alice, {}, { limit: 10, offset: 2 ** 31 - 1 })).toStrictEqual({
          total: 8,
          rows: [],
        });
        expect(await store.listImages(alice, {}, { limit: 0, offset: 0 })).toStrictEqual({
          total: 8,
          rows: [],
        });
        expect(
          await store.listImages(alice, { securityRisk: ['VirusCnt'] }, { limit: 1, offset: 0 }),
        ).toMatchObject({ total: 2 });
        await expect(store.listImages(alice, {}, { limit: -1, offset: 0 })).rejects.toThrow();
        await expect(store.listImages(alice, {}, { limit: 10, offset: 1.5 })).rejects.toThrow();
      });

      it('has a stable default order that pages consistently', async () => {
        const first = await store.listImages(alice, {}, { limit: 100, offset: 0 });
        expect(first.total).toBe(8);
        expect((await store.listImages(alice, {}, { limit: 100, offset: 0 })).rows).toStrictEqual(first.rows);
        const paged: ImageListRow[] = [];
        for (let offset = 0; offset < 8; offset += 3)
          paged.push(...(await store.listImages(alice, {}, { limit: 3, offset })).rows);
        expect(paged).toStrictEqual(first.rows);
        const asc = await store.listImages(alice, {}, { limit: 100, offset: 0, order: 'asc' });
        const desc = await store.listImages(alice, {}, { limit: 100, offset: 0, order: 'desc' });
        expect(asc.rows).toStrictEqual([...desc.rows].reverse());
        expect([asc.rows, desc.rows]).toContainEqual(first.rows);
      });
    });

    describe('listComponents', () => {
      const id = imageId(20);
      const components: Component[] = [
        { ...bareComponent('openssl', '3.0.13-1', 'deb'), path: 'var/lib/dpkg/status' },
        { ...bareComponent('musl', '1.2.4-r2', 'apk'), path: 'lib/apk/db/installed' },
        bareComponent('zlib', '1.3', 'deb'),
        { ...bareComponent('OpenSSL-libs', '1:3.0.7-25.el9', 'rpm'), path: 'var/lib/rpm/rpmdb.sqlite' },
        { ...bareComponent('busybox', '1.36.1-r15', 'apk'), path: 'lib/apk/db/installed' },
        { ...bareComponent('openssl', '3.0.11-1', 'deb'), path: 'var/lib/dpkg/status.d/openssl' },
        { ...bareComponent('percent%_lib', '1.0', 'deb'), path: 'a' },
      ];
      const rowsOf = (cs: Component[]) => cs.map((c) => ({ ...c, imageId: id }));

      beforeEach(async () => {
        await store.saveImage(alice, record(20, {}, { components }));
        await store.saveImage(bob, record(20, {}, { components: [bareComponent('openssl', '9.9', 'deb')] }));
      });

      const list = (filter: ComponentFilter, page: Partial<Page> = {}) =>
        store.listComponents(alice, id, filter, { limit: 100, offset: 0, ...page });

      it('lists components as saved, in the order saved', async () => {
        expect(await list({})).toStrictEqual({ total: components.length, rows: rowsOf(components) });
      });

      it('filters by name, version and type, exact or substring', async () => {
        const names = async (f: ComponentFilter) =>
          (await list(f))?.rows.map((c) => `${c.name}@${c.version}`);
        expect(await names({ name: { values: ['openssl'], exact: false } })).toEqual([
          'openssl@3.0.13-1',
          'OpenSSL-libs@1:3.0.7-25.el9',
          'openssl@3.0.11-1',
        ]);
        expect(await names({ name: { values: ['openssl'], exact: true } })).toEqual([
          'openssl@3.0.13-1',
          'openssl@3.0.11-1',
        ]);
        expect(
          await names({
            name: { values: ['openssl'], exact: true },
            version: { values: ['3.0.11'], exact: false },
          }),
        ).toEqual(['openssl@3.0.11-1']);
        expect(await names({ type: { values: ['apk', 'rpm'], exact: true } })).toEqual([
          'musl@1.2.4-r2',
          'OpenSSL-libs@1:3.0.7-25.el9',
          'busybox@1.36.1-r15',
        ]);
        expect(await names({ type: { values: ['AP'], exact: false } })).toEqual([
          'musl@1.2.4-r2',
          'busybox@1.36.1-r15',
        ]);
        expect(await names({ name: { values: ['%_'], exact: false } })).toEqual(['percent%_lib@1.0']);
        expect(await names({ name: { values: ['_'], exact: false } })).toEqual(['percent%_lib@1.0']);
        expect(await names({ name: { values: [], exact: true } })).toHaveLength(components.length);
        expect(
          await names({
            version: {
              values: Array.from({ length: 5000 }, (_, i) => `9.${i}`).concat(['1.3']),
              exact: true,
            },
          }),
        ).toEqual(['zlib@1.3']);
        expect(
          await names({
            name: { values: Array.from({ length: 5000 }, (_, i) => `x${i}`).concat(['BUSY']), exact: false },
          }),
        ).toEqual(['busybox@1.36.1-r15']);
      });

      it.each(SORTABLE_COMPONENT_FIELDS)('sorts by %s both ways, ties in saved order', async (by) => {
        const key = (c: Component): string =>
          by === 'Name' ? c.name : by === 'Version' ? c.version : by === 'Type' ? c.type : (c.path ?? '');
        for (const order of ['asc', 'desc'] as const) {
          const sign = order === 'asc' ? 1 : -1;
          const want = components
            .map((c, i) => ({ c, i }))
            .sort((a, b) => sign * (compare(key(a.c), key(b.c)) || a.i - b.i))
            .map(({ c }) => ({ ...c, imageId: id }));
          expect((await list({}, { by, order }))?.rows, order).toStrictEqual(want);
        }
      });

      it('rejects a sort field outside the whitelist', async () => {
        for (const by of ['VulCount', 'name', '__proto__', 'Name desc']) {
          await expect(list({}, { by }), by).rejects.toThrow(/sort/);
        }
      });

      it('pages and counts', async () => {
        expect(await list({}, { limit: 2, offset: 2 })).toStrictEqual({
          total: components.length,
          rows: rowsOf(components.slice(2, 4)),
        });
        expect(await list({}, { limit: 1, offset: components.length - 1 })).toStrictEqual({
          total: components.length,
          rows: rowsOf(components.slice(-1)),
        });
        expect(await list({}, { limit: 10, offset: components.length })).toStrictEqual({
          total: components.length,
          rows: [],
        });
        expect(await list({ type: { values: ['deb'], exact: true } }, { limit: 1, offset: 0 })).toMatchObject(
          { total: 4 },
        );
      });

      it('answers undefined for an image the account does not have, and empty for an image without components', async () => {
        expect(await store.listComponents(alice, imageId(21), {}, { limit: 10, offset: 0 })).toBeUndefined();
        await store.saveImage(alice, record(21));
        expect(await store.listComponents(alice, imageId(21), {}, { limit: 10, offset: 0 })).toStrictEqual({
          total: 0,
          rows: [],
        });
      });

      it('round-trips 5,000 components with every field', async () => {
        const many = Array.from({ length: 5000 }, (_, i) =>
          i % 3 ? fullComponent(i) : bareComponent(`bare-${i}`, `${i}`, 'apk'),
        );
        await store.saveImage(alice, record(22, {}, { components: many }));
        const got = await store.listComponents(alice, imageId(22), {}, { limit: 5000, offset: 0 });
        expect(got?.total).toBe(5000);
        expect(got?.rows).toStrictEqual(many.map((c) => ({ ...c, imageId: imageId(22) })));
        const filtered = await store.listComponents(
          alice,
          imageId(22),
          { name: { values: ['lib-49'], exact: false } },
          { limit: 5, offset: 0, by: 'Name', order: 'desc' },
        );
        const matching = many.filter((c) => c.name.includes('lib-49'));
        expect(filtered?.total).toBe(matching.length);
        expect(filtered?.rows.map((c) => c.name)).toEqual(
          matching
            .map((c) => c.name)
            .sort()
            .reverse()
            .slice(0, 5),
        );
        expect(
          (await store.listImages(alice, { imageId: { values: [imageId(22)], exact: true } }, all)).rows[0]
            ?.ComponentCnt,
        ).toBe(5000);
      });
    });

    describe('summary', () => {
      it('is all zeros for an account without images', async () => {
        await store.saveImage(bob, record(1));
        expect(await store.summary(alice, 'UTC')).toStrictEqual({
          imageCount: 0,
          scannedCount: 0,
          unscannedCount: 0,
          withVuls: 0,
          withRisks: 0,
          withVirus: 0,
          untrusted: 0,
          unsafe: 0,
          todayNew: 0,
          todayUnsafe: 0,
          latestScanTime: '',
          containerCount: 0,
          hostCount: 0,
          superNodeCount: 0,
        });
      });

      it('counts the account images by state and risk; all were stored today in every zone', async () => {
        const images = catalog();
        await saveAll(alice, images);
        await store.saveImage(
          bob,
          record(99, { ScanTime: '2099-01-01 00:00:00', VulCnt: 5, ContainerCnt: 1000 }),
        );
        const d = images.map((r) => r.detail);
        const unsafe = d.filter(
          (x) => x.VulCnt > 0 || x.RiskCnt > 0 || x.VirusCnt > 0 || !x.IsTrustImage,
        ).length;
        const scanned = d.filter((x) => x.ScanStatus === 'SCANNED').length;
        for (const zone of [
          'UTC',
          'Asia/Shanghai',
          'America/Los_Angeles',
          'Pacific/Kiritimati',
          'Etc/GMT+12',
        ]) {
          expect(await store.summary(alice, zone), zone).toStrictEqual({
            imageCount: 8,
            scannedCount: scanned,
            unscannedCount: 8 - scanned,
            withVuls: d.filter((x) => x.VulCnt > 0).length,
            withRisks: d.filter((x) => x.RiskCnt > 0).length,
            withVirus: d.filter((x) => x.VirusCnt > 0).length,
            untrusted: d.filter((x) => !x.IsTrustImage).length,
            unsafe,
            todayNew: 8,
            todayUnsafe: unsafe,
            latestScanTime: d
              .map((x) => x.ScanTime)
              .sort()
              .at(-1),
            containerCount: d.reduce((s, x) => s + x.ContainerCnt, 0),
            hostCount: Math.max(...d.map((x) => x.HostCnt)),
            superNodeCount: Math.max(...d.map((x) => x.SuperNodeCnt)),
          });
        }
      });

      it('rejects an unknown time zone', async () => {
        await expect(store.summary(alice, 'Mars/Olympus_Mons')).rejects.toThrow(RangeError);
      });
    });

    describe('vulnerabilities', () => {
      const allV: Page = { limit: 1000, offset: 0 };
      const vuln = (i: number, level: number, component = `pkg-${i}`, version = '1.0'): VulnerabilityRow => ({
        advisoryId: `DSA-${i}`,
        cveId: `CVE-2024-${1000 + i}`,
        aliases: [`CVE-2024-${1000 + i}`],
        name: `flaw ${i} in ${component}`,
        component,
        version,
        componentType: 'deb',
        purl: `pkg:deb/debian/${component}@${version}`,
        fixedVersions: i % 2 ? [] : [`${version}-1`],
        level,
        cvss3Score: level * 2 + 0.5,
        cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        description: 'd',
        references: [`https://example.org/${i}`],
        officialSolution: i % 2 ? '' : `upgrade ${component} to ${version}-1`,
        submitTime: '2024-01-01 00:00:00',
        tags: i % 2 ? [] : ['CanBeFixed'],
        category: 'os',
        unfixed: i % 2 === 1,
      });

      it('are saved with the image, drive VulCnt and the level counts, and are replaced by re-matching', async () => {
        const rows = [vuln(1, 4), vuln(2, 3), vuln(3, 3), vuln(4, 1, 'pkg-1', '1.0')];
        await store.saveImage(alice, { ...record(1), vulnerabilities: rows });
        expect((await store.getImage(alice, imageId(1)))?.VulCnt).toBe(4);
        const listed = await store.listImages(alice, {}, all);
        expect(listed.rows[0]).toMatchObject({
          VulCnt: 4,
          CriticalLevelVulCnt: 1,
          HighLevelVulCnt: 2,
          MediumLevelVulCnt: 0,
          LowLevelVulCnt: 1,
        });
        const got = await store.listVulnerabilities(alice, imageId(1), {}, allV);
        expect(got?.total).toBe(4);
        expect(got?.rows.map((r) => r.level)).toEqual([4, 3, 3, 1]);
        expect(got?.rows[0]).toEqual(rows[0]);
        expect(await store.componentVulCounts(alice, imageId(1))).toEqual(
          new Map([
            ['pkg-1\u00001.0', 2],
            ['pkg-2\u00001.0', 1],
            ['pkg-3\u00001.0', 1],
          ]),
        );
        expect(
          await store.replaceVulnerabilities(alice.uin, imageId(1), [vuln(9, 2)], {
            reason: 'r',
            solution: 's',
          }),
        ).toBe(true);
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          VulCnt: 1,
          Reason: 'r',
          Solution: 's',
        });
        expect(
          (await store.listVulnerabilities(alice, imageId(1), {}, allV))?.rows.map((r) => r.advisoryId),
        ).toEqual(['DSA-9']);
        expect(
          await store.replaceVulnerabilities(alice.uin, imageId(99), [], { reason: '', solution: '' }),
        ).toBe(false);
        await store.saveImage(alice, { ...record(1), vulnerabilities: [] });
        expect((await store.listVulnerabilities(alice, imageId(1), {}, allV))?.total).toBe(0);
      });

      it('re-matching to the same rows keeps them and still updates Reason and Solution', async () => {
        const rows = [vuln(1, 4), vuln(2, 3)];
        await store.saveImage(alice, { ...record(1), vulnerabilities: rows });
        expect(
          await store.replaceVulnerabilities(alice.uin, imageId(1), rows, {
            reason: 'again',
            solution: 'same',
          }),
        ).toBe(true);
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          VulCnt: 2,
          Reason: 'again',
          Solution: 'same',
        });
        expect((await store.listVulnerabilities(alice, imageId(1), {}, allV))?.rows).toEqual(rows);
        const changed = [{ ...rows[0]!, fixedVersions: ['9.9-1'] }, rows[1]!];
        await store.replaceVulnerabilities(alice.uin, imageId(1), changed, { reason: 'r', solution: 's' });
        expect((await store.listVulnerabilities(alice, imageId(1), {}, allV))?.rows).toEqual(changed);
        await store.saveImage(alice, record(1));
        await store.replaceVulnerabilities(alice.uin, imageId(1), changed, { reason: 'r', solution: 's' });
        expect((await store.listVulnerabilities(alice, imageId(1), {}, allV))?.rows).toEqual(changed);
      });

      it('filter by level and name, sort and page, and stay within the account', async () => {
        const rows = [vuln(1, 4), vuln(2, 3), vuln(3, 2), vuln(4, 1)];
        await store.saveImage(alice, { ...record(1), vulnerabilities: rows });
        await store.saveImage(bob, { ...record(1), vulnerabilities: [vuln(7, 1)] });
        const list = (f: VulnerabilityFilter, p: Page = allV) =>
          store.listVulnerabilities(alice, imageId(1), f, p);
        expect((await list({ level: [3, 4] }))?.rows.map((r) => r.level)).toEqual([4, 3]);
        expect(
          (await list({ name: { values: ['FLAW 2'], exact: false } }))?.rows.map((r) => r.advisoryId),
        ).toEqual(['DSA-2']);
        expect((await list({ name: { values: ['CVE-2024-1003'], exact: true } }))?.total).toBe(1);
        expect(
          (await list({}, { limit: 2, offset: 1, by: 'Level', order: 'asc' }))?.rows.map((r) => r.level),
        ).toEqual([2, 3]);
        expect((await list({ name: { values: ['%'], exact: false } }))?.total).toBe(0);
        expect(
          (await store.listVulnerabilities(bob, imageId(1), {}, allV))?.rows.map((r) => r.advisoryId),
        ).toEqual(['DSA-7']);
        expect(await store.listVulnerabilities(bob, imageId(2), {}, allV)).toBeUndefined();
        await expect(list({}, { ...allV, by: 'Nope' })).rejects.toThrow(/cannot sort/);
      });

      it('hand out every stored index, page by page, across accounts', async () => {
        for (let i = 1; i <= 5; i++) await store.saveImage(i % 2 ? alice : bob, record(i));
        const seen: string[] = [];
        let after: { uin: string; imageId: string } | undefined;
        for (;;) {
          const page = await store.storedIndexes(after, 2);
          if (page.length === 0) break;
          for (const p of page) seen.push(`${p.uin}/${p.imageId}/${p.components.length}`);
          after = { uin: page.at(-1)!.uin, imageId: page.at(-1)!.imageId };
        }
        expect(seen).toHaveLength(5);
        expect(new Set(seen).size).toBe(5);
      });
    });

    describe('risks and viruses', () => {
      const allR: Page = { limit: 1000, offset: 0 };
      const risk = (i: number, over: Partial<RiskRow> = {}): RiskRow => ({
        type: 1,
        behavior: 4,
        level: 2,
        rule: `rule.${i}`,
        desc: `risk ${i}`,
        instruction: `RUN step ${i}`,
        solution: `change step ${i}`,
        ...over,
      });
      const secret = (i: number, level: 1 | 2 | 3 | 4 = 4): RiskRow =>
        risk(i, {
          type: 2,
          behavior: 3,
          level,
          rule: 'secret.aws-access-key-id',
          instruction: `etc/app.env:${i}: AWS_ACCESS_KEY_ID=AKIA…`,
          solution: 'delete etc/app.env and rotate the key',
          path: 'etc/app.env',
          layer: `sha256:${'c'.repeat(64)}`,
          masked: 'AKIA…',
          secretHash: `sha256:${String(i).repeat(64).slice(0, 64)}`,
        });
      const virus = (i: number, over: Partial<VirusFinding> = {}): VirusFinding => ({
        path: `opt/bin/tool-${i}`,
        fileName: `tool-${i}`,
        md5: String(i).repeat(32).slice(0, 32),
        size: 1000 * i,
        virusName: `Win.Trojan.Agent-${i}`,
        level: 4,
        category: 'trojan',
        tags: ['trojan'],
        desc: `trojan ${i}`,
        solution: `delete opt/bin/tool-${i}`,
        engine: 'builtin',
        ...over,
      });

      it('are saved with the image, drive RiskCnt, SensitiveInfoCnt and VirusCnt, and round-trip', async () => {
        const risks = [risk(1), secret(2), risk(3, { historyIndex: 0, level: 3 }), secret(4, 1)];
        const viruses = [
          virus(1),
          virus(2, { layer: `sha256:${'d'.repeat(64)}`, engine: 'clamd', tags: [] }),
        ];
        await store.saveImage(alice, { ...record(1), risks, viruses });
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          RiskCnt: 4,
          SensitiveInfoCnt: 2,
          VirusCnt: 2,
        });
        const got = await store.listRisks(alice, imageId(1), {}, { ...allR, by: 'Level', order: 'asc' });
        expect(got?.total).toBe(4);
        expect(new Set(got?.rows)).toEqual(new Set(risks));
        const v = await store.listViruses(alice, imageId(1), {}, allR);
        expect(v?.rows).toEqual(
          viruses.map((x) => ({
            ...x,
            firstScanTime: '2024-05-06 07:08:09',
            latestScanTime: '2024-05-06 07:08:09',
          })),
        );
        const listed = await store.listImages(alice, { securityRisk: ['VirusCnt'] }, all);
        expect(listed.rows.map((r) => [r.RiskCnt, r.SensitiveInfoCnt, r.VirusCnt])).toEqual([[4, 2, 2]]);
      });

      it('are replaced by the next save; without them the detail counts stand and no rows stay', async () => {
        await store.saveImage(alice, { ...record(1), risks: [risk(1), secret(2)], viruses: [virus(1)] });
        await store.saveImage(alice, { ...record(1), risks: [risk(3)], viruses: [] });
        expect((await store.listRisks(alice, imageId(1), {}, allR))?.rows).toEqual([risk(3)]);
        expect((await store.listViruses(alice, imageId(1), {}, allR))?.total).toBe(0);
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          RiskCnt: 1,
          SensitiveInfoCnt: 0,
          VirusCnt: 0,
        });
        await store.saveImage(alice, record(1, { RiskCnt: 0, SensitiveInfoCnt: 0, VirusCnt: 0 }));
        expect((await store.listRisks(alice, imageId(1), {}, allR))?.total).toBe(0);
        expect(await store.getImage(alice, imageId(1))).toMatchObject({ RiskCnt: 0, VirusCnt: 0 });
      });

      it('keep FirstScanTime of a file found again, and start it for a new one', async () => {
        const at = (t: string) => record(1, { ScanTime: t });
        await store.saveImage(alice, { ...at('2024-01-01 00:00:00'), viruses: [virus(1), virus(2)] });
        await store.saveImage(alice, { ...at('2024-02-01 00:00:00'), viruses: [virus(1)] });
        await store.saveImage(alice, {
          ...at('2024-03-01 00:00:00'),
          viruses: [virus(1), virus(2), virus(1, { md5: 'f'.repeat(32) })],
        });
        const v = await store.listViruses(alice, imageId(1), {}, { ...allR, by: 'FirstScanTime' });
        expect(
          v?.rows.map((r) => [r.virusName, r.md5.slice(0, 1), r.firstScanTime, r.latestScanTime]),
        ).toEqual([
          ['Win.Trojan.Agent-1', '1', '2024-01-01 00:00:00', '2024-03-01 00:00:00'],
          ['Win.Trojan.Agent-2', '2', '2024-03-01 00:00:00', '2024-03-01 00:00:00'],
          ['Win.Trojan.Agent-1', 'f', '2024-03-01 00:00:00', '2024-03-01 00:00:00'],
        ]);
        // another account's copy of the same image keeps its own times
        await store.saveImage(bob, { ...at('2025-01-01 00:00:00'), viruses: [virus(1)] });
        expect((await store.listViruses(bob, imageId(1), {}, allR))?.rows[0]?.firstScanTime).toBe(
          '2025-01-01 00:00:00',
        );
      });

      it('risk list: filter by level, behavior and type, sort, page, and stay within the account', async () => {
        const risks = [
          risk(1, { level: 1, behavior: 1, path: 'b' }),
          secret(2, 4),
          risk(3, { level: 3, behavior: 2 }),
          secret(4, 2),
          risk(5, { level: 4, behavior: 4, path: 'a' }),
        ];
        await store.saveImage(alice, { ...record(1), risks });
        await store.saveImage(bob, { ...record(1), risks: [risk(9)] });
        const list = async (f: RiskFilter, p: Page = allR) => {
          const r = await store.listRisks(alice, imageId(1), f, p);
          return r?.rows.map((x) => x.rule.replace('secret.aws-access-key-id', `s${x.level}`));
        };
        expect(await list({})).toEqual(['s4', 'rule.5', 'rule.3', 's2', 'rule.1']);
        expect(await list({ level: [4, 1] })).toEqual(['s4', 'rule.5', 'rule.1']);
        expect(await list({ type: [2] })).toEqual(['s4', 's2']);
        expect(await list({ behavior: [1, 2] })).toEqual(['rule.3', 'rule.1']);
        expect(await list({ type: [1], behavior: [3] })).toEqual([]);
        expect(await list({}, { ...allR, by: 'Level', order: 'asc' })).toEqual([
          'rule.1',
          's2',
          'rule.3',
          's4',
          'rule.5',
        ]);
        expect(await list({}, { limit: 2, offset: 1, by: 'Behavior', order: 'desc' })).toEqual(['s4', 's2']);
        expect(await list({}, { ...allR, by: 'Path' })).toEqual(['rule.3', 'rule.5', 'rule.1', 's4', 's2']);
        const paged = await store.listRisks(alice, imageId(1), { type: [1] }, { limit: 1, offset: 5 });
        expect(paged).toEqual({ total: 3, rows: [] });
        expect((await store.listRisks(bob, imageId(1), {}, allR))?.rows).toEqual([risk(9)]);
        expect(await store.listRisks(bob, imageId(2), {}, allR)).toBeUndefined();
        expect(await store.listRisks(alice, imageId(1), {}, allR)).toMatchObject({ total: 5 });
        await expect(store.listRisks(alice, imageId(1), {}, { ...allR, by: 'Nope' })).rejects.toThrow(
          /cannot sort/,
        );
      });

      it('virus list: filter by name and risk level, sort, page, and stay within the account', async () => {
        const viruses = [
          virus(1, { level: 2, virusName: 'Eicar-Test-Signature', fileName: 'eicar.com', size: 68 }),
          virus(2, { level: 4 }),
          virus(3, { level: 3, fileName: 'miner_50%.bin' }),
        ];
        await store.saveImage(alice, { ...record(1), viruses });
        await store.saveImage(bob, { ...record(1), viruses: [virus(9)] });
        const list = async (f: VirusFilter, p: Page = allR) =>
          (await store.listViruses(alice, imageId(1), f, p))?.rows.map((x) => x.fileName);
        expect(await list({})).toEqual(['tool-2', 'miner_50%.bin', 'eicar.com']);
        expect(await list({ name: { values: ['EICAR'], exact: false } })).toEqual(['eicar.com']);
        expect(await list({ name: { values: ['trojan.agent'], exact: false } })).toEqual([
          'tool-2',
          'miner_50%.bin',
        ]);
        expect(await list({ name: { values: ['50%'], exact: false } })).toEqual(['miner_50%.bin']);
        expect(await list({ name: { values: ['%'], exact: false } })).toEqual(['miner_50%.bin']);
        expect(await list({ name: { values: ['_'], exact: false } })).toEqual(['miner_50%.bin']);
        expect(await list({ name: { values: ['eicar.com'], exact: true } })).toEqual(['eicar.com']);
        expect(await list({ name: { values: ['EICAR.COM'], exact: true } })).toEqual([]);
        expect(await list({ riskLevel: [2, 3] })).toEqual(['miner_50%.bin', 'eicar.com']);
        expect(await list({}, { ...allR, by: 'Size', order: 'desc' })).toEqual([
          'miner_50%.bin',
          'tool-2',
          'eicar.com',
        ]);
        expect(await list({}, { limit: 1, offset: 1, by: 'Size' })).toEqual(['tool-2']);
        expect((await store.listViruses(alice, imageId(1), { riskLevel: [4] }, allR))?.total).toBe(1);
        expect((await store.listViruses(bob, imageId(1), {}, allR))?.rows.map((r) => r.fileName)).toEqual([
          'tool-9',
        ]);
        expect(await store.listViruses(alice, imageId(2), {}, allR)).toBeUndefined();
        await expect(store.listViruses(alice, imageId(1), {}, { ...allR, by: 'Nope' })).rejects.toThrow(
          /cannot sort/,
        );
      });
    });

    describe('layers and component ranking', () => {
      const L = (c: string) => `sha256:${c.repeat(64)}`;
      const row = (
        advisoryId: string,
        level: number,
        component: string,
        version: string,
        componentType = 'deb',
        fixedVersions: string[] = [],
      ): VulnerabilityRow => ({
        advisoryId,
        cveId: advisoryId.replace(/^DSA/, 'CVE'),
        aliases: [],
        name: `${advisoryId} in ${component}`,
        component,
        version,
        componentType,
        purl: `pkg:${componentType}/${component}@${version}`,
        fixedVersions,
        level,
        cvss3Score: level * 2,
        cvss3Vector: '',
        description: 'd',
        references: [],
        officialSolution: '',
        submitTime: '2024-01-01 00:00:00',
        tags: fixedVersions.length ? ['CanBeFixed'] : [],
        category: 'os',
        unfixed: fixedVersions.length === 0,
      });

      it('listLayers: bottom first, with the build step where saved, and only for the account', async () => {
        const layers = [
          { diffID: L('a'), size: 10, historyIndex: 0 },
          { diffID: L('b'), size: 2 ** 40 },
          { diffID: L('a'), size: 30, historyIndex: 4 },
        ];
        await store.saveImage(alice, record(1, {}, { layers }));
        expect(await store.listLayers(alice, imageId(1))).toEqual([
          { diffID: L('a'), size: 10, historyIndex: 0 },
          { diffID: L('b'), size: 2 ** 40, historyIndex: null },
          { diffID: L('a'), size: 30, historyIndex: 4 },
        ]);
        expect(await store.listLayers(bob, imageId(1))).toBeUndefined();
        expect(await store.listLayers(alice, imageId(2))).toBeUndefined();
        // a rescan replaces them; an image without layers has none
        await store.saveImage(alice, record(1, {}, { layers: [{ diffID: L('c'), size: 1 }] }));
        expect(await store.listLayers(alice, imageId(1))).toEqual([
          { diffID: L('c'), size: 1, historyIndex: null },
        ]);
        await store.saveImage(bob, record(1, {}, { layers: [] }));
        expect(await store.listLayers(bob, imageId(1))).toEqual([]);
        // registerImage keeps them too
        expect(
          await store.registerImage(
            alice,
            record(3, {}, { layers: [{ diffID: L('d'), size: 5, historyIndex: 2 }] }),
          ),
        ).toBe(true);
        expect(await store.listLayers(alice, imageId(3))).toEqual([
          { diffID: L('d'), size: 5, historyIndex: 2 },
        ]);
      });

      it('listVulnerabilities: each row carries the bottom-most layer of its component', async () => {
        const layers = [L('0'), L('1'), L('2')].map((diffID) => ({ diffID, size: 1 }));
        const components = [
          { ...bareComponent('openssl', '3.0', 'deb'), layer: L('2') },
          { ...bareComponent('openssl', '3.0', 'deb'), layer: L('1') },
          // same name and version, another type: not the deb row's component
          { ...bareComponent('openssl', '3.0', 'npm'), layer: L('0') },
          { ...bareComponent('zlib', '1.2', 'deb'), layer: L('9') },
          bareComponent('curl', '8.0', 'deb'),
          { ...bareComponent('libc', '2.36', 'deb'), layer: L('2') },
        ];
        const vulnerabilities = [
          row('DSA-1', 4, 'openssl', '3.0'),
          row('DSA-2', 3, 'openssl', '3.0', 'npm'),
          row('DSA-3', 3, 'openssl', '3.0', ''),
          row('DSA-4', 2, 'zlib', '1.2'),
          row('DSA-5', 2, 'curl', '8.0'),
          row('DSA-6', 1, 'libc', '2.35'),
          row('DSA-7', 1, 'absent', '1'),
        ];
        await store.saveImage(alice, { ...record(1, {}, { layers, components }), vulnerabilities });
        await store.saveImage(bob, {
          ...record(1, {}, { layers, components: [{ ...bareComponent('openssl', '3.0'), layer: L('0') }] }),
          vulnerabilities: [row('DSA-1', 4, 'openssl', '3.0')],
        });
        const got = await store.listVulnerabilities(alice, imageId(1), {}, { limit: 100, offset: 0 });
        expect(got?.rows.map((r) => [r.advisoryId, r.layer])).toEqual([
          ['DSA-1', L('1')],
          ['DSA-2', L('0')],
          // a row without a type takes any component of that name and version
          ['DSA-3', L('0')],
          // a layer the image's list lacks is still the component's
          ['DSA-4', L('9')],
          ['DSA-5', undefined],
          ['DSA-6', undefined],
          ['DSA-7', undefined],
        ]);
        // the layer is read, never part of the row as saved
        expect(got?.rows.map(({ layer: _, ...r }) => r)).toEqual(vulnerabilities);
        const paged = await store.listVulnerabilities(
          alice,
          imageId(1),
          { level: [3, 4] },
          {
            limit: 1,
            offset: 1,
            by: 'CVEID',
            order: 'desc',
          },
        );
        expect(paged?.rows.map((r) => [r.advisoryId, r.layer])).toEqual([['DSA-2', L('0')]]);
        const theirs = await store.listVulnerabilities(bob, imageId(1), {}, { limit: 100, offset: 0 });
        expect(theirs?.rows.map((r) => r.layer)).toEqual([L('0')]);
      });

      describe('topVulnerableComponents', () => {
        const top = (
          account: Account,
          filter: ComponentTopFilter = {},
          page: Partial<Parameters<Store['topVulnerableComponents']>[2]> = {},
        ) => store.topVulnerableComponents(account, filter, { limit: 100, offset: 0, ...page });
        const keys = (r: { rows: ComponentTopRow[] }) =>
          r.rows.map((x) => `${x.name}@${x.version}/${x.type}`);

        beforeEach(async () => {
          // two images share openssl 3.0; DSA-1 is on both, DSA-9 twice in one image (two paths)
          await store.saveImage(alice, {
            ...record(1),
            vulnerabilities: [
              row('DSA-1', 4, 'openssl', '3.0', 'deb', ['3.0-2']),
              row('DSA-2', 3, 'openssl', '3.0', 'deb', ['3.0-1', '3.1']),
              row('DSA-5', 1, 'zlib', '1.2'),
              row('DSA-9', 2, 'lodash', '4.17.20', 'npm'),
              row('DSA-9', 2, 'lodash', '4.17.20', 'npm'),
            ],
          });
          await store.saveImage(alice, {
            ...record(2),
            vulnerabilities: [
              row('DSA-1', 4, 'openssl', '3.0', 'deb', ['3.0-2']),
              row('DSA-3', 2, 'openssl', '3.0', 'deb'),
              row('DSA-4', 3, 'openssl', '1.1', 'deb', ['1.1-9']),
              row('DSA-6', 1, 'zlib', '1.2'),
              row('DSA-7', 4, 'OpenSSL', '3.0', 'rpm'),
            ],
          });
          await store.saveImage(alice, { ...record(3), vulnerabilities: [] });
          // another account: many more, none of which alice may see
          await store.saveImage(bob, {
            ...record(1),
            vulnerabilities: [1, 2, 3, 4, 5, 6].map((i) => row(`DSA-${100 + i}`, 4, 'openssl', '3.0')),
          });
        });

        it('counts distinct advisories per level and distinct images, within the account', async () => {
          const r = await top(alice);
          expect(r.total).toBe(5);
          expect(r.rows[0]).toEqual({
            name: 'openssl',
            version: '3.0',
            type: 'deb',
            vulCount: 3,
            criticalVulCount: 1,
            highVulCount: 1,
            mediumVulCount: 1,
            lowVulCount: 0,
            imageCount: 2,
            fixedVersion: '3.0-1',
          });
          expect(r.rows.find((x) => x.name === 'zlib')).toEqual({
            name: 'zlib',
            version: '1.2',
            type: 'deb',
            vulCount: 2,
            criticalVulCount: 0,
            highVulCount: 0,
            mediumVulCount: 0,
            lowVulCount: 2,
            imageCount: 2,
            fixedVersion: '',
          });
          expect(r.rows.find((x) => x.name === 'lodash')).toMatchObject({
            vulCount: 1,
            mediumVulCount: 1,
            imageCount: 1,
          });
          // default: VulCount desc, then ImageCount desc, then name, version, type ascending
          expect(keys(r)).toEqual([
            'openssl@3.0/deb',
            'zlib@1.2/deb',
            'OpenSSL@3.0/rpm',
            'lodash@4.17.20/npm',
            'openssl@1.1/deb',
          ]);
          const b = await top(bob);
          expect([b.total, b.rows[0]?.vulCount, b.rows[0]?.imageCount]).toEqual([1, 6, 1]);
          expect(await top({ appId: 1, uin: 'nobody' })).toEqual({ total: 0, rows: [] });
        });

        it('sorts by each field either way, ties broken the same way every time', async () => {
          expect(keys(await top(alice, {}, { by: 'VulCount', order: 'asc' }))).toEqual([
            'OpenSSL@3.0/rpm',
            'lodash@4.17.20/npm',
            'openssl@1.1/deb',
            'zlib@1.2/deb',
            'openssl@3.0/deb',
          ]);
          expect(keys(await top(alice, {}, { by: 'CriticalVulCount' }))).toEqual([
            'openssl@3.0/deb',
            'OpenSSL@3.0/rpm',
            'zlib@1.2/deb',
            'lodash@4.17.20/npm',
            'openssl@1.1/deb',
          ]);
          expect(keys(await top(alice, {}, { by: 'HighVulCount', order: 'desc' })).slice(0, 2)).toEqual([
            'openssl@3.0/deb',
            'openssl@1.1/deb',
          ]);
          expect(keys(await top(alice, {}, { by: 'ImageCount', order: 'asc' }))).toEqual([
            'OpenSSL@3.0/rpm',
            'lodash@4.17.20/npm',
            'openssl@1.1/deb',
            'openssl@3.0/deb',
            'zlib@1.2/deb',
          ]);
          await expect(top(alice, {}, { by: 'Nope' as never })).rejects.toThrow(/cannot sort/);
        });

        it('filters by name and type, exact or substring, and pages with the total of all matches', async () => {
          expect(keys(await top(alice, { name: { values: ['openssl'], exact: false } }))).toEqual([
            'openssl@3.0/deb',
            'OpenSSL@3.0/rpm',
            'openssl@1.1/deb',
          ]);
          expect(keys(await top(alice, { name: { values: ['openssl'], exact: true } }))).toEqual([
            'openssl@3.0/deb',
            'openssl@1.1/deb',
          ]);
          expect(
            keys(
              await top(alice, {
                name: { values: ['ssl'], exact: false },
                type: { values: ['rpm'], exact: true },
              }),
            ),
          ).toEqual(['OpenSSL@3.0/rpm']);
          expect(keys(await top(alice, { type: { values: ['NP', 'rp'], exact: false } }))).toEqual([
            'OpenSSL@3.0/rpm',
            'lodash@4.17.20/npm',
          ]);
          expect(await top(alice, { name: { values: ['%'], exact: false } })).toEqual({ total: 0, rows: [] });
          expect((await top(alice, { name: { values: [], exact: true } })).total).toBe(5);
          const all = keys(await top(alice));
          const walked: string[] = [];
          for (let offset = 0; offset < 6; offset++) {
            const p = await top(alice, {}, { limit: 1, offset });
            expect(p.total).toBe(5);
            walked.push(...keys(p));
          }
          expect(walked).toEqual(all);
          const two = await top(alice, {}, { limit: 2, offset: 2 });
          expect([two.total, keys(two)]).toEqual([5, all.slice(2, 4)]);
          expect(await top(alice, {}, { offset: 9 })).toEqual({ total: 5, rows: [] });
          const filtered = await top(
            alice,
            { type: { values: ['deb'], exact: true } },
            { limit: 1, offset: 1 },
          );
          expect([filtered.total, keys(filtered)]).toEqual([3, ['zlib@1.2/deb']]);
        });
      });
    });
  });
}
