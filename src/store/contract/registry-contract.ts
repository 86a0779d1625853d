import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistrySettings, SyncedTag } from '../registries.js';
import type { Store } from '../store.js';
import { alice, bob, imageId, record } from './fixtures.js';

const T0 = 1_700_000_000_000;
const everything = { limit: 1000, offset: 0 };

const settings = (name: string, more: Partial<RegistrySettings> = {}): RegistrySettings => ({
  name,
  type: 'harbor',
  url: 'https://registry.example.com:5000',
  host: 'registry.example.com:5000',
  username: 'robot',
  sealedPassword: 'v1:sealed-a',
  netType: 'public',
  region: 'default',
  version: 'V2',
  speedLimit: 100,
  insecure: false,
  syncMode: 0,
  needScan: false,
  instanceId: '',
  ...more,
});

const info = (n: number, createTime = '2024-01-01 00:00:00') => ({
  imageId: imageId(n),
  size: 1000 + n,
  createTime,
  architecture: 'amd64',
});

const tag = (repository: string, t: string, n: number, withInfo = true, createTime?: string): SyncedTag => ({
  repository,
  tag: t,
  digest: `sha256:${(0xd00 + n).toString(16).padStart(64, '0')}`,
  ...(withInfo ? { image: info(n, createTime) } : {}),
});

/**
 * Runs the RegistryStore contract (src/store/registries.ts) against `make()`, which returns a new,
 * empty, not yet migrated store.
 */
export function registryContract(name: string, make: () => Promise<Store>): void {
  describe(`RegistryStore contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await make();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    it('adds registries with ids per account, refuses a repeated name, gets, updates and removes', async () => {
      const r = store.registries;
      const a = await r.addRegistry(alice, settings('one'));
      const b = await r.addRegistry(alice, settings('two', { insecure: true, syncMode: 1, needScan: true }));
      expect(a).toBe(1);
      expect(b).toBe(2);
      expect(await r.addRegistry(alice, settings('one', { url: 'https://other' }))).toBeUndefined();
      expect(await r.addRegistry(bob, settings('one'))).toBe(1);

      const got = await r.getRegistry(alice, 2);
      expect(got).toMatchObject({
        ...settings('two', { insecure: true, syncMode: 1, needScan: true }),
        id: 2,
        connectStatus: '',
        syncStatus: '',
      });
      expect(got?.latestSyncMs).toBeUndefined();
      expect((await r.registryByName(alice, 'one'))?.id).toBe(1);
      expect(await r.registryByName(alice, 'nope')).toBeUndefined();

      // the password is kept when the update gives none, replaced when it gives one
      const { sealedPassword: _, ...rest } = settings('one-renamed', { username: 'other' });
      expect(await r.updateRegistry(alice, 1, rest)).toBe('updated');
      expect(await r.getRegistry(alice, 1)).toMatchObject({
        name: 'one-renamed',
        username: 'other',
        sealedPassword: 'v1:sealed-a',
      });
      expect(await r.updateRegistry(alice, 1, { ...rest, sealedPassword: 'v1:new' })).toBe('updated');
      expect((await r.getRegistry(alice, 1))?.sealedPassword).toBe('v1:new');
      expect(await r.updateRegistry(alice, 1, { ...rest, name: 'two' })).toBe('name-taken');
      expect(await r.updateRegistry(alice, 9, rest)).toBe('not-found');

      // bob's registry 1 is his own
      expect((await r.getRegistry(bob, 1))?.name).toBe('one');
      expect(await r.removeRegistry(alice, 1)).toBe(true);
      expect(await r.removeRegistry(alice, 1)).toBe(false);
      expect(await r.getRegistry(alice, 1)).toBeUndefined();
      expect(await r.getRegistry(bob, 1)).toBeDefined();
      // ids are not reused after the highest remains
      expect(await r.addRegistry(alice, settings('three'))).toBe(3);
    });

    it('lists registries sorted and paged; keeps connection and sync state', async () => {
      const r = store.registries;
      for (const n of ['c', 'a', 'b']) await r.addRegistry(alice, settings(n));
      await r.addRegistry(bob, settings('z'));
      const all = await r.listRegistries(alice, everything);
      expect(all.total).toBe(3);
      expect(all.rows.map((x) => x.name)).toEqual(['c', 'a', 'b']);
      const byName = await r.listRegistries(alice, { limit: 2, offset: 1, by: 'Name', order: 'desc' });
      expect(byName).toMatchObject({ total: 3 });
      expect(byName.rows.map((x) => x.name)).toEqual(['b', 'a']);

      await r.setConnection(alice, 1, false, 'connection refused');
      expect(await r.getRegistry(alice, 1)).toMatchObject({
        connectStatus: 'failed',
        connectMessage: 'connection refused',
      });
      await r.setConnection(alice, 1, true, 'ignored');
      expect(await r.getRegistry(alice, 1)).toMatchObject({ connectStatus: 'success', connectMessage: '' });
      await r.setSyncState(alice, 1, 'SYNCING', '', T0);
      expect((await r.getRegistry(alice, 1))?.latestSyncMs).toBeUndefined();
      await r.setSyncState(alice, 1, 'FAILED', '1 repository failed', T0 + 5);
      expect(await r.getRegistry(alice, 1)).toMatchObject({
        syncStatus: 'FAILED',
        syncMessage: '1 repository failed',
        latestSyncMs: T0 + 5,
      });
      expect((await r.getRegistry(bob, 1))?.syncStatus).toBe('');
    });

    it('applies full and incremental syncs: adds, updates changed digests, keeps, removes unseen', async () => {
      const r = store.registries;
      const id = (await r.addRegistry(alice, settings('reg')))!;
      const first = await r.applySync(alice, id, {
        full: true,
        nowMs: T0,
        failedRepositories: [],
        seen: [tag('team/app', '1.0', 1), tag('team/app', '2.0', 2), tag('tool', 'latest', 3)],
      });
      expect(first).toEqual({ added: 3, updated: 0, kept: 0, removed: 0 });
      let rows = await r.registryImages(alice, id);
      expect(rows.map((x) => [x.id, x.namespace, x.repository, x.tag, x.imageId])).toEqual([
        [1, 'team', 'team/app', '1.0', imageId(1)],
        [2, 'team', 'team/app', '2.0', imageId(2)],
        [3, '', 'tool', 'latest', imageId(3)],
      ]);
      expect(rows[0]).toMatchObject({
        host: 'registry.example.com:5000',
        registryType: 'harbor',
        size: 1001,
      });

      // incremental: 2.0 moved, 3.0 new, tool:latest not listed (kept), 1.0 unchanged (no info given: kept)
      const inc = await r.applySync(alice, id, {
        full: false,
        nowMs: T0 + 10,
        failedRepositories: [],
        seen: [tag('team/app', '1.0', 1, false), tag('team/app', '2.0', 5), tag('team/app', '3.0', 6)],
      });
      expect(inc).toEqual({ added: 1, updated: 1, kept: 1, removed: 0 });
      rows = await r.registryImages(alice, id);
      expect(rows.map((x) => [x.id, x.tag, x.imageId, x.lastSeenMs])).toEqual([
        [1, '1.0', imageId(1), T0 + 10],
        [2, '2.0', imageId(5), T0 + 10],
        [3, 'latest', imageId(3), T0],
        [4, '3.0', imageId(6), T0 + 10],
      ]);
      expect(rows[1]?.firstSeenMs).toBe(T0);

      // full with repository "tool" failing: its rows stay; team/app 1.0 gone
      const full = await r.applySync(alice, id, {
        full: true,
        nowMs: T0 + 20,
        failedRepositories: ['tool'],
        seen: [tag('team/app', '2.0', 5, false), tag('team/app', '3.0', 6, false)],
      });
      expect(full).toEqual({ added: 0, updated: 0, kept: 2, removed: 1 });
      expect((await r.registryImages(alice, id)).map((x) => x.id)).toEqual([2, 3, 4]);

      // a changed digest without info forgets the old image id
      await r.applySync(alice, id, {
        full: false,
        nowMs: T0 + 30,
        failedRepositories: [],
        seen: [{ ...tag('team/app', '2.0', 9, false) }],
      });
      expect((await r.getImage(alice, 2))?.imageId).toBe('');

      expect(
        await r.applySync(bob, id, {
          full: true,
          nowMs: T0,
          failedRepositories: [],
          seen: [tag('x', 'y', 1)],
        }),
      ).toBe(false);
      expect(await r.registryImages(bob, id)).toEqual([]);
      expect(await r.getImage(bob, 2)).toBeUndefined();

      expect(await r.removeRegistry(alice, id)).toBe(true);
      expect(await r.getImage(alice, 3)).toBeUndefined();
    });

    it('lists registry images with their stored results, filtered, sorted and paged', async () => {
      const r = store.registries;
      const one = (await r.addRegistry(alice, settings('one')))!;
      const two = (await r.addRegistry(alice, settings('two', { host: '127.0.0.1:5000', type: 'quay' })))!;
      await r.applySync(alice, one, {
        full: true,
        nowMs: T0,
        failedRepositories: [],
        seen: [
          tag('team/app', 'old', 1, true, '2024-01-01 00:00:00'),
          tag('team/app', 'new', 2, true, '2024-02-01 00:00:00'),
          tag('team/db', '1', 3),
        ],
      });
      await r.applySync(alice, two, {
        full: true,
        nowMs: T0,
        failedRepositories: [],
        seen: [tag('x_y', '1', 1)],
      });
      await store.saveImage(alice, record(1, { ScanStatus: 'SCANNED', VulCnt: 0 }));
      // bob's result for the same image id is not alice's
      await store.saveImage(bob, record(2, { ScanStatus: 'SCANNED' }));

      const all = await r.listImages(alice, {}, everything);
      expect(all.total).toBe(4);
      expect(all.rows.map((x) => [x.id, x.detail?.ImageID])).toEqual([
        [1, imageId(1)],
        [2, undefined],
        [3, undefined],
        [4, imageId(1)],
      ]);
      expect(all.rows[0]?.detail?.ScanStatus).toBe('SCANNED');

      const ids = async (f: Parameters<typeof r.listImages>[1]) =>
        (await r.listImages(alice, f, everything)).rows.map((x) => x.id);
      expect(await ids({ scanStatus: ['NOT_SCAN'] })).toEqual([2, 3]);
      expect(await ids({ scanStatus: ['SCANNED'] })).toEqual([1, 4]);
      expect(await ids({ registryIds: [two] })).toEqual([4]);
      expect(await ids({ ids: [3, 4, 99] })).toEqual([3, 4]);
      expect(await ids({ ids: [] })).toEqual([]);
      expect(await ids({ excludeIds: [1, 2] })).toEqual([3, 4]);
      expect(await ids({ repository: { values: ['APP'], exact: false } })).toEqual([1, 2]);
      expect(await ids({ repository: { values: ['team/db'], exact: true } })).toEqual([3]);
      // LIKE metacharacters match literally
      expect(await ids({ repository: { values: ['x_'], exact: false } })).toEqual([4]);
      expect(await ids({ repository: { values: ['x%'], exact: false } })).toEqual([]);
      expect(await ids({ tag: { values: ['new', '1'], exact: true } })).toEqual([2, 3, 4]);
      expect(await ids({ namespace: { values: ['team'], exact: true } })).toEqual([1, 2, 3]);
      expect(await ids({ address: { values: ['127.0.0.1:5000/x_y'], exact: true } })).toEqual([4]);
      expect(await ids({ registryType: ['quay'] })).toEqual([4]);
      expect(await ids({ imageId: { values: [imageId(3)], exact: true } })).toEqual([3]);
      expect(await ids({ onlyLatest: true })).toEqual([2, 3, 4]);
      expect(await ids({ onlyLatest: true, registryIds: [one], excludeIds: [3] })).toEqual([2]);

      const sorted = await r.listImages(alice, {}, { limit: 2, offset: 0, by: 'ImageTag', order: 'desc' });
      expect(sorted.total).toBe(4);
      expect(sorted.rows.map((x) => x.tag)).toEqual(['old', 'new']);
      await expect(r.listImages(alice, {}, { ...everything, by: 'password' })).rejects.toThrow(/sort/);

      expect((await r.listImages(bob, {}, everything)).total).toBe(0);
      expect((await r.getImage(alice, 1))?.detail?.ImageID).toBe(imageId(1));
    });

    it('numbers scan tasks per account and finds the latest', async () => {
      const r = store.registries;
      expect(await r.scanTask(alice)).toBeUndefined();
      expect(await r.recordScanTask(alice, 'task-a', T0)).toBe(1);
      expect(await r.recordScanTask(alice, 'task-b', T0 + 1)).toBe(2);
      expect(await r.recordScanTask(bob, 'task-c', T0)).toBe(1);
      expect(await r.scanTask(alice)).toEqual({ id: 2, taskId: 'task-b' });
      expect(await r.scanTask(alice, 1)).toEqual({ id: 1, taskId: 'task-a' });
      expect(await r.scanTask(bob, 2)).toBeUndefined();
      expect(await r.scanTask(bob)).toEqual({ id: 1, taskId: 'task-c' });
    });
  });
}
