import { type Kysely, type Selectable, type SqlBool, sql, type Transaction } from 'kysely';
import type {
  Registry,
  RegistryImage,
  RegistryImageFilter,
  RegistryImageView,
  RegistrySettings,
  RegistryStore,
  SyncCounts,
  SyncResult,
} from '../registries.js';
import type { Account, ImageListRow, Page } from '../store.js';
import { sortOf } from './image-query.js';
import type { RegistriesTable, RegistryImagesTable } from './registry-tables.js';
import { DETAIL_COLUMNS, imageListRow } from './rows.js';
import { likeContains, type SqlDialectOps } from './sql-dialect.js';
import type { StoreDatabase } from './tables.js';

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const bit = (b: boolean): number => (b ? 1 : 0);

/** How often an insert that lost a race for the next id is tried again. */
const ID_ATTEMPTS = 5;

const REGISTRY_SORT = new Map<string, keyof RegistriesTable>([
  ['RegistryId', 'id'],
  ['Name', 'name'],
  ['RegistryType', 'type'],
  ['Url', 'url'],
  ['LatestSyncTime', 'latest_sync_ms'],
]);

const IMAGE_SORT = new Map<string, string>([
  ['Id', 'ri.id'],
  ['ImageName', 'ri.repository'],
  ['ImageTag', 'ri.tag'],
  ['ImageDigest', 'ri.digest'],
  ['ImageId', 'ri.image_id'],
  ['Namespace', 'ri.namespace'],
  ['ImageSize', 'ri.size'],
  ['ImageCreateTime', 'ri.create_time'],
  ['ScanTime', 'i.scan_time'],
  ['VulCnt', 'i.vul_cnt'],
  ['RiskCnt', 'i.risk_cnt'],
  ['VirusCnt', 'i.virus_cnt'],
]);

function registryRow(r: Selectable<RegistriesTable>): Registry {
  return {
    id: num(r.id),
    name: r.name,
    type: r.type,
    url: r.url,
    host: r.host,
    username: r.username,
    sealedPassword: r.sealed_password,
    netType: r.net_type,
    region: r.region,
    version: r.version,
    speedLimit: num(r.speed_limit),
    insecure: num(r.insecure) === 1,
    syncMode: num(r.sync_mode),
    needScan: num(r.need_scan) === 1,
    instanceId: r.instance_id,
    connectStatus: r.connect_status,
    connectMessage: r.connect_message,
    syncStatus: r.sync_status,
    syncMessage: r.sync_message,
    ...(r.latest_sync_ms === null ? {} : { latestSyncMs: num(r.latest_sync_ms) }),
    createdMs: num(r.created_ms),
  };
}

function settingColumns(s: Omit<RegistrySettings, 'sealedPassword'>) {
  return {
    name: s.name,
    type: s.type,
    url: s.url,
    host: s.host,
    username: s.username,
    net_type: s.netType,
    region: s.region,
    version: s.version,
    speed_limit: s.speedLimit,
    insecure: bit(s.insecure),
    sync_mode: s.syncMode,
    need_scan: bit(s.needScan),
    instance_id: s.instanceId,
  };
}

type ImageJoinRow = Selectable<RegistryImagesTable> & { host: string; type: string; region: string };

function registryImage(r: ImageJoinRow): RegistryImage {
  return {
    id: num(r.id),
    registryId: num(r.registry_id),
    host: r.host,
    registryType: r.type,
    region: r.region,
    namespace: r.namespace,
    repository: r.repository,
    tag: r.tag,
    digest: r.digest,
    imageId: r.image_id,
    size: num(r.size),
    createTime: r.create_time,
    architecture: r.architecture,
    firstSeenMs: num(r.first_seen_ms),
    lastSeenMs: num(r.last_seen_ms),
  };
}

/** The namespace of a repository path: its first segment when it has more than one. */
export function namespaceOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash > 0 ? repository.slice(0, slash) : '';
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || /UNIQUE constraint failed/.test(err?.message ?? '');
}

/** RegistryStore on the SQL store's database (SQLite or PostgreSQL). */
export class SqlRegistryStore implements RegistryStore {
  constructor(
    readonly db: Kysely<StoreDatabase>,
    readonly ops: SqlDialectOps,
    readonly now: () => Date,
  ) {}

  async #nextId(
    trx: Transaction<StoreDatabase>,
    table: 'registries' | 'registry_images' | 'registry_scan_tasks',
    uin: string,
  ): Promise<number> {
    const row = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.max('id').as('m'))
      .where('uin', '=', uin)
      .executeTakeFirst();
    return num(row?.m) + 1;
  }

  /** Runs `f` again when it lost a race for an id (a unique violation not about `otherwise`). */
  async #withIdRetry<T>(f: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if (attempt >= ID_ATTEMPTS || !isUniqueViolation(e)) throw e;
      }
    }
  }

  async addRegistry(account: Account, s: RegistrySettings): Promise<number | undefined> {
    const uin = account.uin;
    return this.#withIdRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('registries')
          .select('id')
          .where('uin', '=', uin)
          .where('name', '=', s.name)
          .executeTakeFirst();
        if (taken) return undefined;
        const id = await this.#nextId(trx, 'registries', uin);
        await trx
          .insertInto('registries')
          .values({
            uin,
            id,
            ...settingColumns(s),
            sealed_password: s.sealedPassword,
            connect_status: '',
            connect_message: '',
            sync_status: '',
            sync_message: '',
            latest_sync_ms: null,
            created_ms: this.now().getTime(),
          })
          .execute();
        return id;
      }),
    );
  }

  async updateRegistry(
    account: Account,
    id: number,
    s: Omit<RegistrySettings, 'sealedPassword'> & { sealedPassword?: string },
  ): Promise<'updated' | 'not-found' | 'name-taken'> {
    const uin = account.uin;
    try {
      return await this.db.transaction().execute(async (trx) => {
        const exists = await trx
          .selectFrom('registries')
          .select('id')
          .where('uin', '=', uin)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!exists) return 'not-found';
        const taken = await trx
          .selectFrom('registries')
          .select('id')
          .where('uin', '=', uin)
          .where('name', '=', s.name)
          .where('id', '!=', id)
          .executeTakeFirst();
        if (taken) return 'name-taken';
        const res = await trx
          .updateTable('registries')
          .set({
            ...settingColumns(s),
            ...(s.sealedPassword === undefined ? {} : { sealed_password: s.sealedPassword }),
          })
          .where('uin', '=', uin)
          .where('id', '=', id)
          .executeTakeFirst();
        return num(res.numUpdatedRows) > 0 ? 'updated' : 'not-found';
      });
    } catch (e) {
      if (isUniqueViolation(e)) return 'name-taken';
      throw e;
    }
  }

  async removeRegistry(account: Account, id: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('registry_images')
        .where('uin', '=', account.uin)
        .where('registry_id', '=', id)
        .execute();
      const res = await trx
        .deleteFrom('registries')
        .where('uin', '=', account.uin)
        .where('id', '=', id)
        .executeTakeFirst();
      return num(res.numDeletedRows) > 0;
    });
  }

  async getRegistry(account: Account, id: number): Promise<Registry | undefined> {
    const r = await this.db
      .selectFrom('registries')
      .selectAll()
      .where('uin', '=', account.uin)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && registryRow(r);
  }

  async registryByName(account: Account, name: string): Promise<Registry | undefined> {
    const r = await this.db
      .selectFrom('registries')
      .selectAll()
      .where('uin', '=', account.uin)
      .where('name', '=', name)
      .executeTakeFirst();
    return r && registryRow(r);
  }

  async listRegistries(account: Account, page: Page): Promise<{ total: number; rows: Registry[] }> {
    const sort = sortOf<keyof RegistriesTable>(page, 'registries', REGISTRY_SORT, {
      column: 'id',
      order: 'asc',
    });
    const total = await this.db
      .selectFrom('registries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('uin', '=', account.uin)
      .executeTakeFirst();
    const rows = await this.db
      .selectFrom('registries')
      .selectAll()
      .where('uin', '=', account.uin)
      .orderBy(sort.column, sort.order)
      .orderBy('id', 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { total: num(total?.n), rows: rows.map(registryRow) };
  }

  async setConnection(account: Account, id: number, ok: boolean, message: string): Promise<void> {
    await this.db
      .updateTable('registries')
      .set({ connect_status: ok ? 'success' : 'failed', connect_message: ok ? '' : message })
      .where('uin', '=', account.uin)
      .where('id', '=', id)
      .execute();
  }

  async setSyncState(
    account: Account,
    id: number,
    status: 'SYNCING' | 'SUCCESS' | 'FAILED',
    message: string,
    nowMs: number,
  ): Promise<void> {
    await this.db
      .updateTable('registries')
      .set({
        sync_status: status,
        sync_message: message,
        ...(status === 'SYNCING' ? {} : { latest_sync_ms: nowMs }),
      })
      .where('uin', '=', account.uin)
      .where('id', '=', id)
      .execute();
  }

  #imagesQuery(uin: string) {
    return this.db
      .selectFrom('registry_images as ri')
      .innerJoin('registries as r', (j) =>
        j.onRef('r.uin', '=', 'ri.uin').onRef('r.id', '=', 'ri.registry_id'),
      )
      .leftJoin('images as i', (j) => j.onRef('i.uin', '=', 'ri.uin').onRef('i.image_id', '=', 'ri.image_id'))
      .where('ri.uin', '=', uin);
  }

  async registryImages(account: Account, registryId: number): Promise<RegistryImage[]> {
    const rows = await this.#imagesQuery(account.uin)
      .selectAll('ri')
      .select(['r.host', 'r.type', 'r.region'])
      .where('ri.registry_id', '=', registryId)
      .orderBy('ri.id')
      .execute();
    return rows.map(registryImage);
  }

  async applySync(account: Account, registryId: number, s: SyncResult): Promise<SyncCounts | false> {
    const uin = account.uin;
    return this.#withIdRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const registry = await trx
          .selectFrom('registries')
          .select('id')
          .where('uin', '=', uin)
          .where('id', '=', registryId)
          .executeTakeFirst();
        if (!registry) return false;
        const stored = await trx
          .selectFrom('registry_images')
          .selectAll()
          .where('uin', '=', uin)
          .where('registry_id', '=', registryId)
          .execute();
        const key = (repository: string, tag: string) => `${repository}\0${tag}`;
        const byKey = new Map(stored.map((r) => [key(r.repository, r.tag), r]));
        const counts: SyncCounts = { added: 0, updated: 0, kept: 0, removed: 0 };
        let next = await this.#nextId(trx, 'registry_images', uin);
        const seen = new Set<string>();
        for (const t of s.seen) {
          const k = key(t.repository, t.tag);
          if (seen.has(k)) continue;
          seen.add(k);
          const old = byKey.get(k);
          const info = t.image
            ? {
                image_id: t.image.imageId,
                size: t.image.size,
                create_time: t.image.createTime,
                architecture: t.image.architecture,
              }
            : undefined;
          if (!old) {
            await trx
              .insertInto('registry_images')
              .values({
                uin,
                id: next++,
                registry_id: registryId,
                namespace: namespaceOf(t.repository),
                repository: t.repository,
                tag: t.tag,
                digest: t.digest,
                image_id: info?.image_id ?? '',
                size: info?.size ?? 0,
                create_time: info?.create_time ?? '',
                architecture: info?.architecture ?? '',
                first_seen_ms: s.nowMs,
                last_seen_ms: s.nowMs,
              })
              .execute();
            counts.added++;
            continue;
          }
          const changed = old.digest !== t.digest || (info !== undefined && info.image_id !== old.image_id);
          await trx
            .updateTable('registry_images')
            .set({
              last_seen_ms: s.nowMs,
              digest: t.digest,
              ...(info ??
                (old.digest !== t.digest
                  ? { image_id: '', size: 0, create_time: '', architecture: '' }
                  : {})),
            })
            .where('uin', '=', uin)
            .where('id', '=', old.id)
            .execute();
          if (changed) counts.updated++;
          else counts.kept++;
        }
        if (s.full) {
          const failed = new Set(s.failedRepositories);
          const gone = stored.filter((r) => !seen.has(key(r.repository, r.tag)) && !failed.has(r.repository));
          for (let i = 0; i < gone.length; i += 500) {
            const ids = gone.slice(i, i + 500).map((r) => num(r.id));
            await trx.deleteFrom('registry_images').where('uin', '=', uin).where('id', 'in', ids).execute();
          }
          counts.removed = gone.length;
        }
        return counts;
      }),
    );
  }

  #where(filter: RegistryImageFilter) {
    const ops = this.ops;
    // biome-ignore lint/suspicious/noExplicitAny: the joined query's expression builder
    return (eb: any) => {
      const and: unknown[] = [];
      const text = (col: string, f?: { values: string[]; exact: boolean }) => {
        if (!f) return;
        and.push(
          f.exact ? ops.inList(eb.ref(col), f.values) : ops.likeAny(eb.ref(col), f.values.map(likeContains)),
        );
      };
      if (filter.ids) and.push(filter.ids.length ? eb('ri.id', 'in', filter.ids) : sql<SqlBool>`1 = 0`);
      if (filter.excludeIds?.length) and.push(eb('ri.id', 'not in', filter.excludeIds));
      if (filter.registryIds)
        and.push(
          filter.registryIds.length ? eb('ri.registry_id', 'in', filter.registryIds) : sql<SqlBool>`1 = 0`,
        );
      text('ri.repository', filter.repository);
      text('ri.tag', filter.tag);
      text('ri.namespace', filter.namespace);
      text('ri.digest', filter.digest);
      text('ri.image_id', filter.imageId);
      if (filter.address) {
        const addr = sql`r.host || '/' || ri.repository`;
        and.push(
          filter.address.exact
            ? ops.inList(addr, filter.address.values)
            : ops.likeAny(addr, filter.address.values.map(likeContains)),
        );
      }
      if (filter.registryType) and.push(ops.inList(eb.ref('r.type'), filter.registryType));
      if (filter.scanStatus)
        and.push(ops.inList(sql`coalesce(i.scan_status, 'NOT_SCAN')`, filter.scanStatus));
      if (filter.onlyLatest)
        and.push(
          sql<SqlBool>`not exists (select 1 from registry_images as n where n.uin = ri.uin and n.registry_id = ri.registry_id and n.repository = ri.repository and (n.create_time > ri.create_time or (n.create_time = ri.create_time and n.id > ri.id)))`,
        );
      if (filter.running) and.push(sql<SqlBool>`coalesce(i.container_cnt, 0) > 0`);
      return and.length ? eb.and(and) : sql<SqlBool>`1 = 1`;
    };
  }

  async listImages(
    account: Account,
    filter: RegistryImageFilter,
    page: Page,
  ): Promise<{ total: number; rows: RegistryImageView[] }> {
    const sort = sortOf(page, 'registry images', IMAGE_SORT, { column: 'ri.id', order: 'asc' });
    const where = this.#where(filter);
    const total = await this.#imagesQuery(account.uin)
      .select((eb) => eb.fn.countAll().as('n'))
      .where(where)
      .executeTakeFirst();
    const rows = await this.#imagesQuery(account.uin)
      .selectAll('ri')
      .select(['r.host', 'r.type', 'r.region'])
      .where(where)
      // biome-ignore lint/suspicious/noExplicitAny: a column of the joined tables, from IMAGE_SORT
      .orderBy(sql.ref(sort.column) as any, sort.order)
      .orderBy('ri.id', 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { total: num(total?.n), rows: await this.#withDetails(account.uin, rows.map(registryImage)) };
  }

  async getImage(account: Account, id: number): Promise<RegistryImageView | undefined> {
    const r = await this.#imagesQuery(account.uin)
      .selectAll('ri')
      .select(['r.host', 'r.type', 'r.region'])
      .where('ri.id', '=', id)
      .executeTakeFirst();
    if (!r) return undefined;
    return (await this.#withDetails(account.uin, [registryImage(r)]))[0];
  }

  async #withDetails(uin: string, rows: RegistryImage[]): Promise<RegistryImageView[]> {
    const ids = [...new Set(rows.map((r) => r.imageId).filter((id) => id !== ''))];
    if (ids.length === 0) return rows;
    const details = await this.db
      .selectFrom('images')
      .select([...DETAIL_COLUMNS])
      .where('uin', '=', uin)
      .where((eb) => this.ops.inList(eb.ref('image_id'), ids))
      .execute();
    const byId = new Map<string, ImageListRow>(details.map((d) => [d.image_id, imageListRow(d)]));
    return rows.map((r) => {
      const detail = byId.get(r.imageId);
      return detail ? { ...r, detail } : r;
    });
  }

  async recordScanTask(account: Account, taskId: string, nowMs: number): Promise<number> {
    return this.#withIdRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const id = await this.#nextId(trx, 'registry_scan_tasks', account.uin);
        await trx
          .insertInto('registry_scan_tasks')
          .values({ uin: account.uin, id, task_id: taskId, created_ms: nowMs })
          .execute();
        return id;
      }),
    );
  }

  async scanTask(account: Account, id?: number): Promise<{ id: number; taskId: string } | undefined> {
    let q = this.db
      .selectFrom('registry_scan_tasks')
      .select(['id', 'task_id'])
      .where('uin', '=', account.uin);
    q = id === undefined ? q.orderBy('id', 'desc').limit(1) : q.where('id', '=', id);
    const r = await q.executeTakeFirst();
    return r && { id: num(r.id), taskId: r.task_id };
  }
}
