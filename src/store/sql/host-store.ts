import { type Expression, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import { formatTime } from '../../core/time.js';
import { type ImageDetail, notScannedDetail } from '../../scan/detail.js';
import type {
  ContainerFilter,
  ContainerRow,
  HostCounts,
  HostFilter,
  HostReport,
  HostRow,
  HostStore,
  NodeType,
} from '../hosts.js';
import type { Account, Page } from '../store.js';
import { imageColumns } from './rows.js';
import { chunks, likeContains, type SqlDialectOps } from './sql-dialect.js';
import type { StoreDatabase } from './tables.js';

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const strings = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

type Text = { values: string[]; exact: boolean } | undefined;

/** An IP filter over the JSON array of IPs: substring, or (exact) one whole element. */
const ipFilter = (f: Text): Text =>
  f && { values: f.exact ? f.values.map((v) => JSON.stringify(v)) : f.values, exact: false };

/** Sortable host list fields → columns. */
export const HOST_SORT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['HostName', 'host_name'],
  ['HostID', 'host_id'],
  ['HostIP', 'ips'],
  ['ImageCnt', 'image_cnt'],
  ['ContainerCnt', 'container_cnt'],
  ['LastOnlineTime', 'last_seen_ms'],
  ['Status', 'online'],
]);

/** Sortable container list fields → columns. */
export const CONTAINER_SORT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['ContainerName', 'c.name'],
  ['ContainerID', 'c.container_id'],
  ['CreateTime', 'c.created'],
  ['Status', 'c.state'],
  ['ImageName', 'c.image_name'],
  ['ImageID', 'c.image_id'],
  ['HostName', 'h.host_name'],
  ['HostID', 'c.host_id'],
  ['UpdateTime', 'h.last_seen_ms'],
]);

/** A NOT_SCAN detail for an image first seen on a host. */
function hostImageDetail(image: HostReport['images'][number], timeZone: string): ImageDetail {
  return notScannedDetail({
    ImageID: image.imageId,
    ImageName: image.repoTags[0] ?? image.repoDigests[0]?.split('@')[0] ?? '',
    ImageDigest: image.repoDigests[0]?.split('@')[1] ?? image.imageId,
    CreateTime: image.created > 0 ? formatTime(new Date(image.created * 1000), timeZone) : '',
    Size: image.size,
    RepoDigests: image.repoDigests,
  });
}

/** HostStore on the SQL store's database (SQLite or PostgreSQL). */
export class SqlHostStore implements HostStore {
  constructor(
    readonly db: Kysely<StoreDatabase>,
    readonly ops: SqlDialectOps,
    readonly now: () => Date,
  ) {}

  async applyReport(
    account: Account,
    report: HostReport,
    opts: { nowMs: number; offlineAfterMs: number; timeZone: string },
  ): Promise<{ applied: boolean; lastSeq: number }> {
    const uin = account.uin;
    const hostId = report.hostId;
    try {
      return await this.db.transaction().execute(async (trx) => {
        // one account's reports one at a time: two hosts' reports recount the same image rows, and
        // on PostgreSQL would otherwise lock them in different orders (SQLite writes one at a time anyway)
        if (this.ops.rowLocks === true)
          await sql`select pg_advisory_xact_lock(hashtext(${`hullscan.hosts.${uin}`}))`.execute(trx);
        // the host row exists before it is locked, so two first reports serialise on it
        await trx
          .insertInto('hosts')
          .values({
            uin,
            host_id: hostId,
            host_name: report.hostName,
            ips: '[]',
            node_type: report.nodeType,
            agent_version: report.agentVersion,
            docker_version: report.dockerVersion,
            last_seq: -1,
            last_seen_ms: 0,
            offline_at_ms: 0,
            online: 0,
            image_cnt: 0,
            container_cnt: 0,
          })
          .onConflict((oc) => oc.columns(['uin', 'host_id']).doNothing())
          .execute();
        const current = await trx
          .selectFrom('hosts')
          .select('last_seq')
          .where('uin', '=', uin)
          .where('host_id', '=', hostId)
          .$if(this.ops.rowLocks === true, (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        const lastSeq = num(current.last_seq);
        if (report.seq <= lastSeq) return { applied: false, lastSeq };

        await trx
          .updateTable('hosts')
          .set({
            host_name: report.hostName,
            ips: JSON.stringify(report.ips),
            node_type: report.nodeType,
            agent_version: report.agentVersion,
            docker_version: report.dockerVersion,
            last_seq: report.seq,
            last_seen_ms: opts.nowMs,
            offline_at_ms: opts.nowMs + opts.offlineAfterMs,
            online: 1,
            image_cnt: report.images.length,
            container_cnt: report.containers.length,
          })
          .where('uin', '=', uin)
          .where('host_id', '=', hostId)
          .execute();
        await trx.deleteFrom('host_images').where('uin', '=', uin).where('host_id', '=', hostId).execute();
        await trx
          .deleteFrom('host_containers')
          .where('uin', '=', uin)
          .where('host_id', '=', hostId)
          .execute();
        const max = this.ops.maxParameters;
        const images = report.images.map((i) => ({
          uin,
          host_id: hostId,
          image_id: i.imageId,
          repo_tags: JSON.stringify(i.repoTags),
          repo_digests: JSON.stringify(i.repoDigests),
          size: i.size,
          created: i.created,
          agent_error: i.agentError,
        }));
        for (const rows of chunks(images, max)) await trx.insertInto('host_images').values(rows).execute();
        const containers = report.containers.map((c) => ({
          uin,
          host_id: hostId,
          container_id: c.containerId,
          name: c.name,
          image_id: c.imageId,
          image_name: c.imageName,
          state: c.state,
          status: c.status,
          created: c.created,
        }));
        for (const rows of chunks(containers, max))
          await trx.insertInto('host_containers').values(rows).execute();

        const now = new Date(opts.nowMs).toISOString();
        const fresh = report.images.map((i) => ({
          uin,
          ...imageColumns(hostImageDetail(i, opts.timeZone), 0),
          vuln_digest: '',
          first_seen: now,
          updated_at: now,
        }));
        for (const rows of chunks(fresh, max))
          await trx
            .insertInto('images')
            .values(rows)
            .onConflict((oc) => oc.columns(['uin', 'image_id']).doNothing())
            .execute();
        await recount(trx, uin);
        return { applied: true, lastSeq: report.seq };
      });
    } catch (cause) {
      throw new Error(`store: applying the report of host ${hostId} of account ${uin} failed`, { cause });
    }
  }

  async sweep(nowMs: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const gone = await trx
        .updateTable('hosts')
        .set({ online: 0 })
        .where('online', '=', 1)
        .where('offline_at_ms', '<=', nowMs)
        .returning('uin')
        .execute();
      for (const uin of new Set(gone.map((g) => g.uin))) await recount(trx, uin);
      return gone.length;
    });
  }

  async listHosts(
    account: Account,
    filter: HostFilter,
    page: Page,
  ): Promise<{ total: number; rows: HostRow[] }> {
    const all: Expression<SqlBool>[] = [sql<SqlBool>`uin = ${account.uin}`];
    if (filter.online !== undefined) all.push(sql<SqlBool>`online = ${filter.online ? 1 : 0}`);
    this.#text(all, sql.ref('host_name'), filter.hostName);
    this.#text(all, sql.ref('host_id'), filter.hostId);
    this.#text(all, sql.ref('docker_version'), filter.dockerVersion);
    this.#text(all, sql.ref('ips'), ipFilter(filter.hostIp));
    if (filter.nodeType?.length) all.push(this.ops.inList(sql.ref('node_type'), filter.nodeType));
    const where = (eb: { and(e: Expression<SqlBool>[]): Expression<SqlBool> }) => eb.and(all);
    const total = await this.hostsQuery()
      .where(where)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const column = HOST_SORT_COLUMNS.get(page.by ?? '') ?? 'host_name';
    const dir = page.order ?? (page.by ? 'asc' : 'asc');
    const rows = await this.hostsQuery()
      .where(where)
      .selectAll()
      .orderBy(sql.ref(column), dir)
      .orderBy('host_id', 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return {
      total: num(total?.n),
      rows: rows.map((r) => ({
        hostId: r.host_id,
        hostName: r.host_name,
        ips: strings(r.ips),
        nodeType: r.node_type as NodeType,
        agentVersion: r.agent_version,
        dockerVersion: r.docker_version,
        online: r.online === 1 || (r.online as unknown) === '1',
        lastSeenMs: num(r.last_seen_ms),
        imageCnt: num(r.image_cnt),
        containerCnt: num(r.container_cnt),
      })),
    };
  }

  hostsQuery() {
    return this.db.selectFrom('hosts');
  }

  #text(all: Expression<SqlBool>[], column: Expression<unknown>, f: Text): void {
    if (!f || f.values.length === 0) return;
    all.push(
      f.exact ? this.ops.inList(column, f.values) : this.ops.likeAny(column, f.values.map(likeContains)),
    );
  }

  async listContainers(
    account: Account,
    filter: ContainerFilter,
    page: Page,
  ): Promise<{ total: number; rows: ContainerRow[] }> {
    const all: Expression<SqlBool>[] = [sql<SqlBool>`c.uin = ${account.uin}`];
    this.#text(all, sql.ref('c.name'), filter.containerName);
    this.#text(all, sql.ref('c.container_id'), filter.containerId);
    this.#text(all, sql.ref('c.image_name'), filter.imageName);
    this.#text(all, sql.ref('c.image_id'), filter.imageId);
    this.#text(all, sql.ref('c.host_id'), filter.hostId);
    this.#text(all, sql.ref('h.ips'), ipFilter(filter.hostIp));
    if (filter.state?.length) all.push(this.ops.inList(sql.ref('c.state'), filter.state));
    if (filter.nodeType?.length) all.push(this.ops.inList(sql.ref('h.node_type'), filter.nodeType));
    const base = () =>
      this.db
        .selectFrom('host_containers as c')
        .innerJoin('hosts as h', (j) => j.onRef('h.uin', '=', 'c.uin').onRef('h.host_id', '=', 'c.host_id'))
        .where('h.online', '=', 1)
        .where((eb) => eb.and(all));
    const total = await base()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const column = CONTAINER_SORT_COLUMNS.get(page.by ?? '') ?? 'c.created';
    const dir = page.order ?? (page.by ? 'asc' : 'desc');
    const rows = await base()
      .select([
        'c.container_id',
        'c.name',
        'c.image_id',
        'c.image_name',
        'c.state',
        'c.status',
        'c.created',
        'c.host_id',
        'h.host_name',
        'h.ips',
        'h.node_type',
        'h.last_seen_ms',
      ])
      .orderBy(sql.ref(column), dir)
      .orderBy('c.host_id', 'asc')
      .orderBy('c.container_id', 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return {
      total: num(total?.n),
      rows: rows.map((r) => ({
        containerId: r.container_id,
        name: r.name,
        imageId: r.image_id,
        imageName: r.image_name,
        state: r.state,
        status: r.status,
        created: num(r.created),
        hostId: r.host_id,
        hostName: r.host_name,
        hostIp: strings(r.ips)[0] ?? '',
        nodeType: r.node_type as NodeType,
        updatedMs: num(r.last_seen_ms),
      })),
    };
  }

  async imageHosts(
    account: Account,
    filter: { imageId?: string[]; hostId?: string[] },
    limit: number,
  ): Promise<{ total: number; rows: { imageId: string; hostId: string }[] }> {
    const all: Expression<SqlBool>[] = [sql<SqlBool>`hi.uin = ${account.uin}`];
    if (filter.imageId?.length) all.push(this.ops.inList(sql.ref('hi.image_id'), filter.imageId));
    if (filter.hostId?.length) all.push(this.ops.inList(sql.ref('hi.host_id'), filter.hostId));
    const base = () =>
      this.db
        .selectFrom('host_images as hi')
        .innerJoin('hosts as h', (j) => j.onRef('h.uin', '=', 'hi.uin').onRef('h.host_id', '=', 'hi.host_id'))
        .where('h.online', '=', 1)
        .where((eb) => eb.and(all));
    const total = await base()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const rows = await base()
      .select(['hi.image_id', 'hi.host_id'])
      .orderBy('hi.image_id')
      .orderBy('hi.host_id')
      .limit(limit)
      .execute();
    return { total: num(total?.n), rows: rows.map((r) => ({ imageId: r.image_id, hostId: r.host_id })) };
  }

  async counts(account: Account): Promise<HostCounts> {
    const h = await this.db
      .selectFrom('hosts')
      .where('uin', '=', account.uin)
      .select([
        sql<number>`count(*)`.as('hosts'),
        sql<number>`sum(online)`.as('online'),
        sql<number>`sum(case when node_type = 'super' then 1 else 0 end)`.as('super'),
        sql<number>`sum(case when node_type = 'super' and online = 1 then 1 else 0 end)`.as('super_online'),
      ])
      .executeTakeFirst();
    const c = await this.db
      .selectFrom('host_containers as c')
      .innerJoin('hosts as h', (j) => j.onRef('h.uin', '=', 'c.uin').onRef('h.host_id', '=', 'c.host_id'))
      .where('c.uin', '=', account.uin)
      .where('h.online', '=', 1)
      .select([
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when c.state = 'running' then 1 else 0 end)`.as('running'),
        sql<number>`sum(case when c.state = 'paused' then 1 else 0 end)`.as('paused'),
        sql<number>`sum(case when c.state in ('exited', 'dead', 'created') then 1 else 0 end)`.as('stopped'),
      ])
      .executeTakeFirst();
    return {
      hosts: num(h?.hosts),
      online: num(h?.online),
      superNodes: num(h?.super),
      superNodesOnline: num(h?.super_online),
      containers: num(c?.n),
      running: num(c?.running),
      paused: num(c?.paused),
      stopped: num(c?.stopped),
    };
  }
}

/**
 * Recounts HostCnt / SuperNodeCnt / ContainerCnt (online hosts only) and the agents' AgentError of
 * every image of `uin` that a host holds or that counted anything before.
 */
async function recount(trx: Transaction<StoreDatabase>, uin: string): Promise<void> {
  const onHost = sql`from host_images hi join hosts h on h.uin = hi.uin and h.host_id = hi.host_id
    where h.online = 1 and hi.uin = images.uin and hi.image_id = images.image_id`;
  await sql`update images set
      host_cnt = (select count(*) ${onHost}),
      super_node_cnt = (select count(*) ${onHost} and h.node_type = 'super'),
      container_cnt = (select count(*) from host_containers c join hosts h
        on h.uin = c.uin and h.host_id = c.host_id
        where h.online = 1 and c.uin = images.uin and c.image_id = images.image_id),
      agent_error = case
        when exists (select 1 from host_images hx where hx.uin = images.uin and hx.image_id = images.image_id)
        then coalesce((select max(hi.agent_error) ${onHost} and hi.agent_error <> ''), '')
        else agent_error end
    where uin = ${uin} and (host_cnt > 0 or container_cnt > 0 or super_node_cnt > 0
      or exists (select 1 from host_images hx where hx.uin = images.uin and hx.image_id = images.image_id)
      or exists (select 1 from host_containers cx where cx.uin = images.uin and cx.image_id = images.image_id))`.execute(
    trx,
  );
}
