import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostReport } from '../hosts.js';
import type { Store } from '../store.js';
import { alice, bob, imageId, record } from './fixtures.js';

const T0 = 1_700_000_000_000;
const OFFLINE = 30_000;
const opts = (nowMs: number) => ({ nowMs, offlineAfterMs: OFFLINE, timeZone: 'UTC' });
const page = { limit: 100, offset: 0 };
const cid = (n: number) => n.toString(16).padStart(64, 'c');

function report(
  hostId: string,
  seq: number,
  images: number[],
  containers: [number, number, string][],
  superNode = false,
): HostReport {
  return {
    hostId,
    hostName: `${hostId}.example`,
    ips: [`10.0.0.${hostId.length}`],
    nodeType: superNode ? 'super' : 'normal',
    agentVersion: '0.1.0',
    dockerVersion: '4.3.1',
    seq,
    images: images.map((n) => ({
      imageId: imageId(n),
      repoTags: [`docker.io/library/img${n}:1`],
      repoDigests: [],
      size: 1000 + n,
      created: 1_600_000_000,
      agentError: '',
    })),
    containers: containers.map(([n, image, state]) => ({
      containerId: cid(n),
      name: `c${n}`,
      imageId: imageId(image),
      imageName: `img${image}:1`,
      state,
      status: state,
      created: 1_600_000_100,
    })),
  };
}

/** The HostStore contract (#8): reports, replay protection, offline sweep, counters, lists. */
export function hostContract(name: string, make: () => Promise<Store>): void {
  describe(`HostStore contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
    });

    const counters = async (n: number) => {
      const d = await store.getImage(alice, imageId(n));
      return d && { host: d.HostCnt, super: d.SuperNodeCnt, containers: d.ContainerCnt, error: d.AgentError };
    };

    it('registers reported images NOT_SCAN and counts hosts, super nodes and containers', async () => {
      await store.saveImage(alice, record(1));
      expect(
        await store.hosts.applyReport(
          alice,
          report(
            'h1',
            5,
            [1, 2],
            [
              [1, 1, 'running'],
              [2, 1, 'exited'],
            ],
          ),
          opts(T0),
        ),
      ).toEqual({
        applied: true,
        lastSeq: 5,
      });
      await store.hosts.applyReport(alice, report('s1', 1, [1], [[3, 1, 'running']], true), opts(T0));
      expect(await counters(1)).toEqual({ host: 2, super: 1, containers: 3, error: '' });
      const two = await store.getImage(alice, imageId(2));
      expect(two).toMatchObject({
        ScanStatus: 'NOT_SCAN',
        ImageName: 'docker.io/library/img2:1',
        Size: 1002,
        HostCnt: 1,
        SuperNodeCnt: 0,
        ContainerCnt: 0,
      });
      expect(await store.getImage(bob, imageId(2))).toBeUndefined();
      expect((await store.hosts.listHosts(bob, {}, page)).total).toBe(0);
      expect(await store.hosts.counts(alice)).toEqual({
        hosts: 2,
        online: 2,
        superNodes: 1,
        superNodesOnline: 1,
        containers: 3,
        running: 2,
        paused: 0,
        stopped: 1,
      });
      const pairs = await store.hosts.imageHosts(alice, { imageId: [imageId(1)] }, 100);
      expect(pairs).toEqual({
        total: 2,
        rows: [
          { imageId: imageId(1), hostId: 'h1' },
          { imageId: imageId(1), hostId: 's1' },
        ],
      });
    });

    it('ignores a report not newer than the last applied one (replay) and replaces on a newer one', async () => {
      await store.hosts.applyReport(
        alice,
        report(
          'h1',
          10,
          [1],
          [
            [1, 1, 'running'],
            [2, 1, 'running'],
          ],
        ),
        opts(T0),
      );
      const replay = report('h1', 10, [1, 2, 3], []);
      expect(await store.hosts.applyReport(alice, replay, opts(T0 + 1000))).toEqual({
        applied: false,
        lastSeq: 10,
      });
      expect(await store.hosts.applyReport(alice, { ...replay, seq: 3 }, opts(T0 + 1000))).toEqual({
        applied: false,
        lastSeq: 10,
      });
      expect(await store.getImage(alice, imageId(2))).toBeUndefined();
      expect((await counters(1))?.containers).toBe(2);
      // a container removed: the next report says so
      await store.hosts.applyReport(alice, report('h1', 11, [1], [[1, 1, 'running']]), opts(T0 + 2000));
      expect((await counters(1))?.containers).toBe(1);
      const list = await store.hosts.listContainers(alice, {}, page);
      expect(list.rows.map((c) => c.name)).toEqual(['c1']);
      // the image gone from the host: counters back to 0
      await store.hosts.applyReport(alice, report('h1', 12, [], []), opts(T0 + 3000));
      expect(await counters(1)).toMatchObject({ host: 0, containers: 0 });
    });

    it('marks hosts offline past their deadline, and the counters follow', async () => {
      await store.hosts.applyReport(alice, report('h1', 1, [1], [[1, 1, 'running']]), opts(T0));
      await store.hosts.applyReport(
        alice,
        report('s1', 1, [1], [[2, 1, 'running']], true),
        opts(T0 + 20_000),
      );
      expect(await store.hosts.sweep(T0 + OFFLINE - 1)).toBe(0);
      expect(await store.hosts.sweep(T0 + OFFLINE)).toBe(1);
      expect(await counters(1)).toMatchObject({ host: 1, super: 1, containers: 1 });
      const hosts = await store.hosts.listHosts(alice, {}, page);
      expect(hosts.rows.map((h) => [h.hostId, h.online])).toEqual([
        ['h1', false],
        ['s1', true],
      ]);
      expect((await store.hosts.listHosts(alice, { online: true }, page)).rows.map((h) => h.hostId)).toEqual([
        's1',
      ]);
      expect((await store.hosts.listContainers(alice, {}, page)).rows.map((c) => c.name)).toEqual(['c2']);
      expect(await store.hosts.sweep(T0 + 20_000 + OFFLINE)).toBe(1);
      expect(await counters(1)).toMatchObject({ host: 0, super: 0, containers: 0 });
      // back online with its next report
      await store.hosts.applyReport(alice, report('h1', 2, [1], [[1, 1, 'running']]), opts(T0 + 100_000));
      expect(await counters(1)).toMatchObject({ host: 1, super: 0, containers: 1 });
      expect((await store.hosts.counts(alice)).online).toBe(1);
    });

    it('shows an agent error on the image, and a rescan keeps counting', async () => {
      const r = report('h1', 1, [1], []);
      r.images[0]!.agentError = 'export-too-large: over 10 bytes';
      await store.hosts.applyReport(alice, r, opts(T0));
      expect((await counters(1))?.error).toBe('export-too-large: over 10 bytes');
      await store.hosts.applyReport(alice, report('h1', 2, [1], []), opts(T0));
      expect((await counters(1))?.error).toBe('');
    });

    it('filters and pages hosts and containers', async () => {
      await store.hosts.applyReport(
        alice,
        report(
          'alpha',
          1,
          [1, 2],
          [
            [1, 1, 'running'],
            [2, 2, 'exited'],
            [3, 2, 'paused'],
          ],
        ),
        opts(T0),
      );
      await store.hosts.applyReport(alice, report('beta', 1, [2], [[4, 2, 'running']], true), opts(T0));
      const h = (f: Parameters<Store['hosts']['listHosts']>[1]) =>
        store.hosts.listHosts(alice, f, page).then((r) => r.rows.map((x) => x.hostId));
      expect(await h({ hostName: { values: ['ALP'], exact: false } })).toEqual(['alpha']);
      expect(await h({ hostId: { values: ['beta'], exact: true } })).toEqual(['beta']);
      expect(await h({ nodeType: ['super'] })).toEqual(['beta']);
      expect(await h({ hostIp: { values: ['10.0.0.5'], exact: false } })).toEqual(['alpha']);
      expect(await h({ hostIp: { values: ['10.0.0.4', '10.0.0.'], exact: true } })).toEqual(['beta']);
      const byCount = await store.hosts.listHosts(
        alice,
        {},
        { limit: 1, offset: 0, by: 'ContainerCnt', order: 'desc' },
      );
      expect(byCount).toMatchObject({ total: 2, rows: [{ hostId: 'alpha', containerCnt: 3, imageCnt: 2 }] });
      const c = (f: Parameters<Store['hosts']['listContainers']>[1]) =>
        store.hosts
          .listContainers(alice, f, { ...page, by: 'ContainerName', order: 'asc' })
          .then((r) => r.rows.map((x) => x.name));
      expect(await c({ state: ['running'] })).toEqual(['c1', 'c4']);
      expect(await c({ imageId: { values: [imageId(2)], exact: true } })).toEqual(['c2', 'c3', 'c4']);
      expect(await c({ nodeType: ['super'] })).toEqual(['c4']);
      expect(await c({ containerName: { values: ['C3'], exact: false } })).toEqual(['c3']);
      expect(await c({ hostId: { values: ['alpha'], exact: true }, state: ['exited', 'paused'] })).toEqual([
        'c2',
        'c3',
      ]);
      const paged = await store.hosts.listContainers(
        alice,
        {},
        { limit: 2, offset: 2, by: 'ContainerName', order: 'asc' },
      );
      expect(paged.total).toBe(4);
      expect(paged.rows.map((x) => x.name)).toEqual(['c3', 'c4']);
      expect(paged.rows[1]).toMatchObject({
        hostName: 'beta.example',
        hostIp: '10.0.0.4',
        nodeType: 'super',
        imageName: 'img2:1',
      });
    });
  });
}
