import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VirusFinding } from '../../core/finding.js';
import type { Account, ImageRecord, RiskRow, Store, VulnerabilityRow } from '../store.js';
import type { JobTicket, NewTask, ScanSetting } from '../tasks.js';
import { alice, bob, imageId, record } from './fixtures.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const ALL = { vul: true, virus: true, risk: true };
const VUL_ONLY = { vul: true, virus: false, risk: false };
const everything = { limit: 1000, offset: 0 };

function vulnerability(i: number, level = 3): VulnerabilityRow {
  return {
    advisoryId: `DSA-${i}`,
    cveId: `CVE-2024-${1000 + i}`,
    aliases: [],
    name: `flaw ${i}`,
    component: `pkg-${i}`,
    version: '1.0',
    componentType: 'deb',
    purl: `pkg:deb/debian/pkg-${i}@1.0`,
    fixedVersions: ['1.1'],
    level,
    cvss3Score: 7.5,
    cvss3Vector: '',
    description: 'd',
    references: [],
    officialSolution: `upgrade pkg-${i} to 1.1`,
    submitTime: '2024-01-01 00:00:00',
    tags: ['CanBeFixed'],
    category: 'os',
    unfixed: false,
  };
}

const risk = (i: number): RiskRow => ({
  type: 2,
  behavior: 3,
  level: 4,
  rule: `secret.${i}`,
  desc: 'd',
  instruction: 'i',
  solution: 's',
  path: `etc/secret-${i}`,
});

const virus = (i: number): VirusFinding => ({
  path: `bin/eicar-${i}`,
  fileName: `eicar-${i}`,
  md5: '44d88612fea8a8f36de82e1278abb02f',
  size: 68,
  virusName: 'Eicar-Test-Signature',
  level: 2,
  category: 'test',
  tags: [],
  desc: 'd',
  solution: 's',
  engine: 'builtin',
});

/** A fully scanned image with two vulnerabilities, one risk and one virus, `size` bytes. */
function scanned(n: number, size = 1000, name?: string): ImageRecord {
  return {
    ...record(n, {
      Size: size,
      VulCnt: 2,
      RiskCnt: 1,
      SensitiveInfoCnt: 1,
      VirusCnt: 1,
      ContainerCnt: n % 2,
      ...(name ? { ImageName: name } : {}),
    }),
    vulnerabilities: [vulnerability(1, 4), vulnerability(2, 2)],
    risks: [risk(1)],
    viruses: [virus(1)],
  };
}

const task = (taskId: string, ids: number[], more: Partial<NewTask> = {}): NewTask => ({
  taskId,
  categories: ALL,
  imageIds: ids.map(imageId),
  deadlineMs: T0 + HOUR,
  origin: 'manual',
  ...more,
});

const setting = (nextRunMs: number, more: Partial<ScanSetting> = {}): ScanSetting => ({
  enable: true,
  scanTime: '02:00',
  scanEndTime: '04:00',
  periodDays: 1,
  categories: ALL,
  scope: 1,
  images: [imageId(1), imageId(2)],
  excludeImages: [imageId(3)],
  containerRunning: false,
  nextRunMs,
  ...more,
});

/**
 * Runs the TaskStore contract (src/store/tasks.ts) against `make()`, which returns a new, empty, not yet
 * migrated store.
 */
export function taskContract(name: string, make: () => Promise<Store>): void {
  describe(`TaskStore contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await make();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    async function saveAll(account: Account, ids: number[], size = 1000): Promise<void> {
      for (const n of ids) await store.saveImage(account, scanned(n, size));
    }

    /** Creates a task over images `ids` and claims every ticket for worker w1 (lease until T0 + 60 s). */
    async function started(taskId: string, ids: number[], more: Partial<NewTask> = {}): Promise<JobTicket[]> {
      const tickets = await store.createTask(alice, task(taskId, ids, more), T0);
      for (const t of tickets) expect(await store.claim(t, 'w1', T0 + 60_000, T0 + 10)).toBeDefined();
      return tickets;
    }

    /** taskCounts agrees with taskImages (every call checks it). */
    async function counts(account: Account, taskId: string) {
      const c = await store.taskCounts(account, taskId);
      const rows = await store.taskImages(account, taskId);
      const n = (s: string) => rows.filter((r) => r.state === s).length;
      expect(c).toMatchObject({
        total: rows.length,
        finished: n('SCANNED') + n('SCAN_ERR') + n('CANCELED'),
        running: n('SCANNING'),
        scanned: n('SCANNED'),
        failed: n('SCAN_ERR'),
        canceled: n('CANCELED'),
      });
      return c;
    }

    describe('createTask', () => {
      it('keeps only the account’s images, in order, and marks them WAIT_SCAN', async () => {
        await saveAll(alice, [1, 2, 3]);
        await store.saveImage(alice, record(4, { Size: 0 }));
        await store.saveImage(bob, scanned(9));
        const tickets = await store.createTask(
          alice,
          task('t1', [3, 77, 1, 9, 4, 1], { categories: { vul: true, virus: false, risk: true } }),
          T0,
        );
        expect(tickets).toEqual(
          [3, 1, 4].map((n) => ({ uin: alice.uin, taskId: 't1', imageId: imageId(n), attempt: 0 })),
        );
        expect(await store.taskImages(alice, 't1')).toEqual(
          [3, 1, 4].map((n) => ({ imageId: imageId(n), state: 'WAIT_SCAN', attempt: 0, error: '' })),
        );
        expect(await store.getTask(alice, 't1')).toEqual({
          taskId: 't1',
          categories: { vul: true, virus: false, risk: true },
          origin: 'manual',
          createdMs: T0,
          deadlineMs: T0 + HOUR,
          status: 'READY',
          subStatus: '',
        });
        expect(await counts(alice, 't1')).toEqual({
          total: 3,
          finished: 0,
          running: 0,
          scanned: 0,
          failed: 0,
          canceled: 0,
          risky: 0,
          bytesLeft: 2000,
          bytesDone: 0,
          busyMs: 0,
        });
        const d = await store.getImage(alice, imageId(3));
        expect(d).toMatchObject({
          Status: 1,
          ScanStatus: 'WAIT_SCAN',
          ScanVulProgress: 0,
          ScanRiskProgress: 0,
          ScanVirusProgress: 40, // not a category of the task: kept
          RemainScanTime: 0,
          VulCnt: 2,
          ImageName: scanned(3).detail.ImageName,
        });
        expect(await store.getImage(alice, imageId(2))).toMatchObject({ Status: 5, ScanStatus: 'SCANNED' });
        expect(await store.getImage(bob, imageId(9))).toMatchObject({ Status: 5, ScanStatus: 'SCANNED' });
        expect(await store.taskImages(bob, 't1')).toEqual([]);
        expect(await store.getTask(bob, 't1')).toBeUndefined();
      });

      it('stores a task with no known image END/Success, and refuses a task id used before', async () => {
        expect(await store.createTask(alice, task('empty', [5]), T0)).toEqual([]);
        expect(await store.getTask(alice, 'empty')).toMatchObject({
          status: 'END',
          subStatus: 'Success',
          finishedMs: T0,
        });
        expect(await counts(alice, 'empty')).toMatchObject({ total: 0, bytesLeft: 0 });
        await expect(store.createTask(alice, task('empty', []), T0)).rejects.toThrow(/creating task empty/);
        // another account may use the same id
        expect(await store.createTask(bob, task('empty', []), T0)).toEqual([]);
      });

      it('latestTask is the account’s newest task', async () => {
        expect(await store.latestTask(alice)).toBeUndefined();
        await store.createTask(alice, task('old', []), T0);
        await store.createTask(alice, task('new', []), T0 + 5);
        await store.createTask(bob, task('bobs', []), T0 + 9);
        expect((await store.latestTask(alice))?.taskId).toBe('new');
        expect((await store.latestTask(bob))?.taskId).toBe('bobs');
        expect(await store.taskCounts(alice, 'bobs')).toBeUndefined();
      });
    });

    describe('image sources', () => {
      it('registers, replaces and scopes sources to the account; a claim carries the source', async () => {
        await store.setImageSource(alice, { imageId: imageId(1), reference: 'oci:/images/one' });
        expect(await store.getImageSource(alice, imageId(1))).toBe('oci:/images/one');
        await store.setImageSource(alice, {
          imageId: imageId(1),
          reference: 'docker-archive:/images/one.tar',
        });
        expect(await store.getImageSource(alice, imageId(1))).toBe('docker-archive:/images/one.tar');
        expect(await store.getImageSource(bob, imageId(1))).toBeUndefined();
        await saveAll(alice, [1, 2], 4321);
        const [one, two] = await store.createTask(alice, task('t', [1, 2]), T0);
        expect(await store.claim(one!, 'w1', T0 + 60_000, T0 + 1)).toEqual({
          ...one,
          categories: ALL,
          source: 'docker-archive:/images/one.tar',
          size: 4321,
          deadlineMs: T0 + HOUR,
        });
        const claimed = await store.claim(two!, 'w1', T0 + 60_000, T0 + 1);
        expect(claimed).toBeDefined();
        expect(claimed?.source).toBeUndefined();
      });
    });

    describe('registerImage', () => {
      it('inserts a new image NOT_SCAN once and never overwrites a stored one', async () => {
        const fresh = record(1, { ScanStatus: 'NOT_SCAN', Status: 0, VulCnt: 0, RiskCnt: 0, VirusCnt: 0 });
        expect(await store.registerImage(alice, fresh)).toBe(true);
        expect(await store.getImage(alice, imageId(1))).toEqual(fresh.detail);
        expect(await store.registerImage(alice, { ...fresh, names: ['other:1'] })).toBe(false);
        expect((await store.listImages(alice, {}, everything)).total).toBe(1);
        expect(await store.listComponents(alice, imageId(1), {}, everything)).toEqual({ total: 0, rows: [] });
        await store.saveImage(alice, scanned(2));
        expect(
          await store.registerImage(alice, { ...fresh, detail: { ...fresh.detail, ImageID: imageId(2) } }),
        ).toBe(false);
        expect(await store.getImage(alice, imageId(2))).toMatchObject({ ScanStatus: 'SCANNED', VulCnt: 2 });
        expect(await store.getImage(bob, imageId(1))).toBeUndefined();
        expect(await store.registerImage(bob, fresh)).toBe(true);
      });
    });

    describe('claim', () => {
      it('claims a ticket once: the row, the image and the task become SCANNING', async () => {
        await saveAll(alice, [1, 2]);
        const [t1] = await store.createTask(alice, task('t', [1, 2]), T0);
        const claimed = await store.claim(t1!, 'w1', T0 + 60_000, T0 + 1);
        expect(claimed).toMatchObject({ ...t1, size: 1000, categories: ALL });
        expect(await store.claim(t1!, 'w1', T0 + 60_000, T0 + 2)).toBeUndefined();
        expect(await store.claim(t1!, 'w2', T0 + 60_000, T0 + 2)).toBeUndefined();
        expect((await store.taskImages(alice, 't'))[0]).toMatchObject({ state: 'SCANNING', attempt: 0 });
        expect(await store.getImage(alice, imageId(1))).toMatchObject({ Status: 2, ScanStatus: 'SCANNING' });
        expect(await store.getImage(alice, imageId(2))).toMatchObject({ Status: 1, ScanStatus: 'WAIT_SCAN' });
        expect((await store.getTask(alice, 't'))?.status).toBe('SCANNING');
        expect(await counts(alice, 't')).toMatchObject({ running: 1, bytesLeft: 2000 });
      });

      it('refuses a stale attempt, another account’s ticket, a task past its deadline or stopped', async () => {
        await saveAll(alice, [1, 2, 3]);
        const [t1, t2, t3] = await store.createTask(alice, task('t', [1, 2, 3]), T0);
        expect(await store.claim({ ...t1!, attempt: 1 }, 'w1', T0 + 60_000, T0)).toBeUndefined();
        expect(await store.claim({ ...t1!, uin: bob.uin }, 'w1', T0 + 60_000, T0)).toBeUndefined();
        expect(await store.claim(t1!, 'w1', T0 + HOUR + 60_000, T0 + HOUR)).toBeUndefined();
        expect((await store.getTask(alice, 't'))?.status).toBe('READY');
        expect(await store.stop(alice, { imageIds: [imageId(2)] }, T0 + 5)).toBe(1);
        expect(await store.claim(t2!, 'w1', T0 + 60_000, T0 + 6)).toBeUndefined();
        expect(await store.claim(t3!, 'w1', T0 + 60_000, T0 + 6)).toBeDefined();
        expect(await store.stop(alice, { taskId: 't' }, T0 + 7)).toBe(2);
        expect(await store.claim(t1!, 'w1', T0 + 60_000, T0 + 8)).toBeUndefined();
        expect(await store.getImage(alice, imageId(1))).toMatchObject({ ScanStatus: 'CANCELED', Status: 4 });
      });
    });

    describe('heartbeat', () => {
      it('renews the claim and sets the progress of the task’s categories and RemainScanTime', async () => {
        await saveAll(alice, [1]);
        const [t] = await started('t', [1], { categories: { vul: true, virus: false, risk: true } });
        const beat = { bytesDone: 333, bytesTotal: 1000, remainSeconds: 12.4 };
        expect(await store.heartbeat(t!, 'w1', beat, T0 + 120_000, T0 + 50_000)).toBe('ok');
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          ScanVulProgress: 33,
          ScanRiskProgress: 33,
          ScanVirusProgress: 40,
          RemainScanTime: 12,
          ScanStatus: 'SCANNING',
        });
        expect(await counts(alice, 't')).toMatchObject({ bytesDone: 333, bytesLeft: 667, busyMs: 49_990 });
        // renewed: the reaper at T0 + 90 s leaves it alone
        await store.reap(T0 + 90_000, { maxAttempts: 3, resendBeforeMs: T0 });
        expect((await store.taskImages(alice, 't'))[0]).toMatchObject({ state: 'SCANNING', attempt: 0 });
        await store.heartbeat(
          t!,
          'w1',
          { bytesDone: 1000, bytesTotal: 1000, remainSeconds: 0 },
          T0 + 180_000,
          T0 + 95_000,
        );
        expect((await store.getImage(alice, imageId(1)))?.ScanVulProgress).toBe(99);
        await store.heartbeat(
          t!,
          'w1',
          { bytesDone: 0, bytesTotal: 0, remainSeconds: 1 },
          T0 + 180_000,
          T0 + 96_000,
        );
        expect((await store.getImage(alice, imageId(1)))?.ScanVulProgress).toBe(99);
      });

      it('answers lost, canceled and timeout when the claim no longer holds', async () => {
        await saveAll(alice, [1, 2]);
        const [t1, t2] = await started('t', [1, 2]);
        const beat = { bytesDone: 1, bytesTotal: 1000, remainSeconds: 1 };
        expect(await store.heartbeat(t1!, 'w2', beat, T0 + 120_000, T0 + 20)).toBe('lost');
        expect(await store.heartbeat({ ...t1!, attempt: 1 }, 'w1', beat, T0 + 120_000, T0 + 20)).toBe('lost');
        expect(await store.heartbeat({ ...t1!, uin: bob.uin }, 'w1', beat, T0 + 120_000, T0 + 20)).toBe(
          'lost',
        );
        expect(await store.heartbeat(t1!, 'w1', beat, T0 + HOUR + 1, T0 + HOUR)).toBe('timeout');
        expect(await store.stop(alice, { imageIds: [imageId(1)] }, T0 + 30)).toBe(1);
        expect(await store.heartbeat(t1!, 'w1', beat, T0 + 120_000, T0 + 40)).toBe('canceled');
        expect(await store.heartbeat(t2!, 'w1', beat, T0 + 120_000, T0 + 40)).toBe('ok');
        // a lease reaped: the old claim is lost
        await store.reap(T0 + 200_000, { maxAttempts: 3, resendBeforeMs: T0 });
        expect(await store.heartbeat(t2!, 'w1', beat, T0 + 300_000, T0 + 200_001)).toBe('lost');
      });
    });

    describe('complete', () => {
      it('saves the record and ends the image SCANNED and the task Success', async () => {
        await saveAll(alice, [1, 2]);
        const [t1, t2] = await started('t', [1, 2]);
        const fresh: ImageRecord = {
          ...record(1, {
            Size: 1000,
            VulCnt: 1,
            RiskCnt: 0,
            SensitiveInfoCnt: 0,
            VirusCnt: 0,
            RemainScanTime: 9,
          }),
          vulnerabilities: [vulnerability(7)],
          risks: [],
          viruses: [],
        };
        const before = (await store.getImage(alice, imageId(1)))!;
        expect(await store.complete(t1!, 'w1', { record: fresh, bytesDone: 900 }, T0 + 1010)).toBe(true);
        expect(await store.getImage(alice, imageId(1))).toEqual({
          ...fresh.detail,
          // where the image runs is the host reports' to say: a scan keeps it
          HostCnt: before.HostCnt,
          ContainerCnt: before.ContainerCnt,
          SuperNodeCnt: before.SuperNodeCnt,
          AgentError: before.AgentError,
          Status: 5,
          ScanStatus: 'SCANNED',
          ScanError: '',
          RemainScanTime: 0,
          ScanVulProgress: 100,
          ScanRiskProgress: 100,
          ScanVirusProgress: 100,
        });
        expect((await store.listVulnerabilities(alice, imageId(1), {}, everything))?.rows).toEqual([
          vulnerability(7),
        ]);
        expect((await store.listRisks(alice, imageId(1), {}, everything))?.total).toBe(0);
        expect((await store.getTask(alice, 't'))?.status).toBe('SCANNING');
        expect(await store.complete(t1!, 'w1', { record: fresh, bytesDone: 900 }, T0 + 1020)).toBe(false);
        expect(await store.complete(t2!, 'w1', { record: scanned(2), bytesDone: 1000 }, T0 + 2010)).toBe(
          true,
        );
        expect(await store.getTask(alice, 't')).toMatchObject({
          status: 'END',
          subStatus: 'Success',
          finishedMs: T0 + 2010,
        });
        expect(await counts(alice, 't')).toEqual({
          total: 2,
          finished: 2,
          running: 0,
          scanned: 2,
          failed: 0,
          canceled: 0,
          // both images have findings once saved (the second's record brings vulnerabilities, a risk, a virus)
          risky: 2,
          bytesLeft: 0,
          bytesDone: 1900,
          busyMs: 3000,
        });
      });

      it('keeps the findings of the categories the task did not scan', async () => {
        await saveAll(alice, [1]);
        const before = await store.getImage(alice, imageId(1));
        const [t] = await started('t', [1], { categories: VUL_ONLY });
        const rescan: ImageRecord = {
          ...record(1, {
            Size: 1000,
            ImageName: 'renamed:2',
            VulCnt: 1,
            RiskCnt: 0,
            SensitiveInfoCnt: 0,
            VirusCnt: 0,
            ScanRiskError: 'changed',
            ScanVirusError: 'changed',
            ScanVulError: 'vul-error',
          }),
          vulnerabilities: [vulnerability(5, 1)],
        };
        expect(await store.complete(t!, 'w1', { record: rescan, bytesDone: 1 }, T0 + 100)).toBe(true);
        const after = await store.getImage(alice, imageId(1));
        expect(after).toMatchObject({
          ImageName: 'renamed:2',
          VulCnt: 1,
          ScanVulError: 'vul-error',
          ScanVulProgress: 100,
          RiskCnt: before?.RiskCnt,
          SensitiveInfoCnt: before?.SensitiveInfoCnt,
          ScanRiskError: before?.ScanRiskError,
          ScanRiskProgress: before?.ScanRiskProgress,
          VirusCnt: before?.VirusCnt,
          ScanVirusError: before?.ScanVirusError,
          ScanVirusProgress: before?.ScanVirusProgress,
          Status: 5,
          ScanStatus: 'SCANNED',
        });
        expect((await store.listRisks(alice, imageId(1), {}, everything))?.rows).toEqual([risk(1)]);
        expect((await store.listViruses(alice, imageId(1), {}, everything))?.rows).toMatchObject([virus(1)]);
        expect((await store.listVulnerabilities(alice, imageId(1), {}, everything))?.rows).toEqual([
          vulnerability(5, 1),
        ]);
        const list = await store.listImages(alice, {}, everything);
        expect(list.rows[0]).toMatchObject({ LowLevelVulCnt: 1, CriticalLevelVulCnt: 0 });

        // and the other way round: a risk+virus task keeps the vulnerabilities, their counts and texts
        await store.saveImage(alice, scanned(1));
        const [r] = await store.createTask(
          alice,
          task('r', [1], { categories: { vul: false, virus: true, risk: true } }),
          T0 + 200,
        );
        await store.claim(r!, 'w1', T0 + 60_000, T0 + 201);
        const noVulns: ImageRecord = {
          ...record(1, { Size: 1000, VulCnt: 0, Reason: 'new', Solution: 'new' }),
          risks: [],
          viruses: [],
        };
        expect(await store.complete(r!, 'w1', { record: noVulns, bytesDone: 1 }, T0 + 300)).toBe(true);
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          VulCnt: 2,
          Reason: scanned(1).detail.Reason,
          Solution: scanned(1).detail.Solution,
          RiskCnt: 0,
          VirusCnt: 0,
        });
        expect((await store.listVulnerabilities(alice, imageId(1), {}, everything))?.total).toBe(2);
        expect((await store.listImages(alice, {}, everything)).rows[0]).toMatchObject({
          CriticalLevelVulCnt: 1,
          MediumLevelVulCnt: 1,
        });
      });

      it('records an error: SCAN_ERR with ScanError, the image’s results kept; every image failed ends Error', async () => {
        await saveAll(alice, [1]);
        const before = await store.getImage(alice, imageId(1));
        const [t] = await started('t', [1]);
        expect(await store.complete(t!, 'w1', { error: 'registry-auth', bytesDone: 5 }, T0 + 100)).toBe(true);
        expect(await store.getImage(alice, imageId(1))).toEqual({
          ...before,
          Status: 3,
          ScanStatus: 'SCAN_ERR',
          ScanError: 'registry-auth',
          RemainScanTime: 0,
          ScanVulProgress: 0,
          ScanRiskProgress: 0,
          ScanVirusProgress: 0,
        });
        expect(await store.taskImages(alice, 't')).toEqual([
          { imageId: imageId(1), state: 'SCAN_ERR', attempt: 0, error: 'registry-auth' },
        ]);
        expect(await store.getTask(alice, 't')).toMatchObject({ status: 'END', subStatus: 'Error' });
        expect(await counts(alice, 't')).toMatchObject({ failed: 1, bytesDone: 5, bytesLeft: 0 });
      });

      it('stores re-matched vulnerabilities of an index-only image', async () => {
        await saveAll(alice, [1]);
        const [t] = await started('t', [1]);
        const done = {
          vulnerabilities: [vulnerability(9, 4)],
          reason: 'why',
          solution: 'fix',
          risky: true,
          bytesDone: 0 as const,
        };
        expect(await store.complete(t!, 'w1', done, T0 + 100)).toBe(true);
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          VulCnt: 1,
          Reason: 'why',
          Solution: 'fix',
          RiskCnt: 1,
          VirusCnt: 1,
          ScanVulProgress: 100,
          ScanStatus: 'SCANNED',
        });
        expect((await store.listVulnerabilities(alice, imageId(1), {}, everything))?.rows).toEqual([
          vulnerability(9, 4),
        ]);
        expect(await counts(alice, 't')).toMatchObject({ scanned: 1, risky: 1 });
      });

      it('writes nothing when the claim was reaped, stopped or is another worker’s', async () => {
        await saveAll(alice, [1, 2]);
        const [t1, t2] = await started('t', [1, 2]);
        expect(await store.complete(t1!, 'w2', { error: 'x', bytesDone: 0 }, T0 + 20)).toBe(false);
        expect(
          await store.complete({ ...t1!, uin: bob.uin }, 'w1', { error: 'x', bytesDone: 0 }, T0 + 20),
        ).toBe(false);
        expect(await store.reap(T0 + 60_000, { maxAttempts: 3, resendBeforeMs: T0 + 60_000 })).toEqual([
          { ...t1, attempt: 1 },
          { ...t2, attempt: 1 },
        ]);
        const before = await store.getImage(alice, imageId(1));
        const late: ImageRecord = { ...record(1, { ImageName: 'late:1', VulCnt: 0 }), vulnerabilities: [] };
        expect(await store.complete(t1!, 'w1', { record: late, bytesDone: 1 }, T0 + 60_001)).toBe(false);
        expect(await store.getImage(alice, imageId(1))).toEqual(before);
        expect((await store.listVulnerabilities(alice, imageId(1), {}, everything))?.total).toBe(2);
        // the new attempt claims and completes; then the stop comes too late for it
        const again = await store.claim({ ...t1!, attempt: 1 }, 'w2', T0 + 120_000, T0 + 60_002);
        expect(again).toBeDefined();
        await store.stop(alice, { taskId: 't' }, T0 + 60_003);
        expect(
          await store.complete({ ...t1!, attempt: 1 }, 'w2', { record: late, bytesDone: 1 }, T0 + 60_004),
        ).toBe(false);
        expect((await store.getImage(alice, imageId(1)))?.ImageName).toBe(before?.ImageName);
      });

      it('refuses a record of another image', async () => {
        await saveAll(alice, [1]);
        const [t] = await started('t', [1]);
        await expect(store.complete(t!, 'w1', { record: scanned(2), bytesDone: 0 }, T0 + 1)).rejects.toThrow(
          /cannot complete the scan of/,
        );
        expect((await store.taskImages(alice, 't'))[0]?.state).toBe('SCANNING');
      });
    });

    describe('stop', () => {
      it('stops a task’s unfinished images, keeps finished ones and ends the task Cancel', async () => {
        await saveAll(alice, [1, 2, 3]);
        const [t1, t2] = await store.createTask(alice, task('t', [1, 2, 3]), T0);
        await store.claim(t1!, 'w1', T0 + 60_000, T0 + 1);
        await store.claim(t2!, 'w1', T0 + 60_000, T0 + 1);
        await store.complete(t2!, 'w1', { record: scanned(2), bytesDone: 1000 }, T0 + 2);
        expect(await store.stop(bob, { taskId: 't' }, T0 + 3)).toBe(0);
        expect(await store.stop(alice, { taskId: 't' }, T0 + 3)).toBe(2);
        expect((await store.taskImages(alice, 't')).map((r) => r.state)).toEqual([
          'CANCELED',
          'SCANNED',
          'CANCELED',
        ]);
        expect(await store.getTask(alice, 't')).toMatchObject({
          status: 'END',
          subStatus: 'Cancel',
          finishedMs: T0 + 3,
        });
        expect(await store.getImage(alice, imageId(3))).toMatchObject({
          Status: 4,
          ScanStatus: 'CANCELED',
          RemainScanTime: 0,
          VulCnt: 2,
          RiskCnt: 1,
        });
        expect(await store.getImage(alice, imageId(2))).toMatchObject({ ScanStatus: 'SCANNED' });
        expect(await store.stop(alice, { taskId: 't' }, T0 + 4)).toBe(0);
        expect(await counts(alice, 't')).toMatchObject({ canceled: 2, scanned: 1, bytesLeft: 0, risky: 1 });
      });

      it('stops listed images in every unfinished task of the account', async () => {
        await saveAll(alice, [1, 2, 3]);
        await saveAll(bob, [1]);
        await store.createTask(alice, task('a', [1, 2]), T0);
        await store.createTask(alice, task('b', [1, 3]), T0);
        await store.createTask(bob, task('a', [1]), T0);
        expect(await store.stop(alice, { imageIds: [imageId(1), imageId(9)] }, T0 + 5)).toBe(2);
        expect((await store.taskImages(alice, 'a')).map((r) => r.state)).toEqual(['CANCELED', 'WAIT_SCAN']);
        expect((await store.taskImages(alice, 'b')).map((r) => r.state)).toEqual(['CANCELED', 'WAIT_SCAN']);
        expect((await store.taskImages(bob, 'a')).map((r) => r.state)).toEqual(['WAIT_SCAN']);
        expect((await store.getImage(bob, imageId(1)))?.ScanStatus).toBe('WAIT_SCAN');
        expect((await store.getTask(alice, 'a'))?.status).toBe('READY');
      });

      it('stops the images a filter selects, minus exclusions', async () => {
        for (const [n, name] of [
          [1, 'docker.io/library/nginx:1'],
          [2, 'docker.io/library/nginx:2'],
          [3, 'docker.io/library/redis:7'],
          [4, 'docker.io/library/nginx:3'],
        ] as const)
          await store.saveImage(alice, scanned(n, 1000, name));
        await store.createTask(alice, task('t', [1, 2, 3, 4]), T0);
        expect(
          await store.stop(
            alice,
            { filter: { imageName: { values: ['NGINX'], exact: false } }, excludeImageIds: [imageId(2)] },
            T0 + 5,
          ),
        ).toBe(2);
        expect((await store.taskImages(alice, 't')).map((r) => r.state)).toEqual([
          'CANCELED',
          'WAIT_SCAN',
          'WAIT_SCAN',
          'CANCELED',
        ]);
        expect(await store.stop(alice, { filter: {} }, T0 + 6)).toBe(2);
        expect(await store.getTask(alice, 't')).toMatchObject({ status: 'END', subStatus: 'Cancel' });
        await expect(store.stop(alice, {}, T0)).rejects.toThrow(/taskId, imageIds or a filter/);
      });
    });

    describe('reap', () => {
      it('resends unsent and stale tickets, and not those sent recently', async () => {
        await saveAll(alice, [1, 2]);
        const tickets = await store.createTask(alice, task('t', [1, 2]), T0);
        const options = { maxAttempts: 3, resendBeforeMs: T0 + 100 };
        expect(await store.reap(T0 + 200, options)).toEqual(tickets);
        await store.markSent(tickets, T0 + 150);
        expect(await store.reap(T0 + 200, options)).toEqual([]);
        expect(await store.reap(T0 + 300, { maxAttempts: 3, resendBeforeMs: T0 + 151 })).toEqual(tickets);
        // a stale attempt's markSent changes nothing
        await store.markSent([{ ...tickets[0]!, attempt: 4 }], T0 + 400);
        expect(await store.reap(T0 + 400, { maxAttempts: 3, resendBeforeMs: T0 + 151 })).toEqual(tickets);
      });

      it('returns expired claims for resending, then ends them worker lost after maxAttempts', async () => {
        await saveAll(alice, [1, 2]);
        const [t1, t2] = await store.createTask(alice, task('t', [1, 2]), T0);
        await store.markSent([t1!, t2!], T0);
        await store.claim(t1!, 'w1', T0 + 1000, T0 + 1);
        await store.claim(t2!, 'w1', T0 + 5000, T0 + 1);
        const options = { maxAttempts: 2, resendBeforeMs: T0 };
        expect(await store.reap(T0 + 1000, options)).toEqual([{ ...t1, attempt: 1 }]);
        expect(await store.reap(T0 + 1000, options)).toEqual([{ ...t1, attempt: 1 }]);
        expect(await store.getImage(alice, imageId(1))).toMatchObject({ Status: 1, ScanStatus: 'WAIT_SCAN' });
        expect(await store.taskImages(alice, 't')).toEqual([
          { imageId: imageId(1), state: 'WAIT_SCAN', attempt: 1, error: '' },
          { imageId: imageId(2), state: 'SCANNING', attempt: 0, error: '' },
        ]);
        const a1 = { ...t1!, attempt: 1 };
        expect(await store.claim(a1, 'w2', T0 + 2000, T0 + 1001)).toBeDefined();
        // second claim of image 1 expires: maxAttempts (2) claims made → worker lost
        await store.complete(t2!, 'w1', { record: scanned(2), bytesDone: 1 }, T0 + 1500);
        expect(await store.reap(T0 + 2000, options)).toEqual([]);
        expect((await store.taskImages(alice, 't'))[0]).toEqual({
          imageId: imageId(1),
          state: 'SCAN_ERR',
          attempt: 1,
          error: 'worker lost',
        });
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          Status: 3,
          ScanStatus: 'SCAN_ERR',
          ScanError: 'worker lost',
          VulCnt: 2,
        });
        expect(await store.getTask(alice, 't')).toMatchObject({
          status: 'END',
          subStatus: 'Success',
          finishedMs: T0 + 2000,
        });
        expect(await store.reap(T0 + 3000, options)).toEqual([]);
        expect(await store.getTask(alice, 't')).toMatchObject({ finishedMs: T0 + 2000 });
        expect(await counts(alice, 't')).toMatchObject({ scanned: 1, failed: 1 });
      });

      it('ends a task past its deadline: unfinished images SCAN_ERR timeout, the task Timeout', async () => {
        await saveAll(alice, [1, 2, 3]);
        const [t1, t2] = await store.createTask(alice, task('t', [1, 2, 3]), T0);
        await store.claim(t1!, 'w1', T0 + HOUR * 2, T0 + 1);
        await store.claim(t2!, 'w1', T0 + HOUR * 2, T0 + 1);
        await store.complete(t2!, 'w1', { record: scanned(2), bytesDone: 1 }, T0 + 2);
        expect(await store.reap(T0 + HOUR - 1, { maxAttempts: 3, resendBeforeMs: T0 })).toHaveLength(1);
        const both = await Promise.all([
          store.reap(T0 + HOUR, { maxAttempts: 3, resendBeforeMs: T0 + HOUR }),
          store.reap(T0 + HOUR, { maxAttempts: 3, resendBeforeMs: T0 + HOUR }),
        ]);
        expect(both).toEqual([[], []]);
        expect(await store.taskImages(alice, 't')).toEqual([
          { imageId: imageId(1), state: 'SCAN_ERR', attempt: 0, error: 'timeout' },
          { imageId: imageId(2), state: 'SCANNED', attempt: 0, error: '' },
          { imageId: imageId(3), state: 'SCAN_ERR', attempt: 0, error: 'timeout' },
        ]);
        expect(await store.getTask(alice, 't')).toMatchObject({
          status: 'END',
          subStatus: 'Timeout',
          finishedMs: T0 + HOUR,
        });
        expect(await store.getImage(alice, imageId(3))).toMatchObject({
          Status: 3,
          ScanStatus: 'SCAN_ERR',
          ScanError: 'timeout',
        });
        expect(
          await store.heartbeat(
            t1!,
            'w1',
            { bytesDone: 1, bytesTotal: 2, remainSeconds: 1 },
            T0 + HOUR * 3,
            T0 + HOUR + 1,
          ),
        ).toBe('timeout');
        expect(await store.complete(t1!, 'w1', { error: 'late', bytesDone: 0 }, T0 + HOUR + 1)).toBe(false);
        expect(await counts(alice, 't')).toMatchObject({ failed: 2, scanned: 1, bytesLeft: 0 });
      });

      it('two nodes reaping expired leases at once resend each ticket once', async () => {
        await saveAll(alice, [1, 2, 3, 4]);
        const tickets = await store.createTask(alice, task('t', [1, 2, 3, 4]), T0);
        for (const t of tickets) await store.claim(t, 'w1', T0 + 10, T0 + 1);
        await store.markSent(tickets, T0);
        const options = { maxAttempts: 5, resendBeforeMs: T0 };
        await Promise.all([
          store.reap(T0 + 10, options),
          store.reap(T0 + 10, options),
          store.reap(T0 + 10, options),
        ]);
        expect((await store.taskImages(alice, 't')).map((r) => [r.state, r.attempt])).toEqual(
          tickets.map(() => ['WAIT_SCAN', 1]),
        );
      });
    });

    describe('accounts', () => {
      it('two accounts with the same task id and images never touch each other’s rows', async () => {
        await saveAll(alice, [1, 2]);
        await saveAll(bob, [1, 2]);
        const [a1] = await store.createTask(alice, task('same', [1, 2]), T0);
        const [b1, b2] = await store.createTask(bob, task('same', [1, 2], { categories: VUL_ONLY }), T0 + 1);
        expect(await store.claim(a1!, 'w1', T0 + 60_000, T0 + 2)).toMatchObject({
          uin: alice.uin,
          categories: ALL,
        });
        expect(await store.claim(b1!, 'w1', T0 + 60_000, T0 + 2)).toMatchObject({
          uin: bob.uin,
          categories: VUL_ONLY,
        });
        expect(await store.complete(a1!, 'w1', { error: 'boom', bytesDone: 0 }, T0 + 3)).toBe(true);
        expect(await store.stop(alice, { taskId: 'same' }, T0 + 4)).toBe(1);
        expect(await store.getTask(alice, 'same')).toMatchObject({ status: 'END', subStatus: 'Cancel' });
        expect(await store.getTask(bob, 'same')).toMatchObject({ status: 'SCANNING', subStatus: '' });
        expect(await store.taskImages(bob, 'same')).toEqual([
          { imageId: imageId(1), state: 'SCANNING', attempt: 0, error: '' },
          { imageId: imageId(2), state: 'WAIT_SCAN', attempt: 0, error: '' },
        ]);
        expect(await store.getImage(bob, imageId(1))).toMatchObject({
          ScanStatus: 'SCANNING',
          ScanError: scanned(1).detail.ScanError,
        });
        expect(await store.getImage(bob, imageId(2))).toMatchObject({ ScanStatus: 'WAIT_SCAN' });
        expect(await store.getImage(alice, imageId(1))).toMatchObject({
          ScanStatus: 'SCAN_ERR',
          ScanError: 'boom',
        });
        expect((await store.latestTask(bob))?.categories).toEqual(VUL_ONLY);
        expect(await store.reap(T0 + 5, { maxAttempts: 3, resendBeforeMs: T0 })).toEqual([b2]);
      });
    });

    describe('scan settings', () => {
      it('stores one setting per account and records firings', async () => {
        expect(await store.getScanSetting(alice)).toBeUndefined();
        await store.putScanSetting(alice, setting(T0));
        await store.putScanSetting(bob, setting(T0 + 5, { enable: false, images: [], scope: 0 }));
        expect(await store.getScanSetting(alice)).toEqual(setting(T0));
        expect(await store.getScanSetting(bob)).toEqual(
          setting(T0 + 5, { enable: false, images: [], scope: 0 }),
        );
        await store.settingFired(alice, { atMs: T0 + 1, taskId: 'task-1', result: 'Success' });
        expect(await store.getScanSetting(alice)).toEqual({
          ...setting(T0),
          lastRunMs: T0 + 1,
          lastTaskId: 'task-1',
          lastResult: 'Success',
        });
        await store.settingFired(alice, { atMs: T0 + 2, result: 'ImageNeedIsEmpty' });
        expect(await store.getScanSetting(alice)).toMatchObject({
          lastRunMs: T0 + 2,
          lastResult: 'ImageNeedIsEmpty',
        });
        expect((await store.getScanSetting(alice))?.lastTaskId).toBeUndefined();
        expect((await store.getScanSetting(bob))?.lastRunMs).toBeUndefined();
      });

      it('fires each due, enabled setting once, even when claimed concurrently', async () => {
        await store.putScanSetting(alice, setting(T0));
        await store.putScanSetting(bob, setting(T0 + 5, { enable: false }));
        const next = (s: ScanSetting) => s.nextRunMs + 24 * HOUR;
        expect(await store.claimDueSettings(T0 - 1, next)).toEqual([]);
        const [a, b] = await Promise.all([
          store.claimDueSettings(T0 + 10, next),
          store.claimDueSettings(T0 + 10, next),
        ]);
        const fired = [...a, ...b];
        expect(fired).toEqual([{ account: alice, setting: setting(T0 + 24 * HOUR) }]);
        expect((await store.getScanSetting(alice))?.nextRunMs).toBe(T0 + 24 * HOUR);
        expect(await store.claimDueSettings(T0 + 10, next)).toEqual([]);
        await expect(store.claimDueSettings(T0 + 24 * HOUR, (s) => s.nextRunMs)).rejects.toThrow(
          /must be after/,
        );
      });
    });

    describe('selectImageIds', () => {
      it('selects the account’s images by filter, minus exclusions, optionally with running containers', async () => {
        for (const [n, name] of [
          [1, 'docker.io/library/nginx:1'],
          [2, 'docker.io/library/nginx:2'],
          [3, 'docker.io/library/redis:7'],
          [4, 'docker.io/library/nginx:3'],
        ] as const)
          await store.saveImage(alice, scanned(n, 1000, name));
        await store.saveImage(bob, scanned(5, 1000, 'docker.io/library/nginx:9'));
        const nginx = { imageName: { values: ['nginx'], exact: false } };
        expect(await store.selectImageIds(alice, nginx, [])).toEqual([1, 2, 4].map(imageId));
        expect(await store.selectImageIds(alice, nginx, [imageId(2)])).toEqual([1, 4].map(imageId));
        expect(await store.selectImageIds(alice, {}, [], { containerRunning: true })).toEqual(
          [1, 3].map(imageId),
        );
        expect(await store.selectImageIds(bob, {}, [])).toEqual([imageId(5)]);
        expect(await store.selectImageIds(alice, { scanStatus: ['NOT_SCAN'] }, [])).toEqual([]);
      });
    });
  });
}
