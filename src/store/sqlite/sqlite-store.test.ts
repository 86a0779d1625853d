import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { alice, bob, detail, imageId, record } from '../contract/fixtures.js';
import { hostContract } from '../contract/host-contract.js';
import { databaseAt0007WithLayers, LAYERS_BEFORE_0008 } from '../contract/layer-history-migration.js';
import { registryContract } from '../contract/registry-contract.js';
import { storeContract } from '../contract/store-contract.js';
import { taskContract } from '../contract/task-contract.js';
import { storeMigrations } from '../migrations/migrations.js';
import type { ImageRecord } from '../store.js';
import { openSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'hullscan-store-'));
let files = 0;
const tempFile = () => join(dir, `store-${++files}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SQLite in memory', () => openSqliteStore(':memory:'));
storeContract('SQLite file', () => openSqliteStore(tempFile()));
taskContract('SQLite in memory', () => openSqliteStore(':memory:'));
taskContract('SQLite file', () => openSqliteStore(tempFile()));
hostContract('SQLite file', () => openSqliteStore(tempFile()));
registryContract('SQLite in memory', () => openSqliteStore(':memory:'));

/** A clock the test moves. */
function clock(start: string) {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (iso: string) => {
      t = new Date(iso).getTime();
    },
  };
}

describe('SQLite store', () => {
  it('uses WAL and keeps names and layers, replacing them on rescan', async () => {
    const file = tempFile();
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.saveImage(alice, record(1, {}, { names: ['a:1', 'b:2', 'c:3'] }));
    await store.saveImage(bob, record(1, {}, { names: ['bob:1'] }));
    await store.saveImage(
      alice,
      record(1, {}, { names: ['d:4'], layers: [{ diffID: 'sha256:dd', size: 2 ** 40 }] }),
    );
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const rows = (sql: string) => db.prepare(sql).all(alice.uin);
      expect(rows('select position, name from image_names where uin = ? order by position')).toEqual([
        { position: 0, name: 'd:4' },
      ]);
      expect(
        rows('select position, diff_id, size from image_layers where uin = ? order by position'),
      ).toEqual([{ position: 0, diff_id: 'sha256:dd', size: 2 ** 40 }]);
      expect(db.prepare('select count(*) n from image_names where uin = ?').get(bob.uin)).toEqual({ n: 1 });
      expect(db.prepare('select name from kysely_migration').all()).toEqual(
        Object.keys(storeMigrations).map((name) => ({ name })),
      );
    } finally {
      db.close();
      await store.close();
    }
  });

  it('migrates a 0007 database with stored layers to 0008: their build step is unknown (NULL)', async () => {
    const file = tempFile();
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    try {
      await databaseAt0007WithLayers(db);
    } finally {
      await db.destroy();
    }
    const store = await openSqliteStore(file);
    try {
      await store.migrate();
      expect(await store.listLayers(alice, imageId(1))).toEqual(
        LAYERS_BEFORE_0008.map((l) => ({ ...l, historyIndex: null })),
      );
      expect(await store.getImage(alice, imageId(1))).toStrictEqual(detail(1));
      await store.saveImage(
        alice,
        record(1, {}, { layers: [{ diffID: LAYERS_BEFORE_0008[0]!.diffID, size: 1, historyIndex: 3 }] }),
      );
      expect(await store.listLayers(alice, imageId(1))).toEqual([
        { diffID: LAYERS_BEFORE_0008[0]!.diffID, size: 1, historyIndex: 3 },
      ]);
    } finally {
      await store.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      const columns = raw
        .prepare('select name, type, "notnull" from pragma_table_info(\'image_layers\')')
        .all();
      expect(columns).toContainEqual({ name: 'history_index', type: 'INTEGER', notnull: 0 });
      expect(raw.prepare('select name from kysely_migration order by name').all()).toEqual(
        Object.keys(storeMigrations).map((name) => ({ name })),
      );
    } finally {
      raw.close();
    }
  });

  it('keeps first_seen across rescans: "today new" and the default order follow the first save', async () => {
    const c = clock('2024-05-06T15:00:00Z');
    const store = await openSqliteStore(':memory:', c);
    await store.migrate();
    await store.saveImage(alice, record(1)); // 2024-05-06 23:00 in Shanghai
    c.set('2024-05-06T17:00:00Z'); // 2024-05-07 01:00 in Shanghai
    await store.saveImage(alice, record(2));
    c.set('2024-05-06T18:00:00Z');
    await store.saveImage(alice, record(3, { IsTrustImage: false }));
    await store.saveImage(alice, record(1, { VulCnt: 0 })); // rescan: still first seen at 15:00
    expect(await store.summary(alice, 'UTC')).toMatchObject({ imageCount: 3, todayNew: 3, todayUnsafe: 3 });
    expect(await store.summary(alice, 'Asia/Shanghai')).toMatchObject({ todayNew: 2, todayUnsafe: 2 });
    c.set('2024-05-07T05:00:00Z'); // 2024-05-07 13:00 in Shanghai, 2024-05-06 22:00 in Los Angeles
    expect(await store.summary(alice, 'UTC')).toMatchObject({ todayNew: 0, todayUnsafe: 0 });
    expect(await store.summary(alice, 'Asia/Shanghai')).toMatchObject({ todayNew: 2, todayUnsafe: 2 });
    expect(await store.summary(alice, 'America/Los_Angeles')).toMatchObject({ todayNew: 3, todayUnsafe: 3 });
    c.set('2024-05-07T16:30:00Z'); // 2024-05-08 00:30 in Shanghai
    expect(await store.summary(alice, 'Asia/Shanghai')).toMatchObject({ todayNew: 0, todayUnsafe: 0 });
    const newest = await store.listImages(alice, {}, { limit: 10, offset: 0 });
    expect(newest.rows.map((r) => r.ImageID)).toEqual([imageId(3), imageId(2), imageId(1)]);
    await store.close();
  });

  it('deletes the risk and virus rows of an image with the image (cascade)', async () => {
    const file = tempFile();
    const store = await openSqliteStore(file);
    await store.migrate();
    const risk = {
      type: 2,
      behavior: 3,
      level: 4,
      rule: 'secret.x',
      desc: 'd',
      instruction: 'i',
      solution: 's',
    } as const;
    const virus = {
      path: 'a/eicar.com',
      fileName: 'eicar.com',
      md5: '44d88612fea8a8f36de82e1278abb02f',
      size: 68,
      virusName: 'Eicar-Test-Signature',
      level: 2,
      category: 'test',
      tags: [],
      desc: 'd',
      solution: 's',
      engine: 'builtin',
    } as const;
    await store.saveImage(alice, { ...record(1), risks: [risk], viruses: [{ ...virus, tags: [] }] });
    await store.close();
    const db = new Database(file);
    try {
      db.pragma('foreign_keys = ON');
      const count = (t: string) => (db.prepare(`select count(*) n from ${t}`).get() as { n: number }).n;
      expect([count('image_risks'), count('image_viruses')]).toEqual([1, 1]);
      db.prepare('delete from images where uin = ?').run(alice.uin);
      expect([count('image_risks'), count('image_viruses')]).toEqual([0, 0]);
    } finally {
      db.close();
    }
  });

  it('saves many images in one transaction, or none of them', async () => {
    const store = await openSqliteStore(':memory:');
    await store.migrate();
    const bad = record(
      3,
      {},
      { components: [{ name: null as unknown as string, version: '1', type: 'deb' }] },
    );
    await expect(store.saveImages(alice, [record(1), record(2), bad])).rejects.toThrow(/saving images/);
    expect((await store.listImages(alice, {}, { limit: 10, offset: 0 })).total).toBe(0);
    await store.saveImages(alice, [record(1), record(2)]);
    expect((await store.listImages(alice, {}, { limit: 10, offset: 0 })).total).toBe(2);
    await store.close();
  });

  it('lets processes that start at once migrate and write the same file', async () => {
    const file = tempFile();
    const child = fileURLToPath(new URL('./testdata/store-process.mjs', import.meta.url));
    const startAt = Date.now() + 3000;
    const run = promisify(execFile);
    const outputs = await Promise.all(
      [0, 1, 2, 3].map((p) => run(process.execPath, [child, file, String(p * 25), '25', String(startAt)])),
    );
    expect(outputs.map((o) => o.stdout)).toEqual(['ok\n', 'ok\n', 'ok\n', 'ok\n']);
    const store = await openSqliteStore(file);
    await store.migrate();
    expect((await store.listImages(alice, {}, { limit: 1, offset: 0 })).total).toBe(100);
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.prepare('select name from kysely_migration').all()).toEqual(
        Object.keys(storeMigrations).map((name) => ({ name })),
      );
    } finally {
      db.close();
    }
  });

  it('answers getImage and filtered lists quickly with 10,000 images', async () => {
    const store = await openSqliteStore(tempFile());
    await store.migrate();
    const statuses = ['SCANNED', 'SCANNED', 'SCANNED', 'SCAN_ERR', 'NOT_SCAN'];
    const images: ImageRecord[] = Array.from({ length: 10_000 }, (_, i) =>
      record(i, {
        OsName: ['debian:12.5', 'alpine:3.19.1', 'centos:8.4.2105', 'ubuntu:22.04'][i % 4],
        VulCnt: i % 7 === 0 ? 0 : i % 50,
        VirusCnt: i % 97 === 0 ? 1 : 0,
        Size: (i * 7919) % 100_003,
        ScanStatus: statuses[i % statuses.length],
        ScanTime: `2024-05-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00:00`,
      }),
    );
    let t = performance.now();
    await store.saveImages(alice, images);
    const insertMs = performance.now() - t;

    t = performance.now();
    for (let i = 0; i < 1000; i++) {
      const d = await store.getImage(alice, imageId((i * 7) % 10_000));
      if (!d) throw new Error('missing');
    }
    const getPerSecond = 1000 / ((performance.now() - t) / 1000);

    const lists: [string, Parameters<typeof store.listImages>[1], Parameters<typeof store.listImages>[2]][] =
      [
        ['no filter, default order', {}, { limit: 100, offset: 0 }],
        [
          'ImageName substring, by ScanTime desc',
          { imageName: { values: ['app-12'], exact: false } },
          { limit: 100, offset: 0, by: 'ScanTime', order: 'desc' },
        ],
        [
          'OsName exact + VulCnt risk, by Size',
          { osName: { values: ['alpine:3.19.1'], exact: true }, securityRisk: ['VulCnt'] },
          { limit: 100, offset: 0, by: 'Size' },
        ],
        [
          'ScanStatus SCANNED, by ImageName',
          { scanStatus: ['SCANNED'] },
          { limit: 100, offset: 0, by: 'ImageName' },
        ],
        ['Keywords substring', { keywords: { values: ['app-99'], exact: false } }, { limit: 100, offset: 0 }],
        [
          'VirusCnt risk, offset 20',
          { securityRisk: ['VirusCnt'] },
          { limit: 100, offset: 20, by: 'VulCnt', order: 'desc' },
        ],
      ];
    const listMs: Record<string, number> = {};
    for (const [label, filter, page] of lists) {
      await store.listImages(alice, filter, page);
      t = performance.now();
      for (let i = 0; i < 100; i++) await store.listImages(alice, filter, page);
      listMs[label] = (performance.now() - t) / 100;
    }
    await store.close();
    console.log(
      [
        `insert 10,000 images in one transaction: ${insertMs.toFixed(0)} ms`,
        `getImage: ${getPerSecond.toFixed(0)}/s`,
        ...Object.entries(listMs).map(
          ([label, ms]) => `listImages Limit 100, ${label}: ${ms.toFixed(2)} ms/call`,
        ),
      ].join('\n'),
    );
    // generous bounds: the figures above are what to compare; these only catch a collapse
    expect(getPerSecond).toBeGreaterThan(2000);
    for (const ms of Object.values(listMs)) expect(ms).toBeLessThan(50);
  });
});
