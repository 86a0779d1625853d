/**
 * The Store contract and PostgreSQL-only behaviour against the machine's PostgreSQL
 * (HULLSCAN_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Every store lives in
 * a fresh schema `hullscan_test_<random>`, dropped (CASCADE) afterwards. Without a reachable server the
 * file is skipped with the reason printed, except under CI, where it fails.
 */

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageOfLayers } from '../../../test/support/dir-image.js';
import { runCli } from '../../../test/support/fixtures.js';
import { type ServerProcess, startServer } from '../../../test/support/server.js';
import type { Component } from '../../core/component.js';
import { alice, bob, detail, imageId, record } from '../contract/fixtures.js';
import { hostContract } from '../contract/host-contract.js';
import { databaseAt0007WithLayers, LAYERS_BEFORE_0008 } from '../contract/layer-history-migration.js';
import { registryContract } from '../contract/registry-contract.js';
import { storeContract } from '../contract/store-contract.js';
import { taskContract } from '../contract/task-contract.js';
import { storeMigrations } from '../migrations/migrations.js';
import { openStore } from '../open-store.js';
import type { SqlStore } from '../sql/sql-store.js';
import type { ImageRecord, VulnerabilityRow } from '../store.js';
import { maskUrl, openPostgresStore } from './postgres-store.js';

delete process.env.http_proxy;
delete process.env.https_proxy;
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const DB_URL = process.env.HULLSCAN_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used here, or undefined when it answers. */
async function unreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DB_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL at ${maskUrl(DB_URL)} is not reachable (${(e as Error).message}); set HULLSCAN_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

const reason = await unreachable();
const skip = reason !== undefined && !process.env.CI;
if (skip) console.warn(`[hullscan tests] skipping PostgreSQL store tests: ${reason}`);

const schemas = new Set<string>();
const newSchema = (): string => {
  const s = `hullscan_test_${randomBytes(6).toString('hex')}`;
  schemas.add(s);
  return s;
};

async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DB_URL });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema: string): Promise<void> {
  await admin((c) => c.query(`drop schema if exists "${schema}" cascade`));
  schemas.delete(schema);
}

/** A store in a fresh schema that drops its schema when closed. */
async function freshStore() {
  const schema = newSchema();
  const store = await openPostgresStore(DB_URL, { schema });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await dropSchema(schema);
  };
  return store;
}

/** A URL whose connections use `schema` (libpq `options`: search_path). */
const urlWithSchema = (schema: string): string => {
  const u = new URL(DB_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
};

afterAll(async () => {
  if (reason !== undefined) return;
  for (const s of [...schemas]) await dropSchema(s);
});

describe('PostgreSQL is reachable', () => {
  it.skipIf(skip)('answers (under CI a missing server fails here instead of skipping)', () => {
    expect(reason).toBeUndefined();
  });
});

describe.skipIf(skip)('PostgreSQL store', () => {
  storeContract('PostgreSQL', freshStore);
  taskContract('PostgreSQL', freshStore);
  hostContract('PostgreSQL', freshStore);
  registryContract('PostgreSQL', freshStore);

  it('masks a URL password in messages', async () => {
    expect(maskUrl('postgres://u:hunter2@h:5432/d')).toBe('postgres://u:***@h:5432/d');
    const bad = 'postgres://postgres:hunter2@127.0.0.1:1/test';
    const error = await openPostgresStore(bad).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain('postgres://postgres:***@127.0.0.1:1/test');
    expect(error?.message).not.toContain('hunter2');
  });

  it('migrating twice is a no-op and keeps every table in the store schema', async () => {
    const schema = newSchema();
    const store = await openPostgresStore(DB_URL, { schema });
    try {
      await store.migrate();
      await store.saveImage(alice, record(1));
      await store.migrate();
      expect((await store.getImage(alice, imageId(1)))?.ImageID).toBe(imageId(1));
      const { migrations, tables } = await admin(async (c) => ({
        migrations: (await c.query(`select name from "${schema}".kysely_migration order by name`)).rows,
        tables: (
          await c.query(
            'select table_name from information_schema.tables where table_schema = $1 order by table_name',
            [schema],
          )
        ).rows.map((r: { table_name: string }) => r.table_name),
      }));
      expect(migrations).toEqual(Object.keys(storeMigrations).map((name) => ({ name })));
      const collations = await admin(
        async (c) =>
          (
            await c.query(
              `select distinct collation_name from information_schema.columns
               where table_schema = $1 and table_name not like 'kysely%' and data_type = 'text'`,
              [schema],
            )
          ).rows,
      );
      expect(collations).toEqual([{ collation_name: 'C' }]);
      // every table the migrations make, and (later migrations add their own) at least these
      expect(tables).toEqual(
        expect.arrayContaining([
          'image_components',
          'image_layers',
          'image_names',
          'image_risks',
          'image_sources',
          'image_viruses',
          'image_vulnerabilities',
          'images',
          'kysely_migration',
          'kysely_migration_lock',
          'scan_settings',
          'scan_tasks',
          'task_images',
        ]),
      );
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('migrates a 0007 schema with stored layers to 0008: their build step is unknown (NULL)', async () => {
    const schema = newSchema();
    await admin((c) => c.query(`create schema "${schema}"`));
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: urlWithSchema(schema), max: 1 }),
      }),
    });
    try {
      await databaseAt0007WithLayers(db, { migrationTableSchema: schema });
    } finally {
      await db.destroy();
    }
    const store = await openPostgresStore(DB_URL, { schema });
    try {
      await store.migrate();
      expect(await store.listLayers(alice, imageId(1))).toEqual(
        LAYERS_BEFORE_0008.map((l) => ({ ...l, historyIndex: null })),
      );
      expect(await store.getImage(alice, imageId(1))).toStrictEqual(detail(1));
      const column = await admin(
        async (c) =>
          (
            await c.query(
              `select data_type, is_nullable from information_schema.columns
               where table_schema = $1 and table_name = 'image_layers' and column_name = 'history_index'`,
              [schema],
            )
          ).rows,
      );
      expect(column).toEqual([{ data_type: 'integer', is_nullable: 'YES' }]);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('two store handles saving the same image at once leave one consistent image', async () => {
    const schema = newSchema();
    const [a, b] = [await openPostgresStore(DB_URL, { schema }), await openPostgresStore(DB_URL, { schema })];
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      const components = (writer: string, round: number, count: number): Component[] =>
        Array.from({ length: count }, (_, i) => ({
          name: `${writer}-pkg-${i}`,
          version: `${round}`,
          type: 'deb',
        }));
      const version = (writer: 'a' | 'b', round: number): ImageRecord => {
        const count = writer === 'a' ? 40 : 25;
        return {
          ...record(
            7,
            { ImageName: `${writer}:${round}`, VulCnt: 0 },
            {
              names: [`${writer}:${round}`, `${writer}:alias`],
              components: components(writer, round, count),
              layers: [{ diffID: `sha256:${writer}`, size: round }],
            },
          ),
          viruses: [
            {
              path: `${writer}/eicar.com`,
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
            },
          ],
        };
      };
      for (let round = 0; round < 15; round++) {
        await Promise.all([
          a.saveImage(alice, version('a', round)),
          b.saveImage(alice, version('b', round)),
          b.saveImage(bob, version('b', round)),
        ]);
        const d = await a.getImage(alice, imageId(7));
        const writer = d!.ImageName.split(':')[0]!;
        const list = await b.listImages(alice, {}, { limit: 10, offset: 0 });
        expect(list.total).toBe(1);
        const comps = await a.listComponents(alice, imageId(7), {}, { limit: 1000, offset: 0 });
        expect(comps!.total).toBe(writer === 'a' ? 40 : 25);
        expect(comps!.rows.every((c) => c.name.startsWith(`${writer}-`) && c.version === String(round))).toBe(
          true,
        );
        const viruses = await b.listViruses(alice, imageId(7), {}, { limit: 10, offset: 0 });
        expect(viruses!.rows.map((v) => v.path)).toEqual([`${writer}/eicar.com`]);
        expect(list.rows[0]).toMatchObject({ ImageName: `${writer}:${round}`, ComponentCnt: comps!.total });
      }
      const counts = await admin(
        async (c) =>
          (
            await c.query(
              `select (select count(*) from "${schema}".images)::int images,
                      (select count(*) from "${schema}".image_names)::int names,
                      (select count(*) from "${schema}".image_layers)::int layers`,
            )
          ).rows[0],
      );
      expect(counts).toEqual({ images: 2, names: 4, layers: 2 });
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });

  it('two bulk saves over the same images in opposite orders both complete (no deadlock)', async () => {
    const schema = newSchema();
    const [a, b] = [await openPostgresStore(DB_URL, { schema }), await openPostgresStore(DB_URL, { schema })];
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      const images = Array.from({ length: 12 }, (_, i) => record(100 + i, { ImageName: `bulk:${i}` }));
      for (let round = 0; round < 8; round++) {
        await Promise.all([a.saveImages(alice, images), b.saveImages(alice, [...images].reverse())]);
      }
      const list = await a.listImages(alice, {}, { limit: 100, offset: 0 });
      expect(list.total).toBe(12);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });

  it('workers racing claims, completions, stops and reaps on two handles leave every task ended', async () => {
    const schema = newSchema();
    const handles = [
      await openPostgresStore(DB_URL, { schema }),
      await openPostgresStore(DB_URL, { schema }),
    ];
    const [a, b] = handles as [SqlStore, SqlStore];
    const t0 = 1_700_000_000_000;
    try {
      await a.migrate();
      const ids = Array.from({ length: 12 }, (_, i) => 300 + i);
      for (const n of ids) await a.saveImage(alice, record(n, { Size: 1000 }));
      for (let round = 0; round < 5; round++) {
        const taskId = `race-${round}`;
        const tickets = await a.createTask(
          alice,
          {
            taskId,
            categories: { vul: true, virus: true, risk: true },
            imageIds: ids.map(imageId),
            deadlineMs: t0 + 3_600_000,
            origin: 'manual',
          },
          t0,
        );
        // every ticket claimed by two workers at once: exactly one wins
        const claims = await Promise.all(
          tickets.flatMap((t) => [
            a.claim(t, 'wa', t0 + 60_000, t0 + 1),
            b.claim(t, 'wb', t0 + 60_000, t0 + 1),
          ]),
        );
        expect(claims.filter((c) => c !== undefined)).toHaveLength(tickets.length);
        const holder = (i: number) => (claims[2 * i] ? 'wa' : 'wb');
        // half complete, the other half is stopped, while both handles reap: no deadlock, no lost end
        const results = await Promise.all([
          ...tickets.map((t, i) =>
            i % 2 === 0
              ? (i % 4 === 0 ? a : b).complete(
                  t,
                  holder(i),
                  { record: record(ids[i]!, { Size: 1000 }), bytesDone: 1000 },
                  t0 + 100,
                )
              : Promise.resolve(true),
          ),
          a.stop(alice, { imageIds: tickets.filter((_, i) => i % 2 === 1).map((t) => t.imageId) }, t0 + 100),
          a.reap(t0 + 100, { maxAttempts: 3, resendBeforeMs: t0 }),
          b.reap(t0 + 100, { maxAttempts: 3, resendBeforeMs: t0 }),
        ]);
        expect(results.slice(0, tickets.length).every((r) => r === true)).toBe(true);
        expect(results[tickets.length]).toBe(tickets.length / 2);
        expect(await b.getTask(alice, taskId)).toMatchObject({ status: 'END', subStatus: 'Cancel' });
        expect(await a.taskCounts(alice, taskId)).toMatchObject({
          total: 12,
          finished: 12,
          scanned: 6,
          canceled: 6,
          bytesLeft: 0,
        });
      }
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });

  it('store handles claiming due scan settings at once fire each setting once', async () => {
    const schema = newSchema();
    const handles = [
      await openPostgresStore(DB_URL, { schema }),
      await openPostgresStore(DB_URL, { schema }),
    ];
    const [a, b] = handles as [SqlStore, SqlStore];
    const accounts = Array.from({ length: 20 }, (_, i) => ({
      appId: 1250000100 + i,
      uin: String(200000 + i),
    }));
    try {
      await a.migrate();
      for (let round = 0; round < 3; round++) {
        const due = 1_700_000_000_000 + round * 86_400_000;
        for (const account of accounts) {
          await a.putScanSetting(account, {
            enable: true,
            scanTime: '02:00',
            scanEndTime: '04:00',
            periodDays: 1,
            categories: { vul: true, virus: false, risk: false },
            scope: 0,
            images: [],
            excludeImages: [],
            containerRunning: false,
            nextRunMs: due,
          });
        }
        const fired = (
          await Promise.all(
            [a, b, a, b, a, b].map((s) =>
              s.claimDueSettings(due, (setting) => setting.nextRunMs + 86_400_000),
            ),
          )
        ).flat();
        expect(fired.map((f) => f.account.uin).sort(), `round ${round}`).toEqual(
          accounts.map((x) => x.uin).sort(),
        );
      }
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });

  it('re-matching racing a rescan never leaves VulCnt disagreeing with the stored rows', async () => {
    const schema = newSchema();
    const [a, b] = [await openPostgresStore(DB_URL, { schema }), await openPostgresStore(DB_URL, { schema })];
    const vuln = (i: number): VulnerabilityRow => ({
      advisoryId: `DSA-${i}`,
      cveId: `CVE-2024-${1000 + i}`,
      aliases: [],
      name: `flaw ${i}`,
      component: `pkg-${i}`,
      version: '1.0',
      componentType: 'deb',
      purl: `pkg:deb/debian/pkg-${i}@1.0`,
      fixedVersions: [],
      level: 3,
      cvss3Score: 7.5,
      cvss3Vector: '',
      description: 'd',
      references: [],
      officialSolution: '',
      submitTime: '2024-01-01 00:00:00',
      tags: [],
      category: 'os',
      unfixed: true,
    });
    const rescan = [vuln(1), vuln(2)];
    const rematch = [vuln(1), vuln(2), vuln(3)];
    try {
      await a.migrate();
      await a.saveImage(alice, { ...record(1), vulnerabilities: rescan });
      for (let round = 0; round < 30; round++) {
        await Promise.all([
          a.replaceVulnerabilities(alice.uin, imageId(1), rematch, { reason: 'r', solution: 's' }),
          b.saveImage(alice, { ...record(1), vulnerabilities: rescan }),
          a.replaceVulnerabilities(alice.uin, imageId(1), rematch, { reason: 'r', solution: 's' }),
        ]);
        const d = await b.getImage(alice, imageId(1));
        const rows = await a.listVulnerabilities(alice, imageId(1), {}, { limit: 100, offset: 0 });
        expect(d?.VulCnt, `round ${round}`).toBe(rows?.total);
      }
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });

  describe('hullscan scan and serve on HULLSCAN_DATABASE_URL', () => {
    let work: string;
    let schema: string;
    let server: ServerProcess | undefined;
    let id: string;
    const account = { appId: 1251000091, uin: '700091' };
    const key = {
      secretId: 'AKIDhullscanPostgresTest0000000001',
      secretKey: 'postgres-store-test-key-000000001',
    };

    beforeAll(async () => {
      work = await mkdtemp(path.join(tmpdir(), 'hullscan-pg-'));
      schema = newSchema();
      await admin((c) => c.query(`create schema "${schema}"`));
    });

    afterAll(async () => {
      if (server) await server.stop();
      if (work) await rm(work, { recursive: true, force: true });
      if (schema) await dropSchema(schema);
    });

    it('scan stores into PostgreSQL, and nothing into the data directory', async () => {
      const ref = await imageOfLayers(path.join(work, 'img'), [
        {
          entries: [
            { path: 'etc/', type: 'Directory' },
            { path: 'etc/motd', body: 'hello from postgres' },
          ],
        },
      ]);
      const data = path.join(work, 'data');
      const env = {
        HULLSCAN_DATABASE_URL: urlWithSchema(schema),
        HULLSCAN_APP_ID: String(account.appId),
        HULLSCAN_UIN: account.uin,
      };
      const r = await runCli(['scan', ref, '--format', 'json', '--quiet', '--scanners', 'secret'], {
        dataDir: data,
        env,
      });
      expect(r.code, r.stderr).toBe(0);
      const store = await openPostgresStore(DB_URL, { schema });
      try {
        const list = await store.listImages(account, {}, { limit: 10, offset: 0 });
        expect(list.total).toBe(1);
        id = list.rows[0]!.ImageID;
        expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect((await store.getImage(account, id))?.ScanStatus).toBe('SCANNED');
      } finally {
        await store.close();
      }
      expect(existsSync(path.join(data, 'hullscan.db'))).toBe(false);
    }, 120_000);

    it('serve answers DescribeAssetImageDetail from PostgreSQL', async () => {
      expect(id).toBeDefined();
      const config = path.join(work, 'config.json');
      await writeFile(
        config,
        JSON.stringify({
          accounts: [{ ...account, credentials: [key] }],
          database: urlWithSchema(schema),
        }),
      );
      server = await startServer(['--data', path.join(work, 'serve-data'), '--config', config], {
        HULLSCAN_DATABASE_URL: 'postgres://nobody:wrong@127.0.0.1:1/none',
      });
      const client = new tcss.v20201101.Client({
        credential: key,
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: server.endpoint, protocol: 'http://', reqTimeout: 30 } },
      });
      const d = await client.DescribeAssetImageDetail({ ImageID: id });
      expect(d.ImageID).toBe(id);
      expect(d.ScanStatus).toBe('SCANNED');
      const list = await client.DescribeAssetImageList({ Limit: 10 });
      expect(list.TotalCount).toBe(1);
      expect(await server.stop()).toBe(0);
      server = undefined;
    }, 60_000);

    it('openStore uses HULLSCAN_DATABASE_URL, and refuses a URL that is not PostgreSQL', async () => {
      const store = await openStore(path.join(work, 'unused'), {
        env: { HULLSCAN_DATABASE_URL: urlWithSchema(schema) },
      });
      try {
        expect((await store.getImage(account, id))?.ImageID).toBe(id);
      } finally {
        await store.close();
      }
      await expect(openStore(work, { databaseUrl: 'mysql://u:pw@h/d' })).rejects.toThrow(
        /mysql:\/\/u:\*\*\*@h\/d is not a PostgreSQL URL/,
      );
    });
  });
});
