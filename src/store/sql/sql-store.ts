import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql, type Transaction } from 'kysely';
import type { ImageDetail } from '../../scan/detail.js';
import { migrateToLatest } from '../migrations/migrate.js';
import type {
  Account,
  AccountSummary,
  ComponentFilter,
  ComponentRow,
  ComponentTopFilter,
  ComponentTopRow,
  ImageFilter,
  ImageListRow,
  ImageRecord,
  ListedVulnerability,
  Page,
  RiskFilter,
  RiskRow,
  Store,
  StoredIndex,
  StoredLayer,
  VirusFilter,
  VirusRow,
  VulnerabilityFilter,
  VulnerabilityRow,
} from '../store.js';
import type {
  Claimed,
  Completion,
  Heartbeat,
  HeartbeatVerdict,
  ImageSource,
  JobTicket,
  NewTask,
  ScanCategories,
  ScanSetting,
  StopSelection,
  TaskCounts,
  TaskRow,
  TaskStore,
} from '../tasks.js';
import { dayRange } from './day-range.js';
import { SqlHostStore } from './host-store.js';
import {
  COMPONENT_SORT_COLUMNS,
  componentWhere,
  IMAGE_SORT_COLUMNS,
  imageWhere,
  RISK_SORT_COLUMNS,
  sortOf,
  VIRUS_SORT_COLUMNS,
  VULNERABILITY_SORT_COLUMNS,
} from './image-query.js';
import { SqlRegistryStore } from './registry-store.js';
import {
  componentColumns,
  componentRow,
  DETAIL_COLUMNS,
  imageColumns,
  imageDetail,
  imageListRow,
  layerColumns,
  riskColumns,
  riskCounts,
  riskRow,
  storedLayer,
  virusColumns,
  virusKey,
  virusRow,
  vulnerabilityColumns,
  vulnerabilityCounts,
  vulnerabilityDigest,
  vulnerabilityRow,
} from './rows.js';
import { chunks, likeContains, type SqlDialectOps } from './sql-dialect.js';
import type { ImagesTable, StoreDatabase } from './tables.js';
import { SqlTaskStore } from './task-store.js';

export interface SqlStoreOptions {
  /** clock for first_seen / updated_at and "today" (tests set it) */
  now?: () => Date;
  /** the schema of the migration bookkeeping tables (PostgreSQL: the store's schema) */
  migrationTableSchema?: string;
}

/** Whether a filter matches text by substring (LIKE), which no index can answer. */
function hasSubstringFilter(f: ImageFilter): boolean {
  return [f.imageName, f.imageId, f.osName, f.keywords].some(
    (t) => t !== undefined && !t.exact && t.values.length > 0,
  );
}

/** Whether the account has the image (inside the caller's transaction). */
async function imageExists(trx: Transaction<StoreDatabase>, uin: string, imageId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('images')
    .select('image_id')
    .where('uin', '=', uin)
    .where('image_id', '=', imageId)
    .executeTakeFirst();
  return row !== undefined;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The aggregate each topVulnerableComponents sort (COMPONENT_TOP_SORTS) orders by. */
const TOP_SORT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['VulCount', 'vul_count'],
  ['ImageCount', 'image_count'],
  ['CriticalVulCount', 'critical_vul_count'],
  ['HighVulCount', 'high_vul_count'],
]);

const CATEGORIES = ['vul', 'virus', 'risk'] as const satisfies readonly (keyof ScanCategories)[];
const ALL_CATEGORIES: ScanCategories = { vul: true, virus: true, risk: true };

/** The images columns a save leaves as stored when it did not scan the category (a task's partial scan). */
/** Columns host reports maintain (src/store/sql/host-store.ts): a save of the image keeps them. */
const HOST_MAINTAINED: readonly (keyof ImagesTable)[] = [
  'host_cnt',
  'container_cnt',
  'super_node_cnt',
  'agent_error',
];

const KEPT_UNLESS_SCANNED: Record<keyof ScanCategories, readonly (keyof ImagesTable)[]> = {
  vul: [
    'vul_cnt',
    'critical_level_vul_cnt',
    'high_level_vul_cnt',
    'medium_level_vul_cnt',
    'low_level_vul_cnt',
    'reason',
    'solution',
    'vuln_digest',
    'scan_vul_error',
    'scan_vul_progress',
  ],
  risk: ['risk_cnt', 'sensitive_info_cnt', 'scan_risk_error', 'scan_risk_progress'],
  virus: ['virus_cnt', 'scan_virus_error', 'scan_virus_progress'],
};

/**
 * The Store on any SQL database Kysely speaks: a dialect contributes its Kysely instance and the few
 * SqlDialectOps; schema, queries and transactions are shared. The Store interface states the
 * postconditions; list order and summary definitions are documented per method here.
 */
export class SqlStore implements Store {
  readonly #db: Kysely<StoreDatabase>;
  readonly #ops: SqlDialectOps;
  readonly #now: () => Date;
  readonly #migrationTableSchema: string | undefined;
  readonly #tasks: SqlTaskStore;
  readonly registries: SqlRegistryStore;
  readonly hosts: SqlHostStore;

  constructor(db: Kysely<StoreDatabase>, ops: SqlDialectOps, options: SqlStoreOptions = {}) {
    this.#db = db;
    this.#ops = ops;
    this.#now = options.now ?? (() => new Date());
    this.#migrationTableSchema = options.migrationTableSchema;
    this.registries = new SqlRegistryStore(db, ops, this.#now);
    this.hosts = new SqlHostStore(db, ops, this.#now);
    this.#tasks = new SqlTaskStore(db, ops, this.#now, {
      writeImage: (trx, account, image, scanned) => this.#write(trx, account, image, scanned),
      replaceVulnerabilities: (trx, uin, imageId, rows, text) =>
        this.#replaceVulnerabilities(trx, uin, imageId, rows, text),
    });
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.#db as unknown as Kysely<unknown>, {
      migrationTableSchema: this.#migrationTableSchema,
    });
  }

  async saveImage(account: Account, image: ImageRecord): Promise<void> {
    try {
      await this.#db.transaction().execute((trx) => this.#write(trx, account, image));
    } catch (cause) {
      throw new Error(`store: saving image ${image.detail.ImageID} of account ${account.uin} failed`, {
        cause,
      });
    }
  }

  /** saveImage for many images in one transaction (bulk import, benchmarks): all of them or none. */
  async saveImages(account: Account, images: Iterable<ImageRecord>): Promise<void> {
    try {
      // one lock order for every bulk save: two of them over the same images in different orders
      // would otherwise deadlock on PostgreSQL, each holding a row the other waits for (the sort is
      // stable, so an image given twice still ends as its last version)
      const ordered = [...images].sort((x, y) =>
        x.detail.ImageID < y.detail.ImageID ? -1 : x.detail.ImageID > y.detail.ImageID ? 1 : 0,
      );
      await this.#db.transaction().execute(async (trx) => {
        for (const image of ordered) await this.#write(trx, account, image);
      });
    } catch (cause) {
      throw new Error(`store: saving images of account ${account.uin} failed`, { cause });
    }
  }

  async registerImage(account: Account, image: ImageRecord): Promise<boolean> {
    const uin = account.uin;
    const id = image.detail.ImageID;
    const now = this.#now().toISOString();
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('images')
          .values({
            uin,
            ...imageColumns(image.detail, 0),
            vuln_digest: '',
            first_seen: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.columns(['uin', 'image_id']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
        const max = this.#ops.maxParameters;
        const names = image.names.map((name, position) => ({ uin, image_id: id, position, name }));
        for (const rows of chunks(names, max)) await trx.insertInto('image_names').values(rows).execute();
        const layers = image.layers.map((l, position) => layerColumns(uin, id, position, l));
        for (const rows of chunks(layers, max)) await trx.insertInto('image_layers').values(rows).execute();
        return true;
      });
    } catch (cause) {
      throw new Error(`store: registering image ${id} of account ${uin} failed`, { cause });
    }
  }

  setImageSource(account: Account, source: ImageSource): Promise<void> {
    return this.#tasks.setImageSource(account, source);
  }

  getImageSource(account: Account, imageId: string): Promise<string | undefined> {
    return this.#tasks.getImageSource(account, imageId);
  }

  createTask(account: Account, task: NewTask, nowMs: number): Promise<JobTicket[]> {
    return this.#tasks.createTask(account, task, nowMs);
  }

  getTask(account: Account, taskId: string): Promise<TaskRow | undefined> {
    return this.#tasks.getTask(account, taskId);
  }

  latestTask(account: Account): Promise<TaskRow | undefined> {
    return this.#tasks.latestTask(account);
  }

  taskCounts(account: Account, taskId: string): Promise<TaskCounts | undefined> {
    return this.#tasks.taskCounts(account, taskId);
  }

  taskImages(account: Account, taskId: string): ReturnType<TaskStore['taskImages']> {
    return this.#tasks.taskImages(account, taskId);
  }

  markSent(tickets: JobTicket[], nowMs: number): Promise<void> {
    return this.#tasks.markSent(tickets, nowMs);
  }

  claim(
    ticket: JobTicket,
    worker: string,
    leaseUntilMs: number,
    nowMs: number,
  ): Promise<Claimed | undefined> {
    return this.#tasks.claim(ticket, worker, leaseUntilMs, nowMs);
  }

  heartbeat(
    ticket: JobTicket,
    worker: string,
    beat: Heartbeat,
    leaseUntilMs: number,
    nowMs: number,
  ): Promise<HeartbeatVerdict> {
    return this.#tasks.heartbeat(ticket, worker, beat, leaseUntilMs, nowMs);
  }

  complete(ticket: JobTicket, worker: string, done: Completion, nowMs: number): Promise<boolean> {
    return this.#tasks.complete(ticket, worker, done, nowMs);
  }

  stop(account: Account, selection: StopSelection, nowMs: number): Promise<number> {
    return this.#tasks.stop(account, selection, nowMs);
  }

  reap(nowMs: number, options: { maxAttempts: number; resendBeforeMs: number }): Promise<JobTicket[]> {
    return this.#tasks.reap(nowMs, options);
  }

  getScanSetting(account: Account): Promise<ScanSetting | undefined> {
    return this.#tasks.getScanSetting(account);
  }

  putScanSetting(account: Account, setting: ScanSetting): Promise<void> {
    return this.#tasks.putScanSetting(account, setting);
  }

  claimDueSettings(
    nowMs: number,
    next: (s: ScanSetting) => number,
  ): Promise<{ account: Account; setting: ScanSetting }[]> {
    return this.#tasks.claimDueSettings(nowMs, next);
  }

  settingFired(account: Account, result: { atMs: number; taskId?: string; result: string }): Promise<void> {
    return this.#tasks.settingFired(account, result);
  }

  selectImageIds(
    account: Account,
    filter: ImageFilter,
    exclude: string[],
    options?: { containerRunning?: boolean },
  ): Promise<string[]> {
    return this.#tasks.selectImageIds(account, filter, exclude, options);
  }

  /**
   * Upserts the images row (keeping first_seen) and replaces the image's names, layers and components.
   * A category `scanned` says was not scanned keeps what is stored (KEPT_UNLESS_SCANNED): its finding
   * rows and their image columns; every other column and row is replaced.
   */
  async #write(
    trx: Transaction<StoreDatabase>,
    account: Account,
    image: ImageRecord,
    scanned: ScanCategories = ALL_CATEGORIES,
  ): Promise<void> {
    const uin = account.uin;
    const id = image.detail.ImageID;
    const now = this.#now().toISOString();
    const { image_id: _, ...detailColumns } = imageColumns(image.detail, image.components.length);
    // a rescan's components may differ: earlier matches go; with new ones given, the counts follow them
    const vulns = image.vulnerabilities;
    const columns = {
      ...detailColumns,
      ...(vulns
        ? { ...vulnerabilityCounts(vulns), vuln_digest: vulnerabilityDigest(vulns) }
        : { vuln_digest: '' }),
      ...(image.risks ? riskCounts(image.risks) : {}),
      ...(image.viruses ? { virus_cnt: image.viruses.length } : {}),
    };
    // where the image runs is the agents' to say (hosts reports), whatever a scan's detail carries
    const kept = new Set<keyof ImagesTable>([
      ...HOST_MAINTAINED,
      ...CATEGORIES.flatMap((c) => (scanned[c] ? [] : KEPT_UNLESS_SCANNED[c])),
    ]);
    const updated = Object.fromEntries(
      Object.entries(columns).filter(([column]) => !kept.has(column as keyof ImagesTable)),
    );
    const max = this.#ops.maxParameters;
    // the upsert comes first: on PostgreSQL it locks the image's row, so a concurrent save of the same
    // image waits here and then reads (and replaces) what this one wrote
    await trx
      .insertInto('images')
      .values({ uin, image_id: id, ...columns, first_seen: now, updated_at: now })
      .onConflict((oc) => oc.columns(['uin', 'image_id']).doUpdateSet({ ...updated, updated_at: now }))
      .execute();
    const firstSeen =
      scanned.virus && image.viruses?.length
        ? await this.#virusFirstScanTimes(trx, uin, id)
        : new Map<string, string>();
    const replaced = [
      ...(scanned.virus ? (['image_viruses'] as const) : []),
      ...(scanned.risk ? (['image_risks'] as const) : []),
      ...(scanned.vul ? (['image_vulnerabilities'] as const) : []),
      'image_components',
      'image_layers',
      'image_names',
    ] as const;
    for (const table of replaced) {
      await trx.deleteFrom(table).where('uin', '=', uin).where('image_id', '=', id).execute();
    }
    const names = image.names.map((name, position) => ({ uin, image_id: id, position, name }));
    for (const rows of chunks(names, max)) await trx.insertInto('image_names').values(rows).execute();
    const layers = image.layers.map((l, position) => layerColumns(uin, id, position, l));
    for (const rows of chunks(layers, max)) await trx.insertInto('image_layers').values(rows).execute();
    const components = image.components.map((c, position) => componentColumns(uin, id, position, c));
    for (const rows of chunks(components, max))
      await trx.insertInto('image_components').values(rows).execute();
    if (scanned.vul) await this.#insertVulnerabilities(trx, uin, id, image.vulnerabilities ?? []);
    if (scanned.risk) {
      const risks = (image.risks ?? []).map((r, position) => riskColumns(uin, id, position, r));
      for (const rows of chunks(risks, max)) await trx.insertInto('image_risks').values(rows).execute();
    }
    if (scanned.virus) {
      const latest = image.detail.ScanTime;
      const viruses = (image.viruses ?? []).map((v, position) =>
        virusColumns(uin, id, position, v, { first: firstSeen.get(virusKey(v)) ?? latest, latest }),
      );
      for (const rows of chunks(viruses, max)) await trx.insertInto('image_viruses').values(rows).execute();
    }
  }

  /** FirstScanTime of each (path, md5, virus name) already stored for the image, before a rescan replaces them. */
  async #virusFirstScanTimes(
    trx: Transaction<StoreDatabase>,
    uin: string,
    id: string,
  ): Promise<Map<string, string>> {
    const old = await trx
      .selectFrom('image_viruses')
      .select(['path', 'md5', 'virus_name', 'first_scan_time'])
      .where('uin', '=', uin)
      .where('image_id', '=', id)
      .execute();
    const first = new Map<string, string>();
    for (const r of old) {
      const key = virusKey({ path: r.path, md5: r.md5, virusName: r.virus_name });
      const seen = first.get(key);
      // the earliest known time; '' (an unknown ScanTime) only when nothing better is known
      if (seen === undefined || seen === '' || (r.first_scan_time !== '' && r.first_scan_time < seen))
        first.set(key, r.first_scan_time);
    }
    return first;
  }

  async #insertVulnerabilities(
    trx: Transaction<StoreDatabase>,
    uin: string,
    id: string,
    vulns: VulnerabilityRow[],
  ): Promise<void> {
    const rows = vulns.map((v, position) => vulnerabilityColumns(uin, id, position, v));
    for (const part of chunks(rows, this.#ops.maxParameters))
      await trx.insertInto('image_vulnerabilities').values(part).execute();
  }

  async replaceVulnerabilities(
    uin: string,
    imageId: string,
    rows: VulnerabilityRow[],
    text: { reason: string; solution: string },
  ): Promise<boolean> {
    return this.#db
      .transaction()
      .execute((trx) => this.#replaceVulnerabilities(trx, uin, imageId, rows, text));
  }

  /** replaceVulnerabilities inside the caller's transaction. */
  async #replaceVulnerabilities(
    trx: Transaction<StoreDatabase>,
    uin: string,
    imageId: string,
    rows: VulnerabilityRow[],
    text: { reason: string; solution: string },
  ): Promise<boolean> {
    const digest = vulnerabilityDigest(rows);
    const current = await trx
      .selectFrom('images')
      .select('vuln_digest')
      .where('uin', '=', uin)
      .where('image_id', '=', imageId)
      .$if(this.#ops.rowLocks === true, (q) => q.forUpdate())
      .executeTakeFirst();
    if (!current) return false;
    await trx
      .updateTable('images')
      .set({
        ...vulnerabilityCounts(rows),
        reason: text.reason,
        solution: text.solution,
        vuln_digest: digest,
      })
      .where('uin', '=', uin)
      .where('image_id', '=', imageId)
      .execute();
    // re-matching after an import mostly finds what it found before: then the rows stay as they are
    if (current.vuln_digest === digest) return true;
    await trx
      .deleteFrom('image_vulnerabilities')
      .where('uin', '=', uin)
      .where('image_id', '=', imageId)
      .execute();
    await this.#insertVulnerabilities(trx, uin, imageId, rows);
    return true;
  }

  /** Without `by`, highest level first; ties keep the matcher's order. */
  async listVulnerabilities(
    account: Account,
    imageId: string,
    filter: VulnerabilityFilter,
    page: Page,
  ): Promise<{ total: number; rows: ListedVulnerability[] } | undefined> {
    const sort = sortOf(page, 'vulnerability list', VULNERABILITY_SORT_COLUMNS, {
      column: 'level',
      order: 'desc',
    });
    const ops = this.#ops;
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        if (!(await imageExists(trx, account.uin, imageId))) return undefined;
        let q = trx
          .selectFrom('image_vulnerabilities')
          .where('uin', '=', account.uin)
          .where('image_id', '=', imageId);
        if (filter.level?.length) q = q.where('level', 'in', filter.level);
        const name = filter.name;
        if (name?.values.length)
          q = q.where((eb) =>
            eb.or([textMatch(ops, eb.ref('name'), name), textMatch(ops, eb.ref('cve_id'), name)]),
          );
        const cveId = filter.cveId;
        if (cveId?.values.length) q = q.where((eb) => textMatch(ops, eb.ref('cve_id'), cveId));
        const { n } = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        const total = num(n);
        if (page.offset >= total || page.limit === 0) return { total, rows: [] };
        const rows = await q
          .selectAll('image_vulnerabilities')
          .select((eb) =>
            eb
              .selectFrom('image_components as c')
              .leftJoin('image_layers as l', (j) =>
                j
                  .onRef('l.uin', '=', 'c.uin')
                  .onRef('l.image_id', '=', 'c.image_id')
                  .onRef('l.diff_id', '=', 'c.layer'),
              )
              .select('c.layer')
              .whereRef('c.uin', '=', 'image_vulnerabilities.uin')
              .whereRef('c.image_id', '=', 'image_vulnerabilities.image_id')
              .whereRef('c.name', '=', 'image_vulnerabilities.component')
              .whereRef('c.version', '=', 'image_vulnerabilities.version')
              .where((w) =>
                w.or([
                  w('image_vulnerabilities.component_type', '=', ''),
                  w('c.type', '=', w.ref('image_vulnerabilities.component_type')),
                ]),
              )
              .where('c.layer', 'is not', null)
              // the bottom-most layer; a layer the image's layer list lacks comes after every listed one
              .orderBy((o) => o.fn.coalesce('l.position', sql.lit(2 ** 31 - 1)))
              .orderBy('c.position')
              .limit(1)
              .as('component_layer'),
          )
          .orderBy(sql.ref(sort.column), sort.order)
          .orderBy('position', 'asc')
          .limit(page.limit)
          .offset(page.offset)
          .execute();
        return {
          total,
          rows: rows.map(({ component_layer, ...r }) => {
            const row: ListedVulnerability = vulnerabilityRow(r);
            if (component_layer !== null && component_layer !== undefined) row.layer = component_layer;
            return row;
          }),
        };
      });
  }

  /** Without `by`, highest level first; ties keep the scan's order. */
  async listRisks(
    account: Account,
    imageId: string,
    filter: RiskFilter,
    page: Page,
  ): Promise<{ total: number; rows: RiskRow[] } | undefined> {
    const sort = sortOf(page, 'risk list', RISK_SORT_COLUMNS, { column: 'level', order: 'desc' });
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        if (!(await imageExists(trx, account.uin, imageId))) return undefined;
        let q = trx.selectFrom('image_risks').where('uin', '=', account.uin).where('image_id', '=', imageId);
        if (filter.level?.length) q = q.where('level', 'in', filter.level);
        if (filter.behavior?.length) q = q.where('behavior', 'in', filter.behavior);
        if (filter.type?.length) q = q.where('type', 'in', filter.type);
        const { n } = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        const total = num(n);
        if (page.offset >= total || page.limit === 0) return { total, rows: [] };
        const rows = await q
          .selectAll()
          .orderBy(
            (eb) => (sort.column === 'path' ? eb.fn.coalesce('path', sql.lit('')) : sql.ref(sort.column)),
            sort.order,
          )
          .orderBy('position', 'asc')
          .limit(page.limit)
          .offset(page.offset)
          .execute();
        return { total, rows: rows.map(riskRow) };
      });
  }

  /** Without `by`, highest level first; ties keep the scan's order. */
  async listViruses(
    account: Account,
    imageId: string,
    filter: VirusFilter,
    page: Page,
  ): Promise<{ total: number; rows: VirusRow[] } | undefined> {
    const sort = sortOf(page, 'virus list', VIRUS_SORT_COLUMNS, { column: 'level', order: 'desc' });
    const ops = this.#ops;
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        if (!(await imageExists(trx, account.uin, imageId))) return undefined;
        let q = trx
          .selectFrom('image_viruses')
          .where('uin', '=', account.uin)
          .where('image_id', '=', imageId);
        if (filter.riskLevel?.length) q = q.where('level', 'in', filter.riskLevel);
        if (filter.name?.values.length) {
          const f = filter.name;
          q = q.where((eb) =>
            eb.or([textMatch(ops, eb.ref('virus_name'), f), textMatch(ops, eb.ref('file_name'), f)]),
          );
        }
        const { n } = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        const total = num(n);
        if (page.offset >= total || page.limit === 0) return { total, rows: [] };
        const rows = await q
          .selectAll()
          .orderBy(sql.ref(sort.column), sort.order)
          .orderBy('position', 'asc')
          .limit(page.limit)
          .offset(page.offset)
          .execute();
        return { total, rows: rows.map(virusRow) };
      });
  }

  async listLayers(account: Account, imageId: string): Promise<StoredLayer[] | undefined> {
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        if (!(await imageExists(trx, account.uin, imageId))) return undefined;
        const rows = await trx
          .selectFrom('image_layers')
          .select(['diff_id', 'size', 'history_index'])
          .where('uin', '=', account.uin)
          .where('image_id', '=', imageId)
          .orderBy('position', 'asc')
          .execute();
        return rows.map(storedLayer);
      });
  }

  /**
   * One GROUP BY over the account's vulnerability rows; the page's sort keys are the aggregates, so the
   * count of groups and the page are two statements in one read-only transaction.
   */
  async topVulnerableComponents(
    account: Account,
    filter: ComponentTopFilter,
    page: Page,
  ): Promise<{ total: number; rows: ComponentTopRow[] }> {
    // a ranking reads highest first unless asked otherwise
    const { column, order } = sortOf(
      { ...page, order: page.order ?? 'desc' },
      'component ranking',
      TOP_SORT_COLUMNS,
      {
        column: 'vul_count',
        order: 'desc',
      },
    );
    const ops = this.#ops;
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        const groups = trx
          .selectFrom('image_vulnerabilities')
          .where('uin', '=', account.uin)
          .$if(filter.name !== undefined && filter.name.values.length > 0, (q) =>
            q.where((eb) => textMatch(ops, eb.ref('component'), filter.name!)),
          )
          .$if(filter.type !== undefined && filter.type.values.length > 0, (q) =>
            q.where((eb) => textMatch(ops, eb.ref('component_type'), filter.type!)),
          )
          .groupBy(['component', 'version', 'component_type']);
        const { n } = await trx
          .selectFrom(groups.select('component').as('g'))
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        const total = num(n);
        if (page.offset >= total || page.limit === 0) return { total, rows: [] };
        const atLevel = (level: number) =>
          sql<string>`case when level = ${sql.lit(level)} then advisory_id end`;
        const rows = await groups
          .select((eb) => [
            'component',
            'version',
            'component_type',
            eb.fn.count('advisory_id').distinct().as('vul_count'),
            eb.fn.count(atLevel(4)).distinct().as('critical_vul_count'),
            eb.fn.count(atLevel(3)).distinct().as('high_vul_count'),
            eb.fn.count(atLevel(2)).distinct().as('medium_vul_count'),
            eb.fn.count(atLevel(1)).distinct().as('low_vul_count'),
            eb.fn.count('image_id').distinct().as('image_count'),
            eb.fn
              .min(sql<string>`case when fixed_versions <> '[]' then fixed_versions end`)
              .as('fixed_versions'),
          ])
          .orderBy(sql.ref(column), order)
          .orderBy(sql.ref('vul_count'), 'desc')
          .orderBy(sql.ref('image_count'), 'desc')
          .orderBy('component', 'asc')
          .orderBy('version', 'asc')
          .orderBy('component_type', 'asc')
          .limit(page.limit)
          .offset(page.offset)
          .execute();
        return {
          total,
          rows: rows.map((r) => ({
            name: r.component,
            version: r.version,
            type: r.component_type,
            vulCount: num(r.vul_count),
            criticalVulCount: num(r.critical_vul_count),
            highVulCount: num(r.high_vul_count),
            mediumVulCount: num(r.medium_vul_count),
            lowVulCount: num(r.low_vul_count),
            imageCount: num(r.image_count),
            fixedVersion: r.fixed_versions ? ((JSON.parse(r.fixed_versions) as string[])[0] ?? '') : '',
          })),
        };
      });
  }

  async componentVulCounts(account: Account, imageId: string): Promise<Map<string, number>> {
    const rows = await this.#db
      .selectFrom('image_vulnerabilities')
      .select(['component', 'version', (eb) => eb.fn.countAll().as('n')])
      .where('uin', '=', account.uin)
      .where('image_id', '=', imageId)
      .groupBy(['component', 'version'])
      .execute();
    return new Map(rows.map((r) => [`${r.component}\0${r.version}`, num(r.n)]));
  }

  async storedIndexes(
    after: { uin: string; imageId: string } | undefined,
    limit: number,
  ): Promise<StoredIndex[]> {
    let q = this.#db.selectFrom('images').select(['uin', 'image_id', 'os_name']);
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('uin', '>', after.uin),
          eb.and([eb('uin', '=', after.uin), eb('image_id', '>', after.imageId)]),
        ]),
      );
    }
    const images = await q.orderBy('uin').orderBy('image_id').limit(limit).execute();
    const out: StoredIndex[] = [];
    for (const im of images) {
      const comps = await this.#db
        .selectFrom('image_components')
        .selectAll()
        .where('uin', '=', im.uin)
        .where('image_id', '=', im.image_id)
        .orderBy('position')
        .execute();
      out.push({
        uin: im.uin,
        imageId: im.image_id,
        osName: im.os_name,
        components: comps.map(componentRow),
      });
    }
    return out;
  }

  async getImage(account: Account, imageId: string): Promise<ImageDetail | undefined> {
    const row = await this.#db
      .selectFrom('images')
      .select(DETAIL_COLUMNS)
      .where('uin', '=', account.uin)
      .where('image_id', '=', imageId)
      .executeTakeFirst();
    return row && imageDetail(row);
  }

  /** Without `by`, newest first (first stored); ties always break on ImageID in the same direction. */
  async listImages(
    account: Account,
    filter: ImageFilter,
    page: Page,
  ): Promise<{ total: number; rows: ImageListRow[] }> {
    const sort = sortOf(page, 'image list', IMAGE_SORT_COLUMNS, { column: 'first_seen', order: 'desc' });
    const where = imageWhere(this.#ops, account.uin, filter);
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        if (hasSubstringFilter(filter)) {
          // A substring filter reads every row of the account whatever the plan: read it once, for
          // the sorted ids of all matches (TotalCount and the page at once), then fetch the page by key.
          const ids = await trx
            .selectFrom('images')
            .select('image_id')
            .where(where)
            .orderBy(sql.ref(`images.${sort.column}`), sort.order)
            .orderBy('images.image_id', sort.order)
            .execute();
          const pageIds = ids.slice(page.offset, page.offset + page.limit).map((r) => r.image_id);
          if (pageIds.length === 0) return { total: ids.length, rows: [] };
          const found = await trx
            .selectFrom('images')
            .select(DETAIL_COLUMNS)
            .where('uin', '=', account.uin)
            .where((eb) => this.#ops.inList(eb.ref('image_id'), pageIds))
            .execute();
          const byId = new Map(found.map((r) => [r.image_id, r]));
          return { total: ids.length, rows: pageIds.map((id) => imageListRow(byId.get(id)!)) };
        }
        const { n } = await trx
          .selectFrom('images')
          .select((eb) => eb.fn.countAll().as('n'))
          .where(where)
          .executeTakeFirstOrThrow();
        const total = num(n);
        if (page.offset >= total || page.limit === 0) return { total, rows: [] };
        const rows = await trx
          .selectFrom('images')
          .select(DETAIL_COLUMNS)
          .where(where)
          .orderBy(sql.ref(`images.${sort.column}`), sort.order)
          .orderBy('images.image_id', sort.order)
          .limit(page.limit)
          .offset(page.offset)
          .execute();
        return { total, rows: rows.map(imageListRow) };
      });
  }

  /** Without `by`, in the order saved; ties always break on that order, in the same direction. */
  async listComponents(
    account: Account,
    imageId: string,
    filter: ComponentFilter,
    page: Page,
  ): Promise<{ total: number; rows: ComponentRow[] } | undefined> {
    const sort = sortOf(page, 'component list', COMPONENT_SORT_COLUMNS, { column: 'position', order: 'asc' });
    const where = componentWhere(this.#ops, account.uin, imageId, filter);
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        if (!(await imageExists(trx, account.uin, imageId))) return undefined;
        const { n } = await trx
          .selectFrom('image_components')
          .select((eb) => eb.fn.countAll().as('n'))
          .where(where)
          .executeTakeFirstOrThrow();
        const total = num(n);
        if (page.offset >= total || page.limit === 0) return { total, rows: [] };
        const rows = await trx
          .selectFrom('image_components')
          .selectAll()
          .where(where)
          .orderBy(
            (eb) =>
              sort.column === 'path'
                ? eb.fn.coalesce('image_components.path', sql.lit(''))
                : sql.ref(`image_components.${sort.column}`),
            sort.order,
          )
          .orderBy('image_components.position', sort.order)
          .limit(page.limit)
          .offset(page.offset)
          .execute();
        return { total, rows: rows.map(componentRow) };
      });
  }

  /**
   * Unsafe: VulCnt, RiskCnt or VirusCnt > 0, or untrusted. Unscanned: ScanStatus other than SCANNED.
   * containerCount sums ContainerCnt (a container runs one image); hostCount / superNodeCount are the
   * largest HostCnt / SuperNodeCnt of any image, a lower bound until hosts are stored themselves.
   */
  async summary(account: Account, timeZone: string): Promise<AccountSummary> {
    const { start, end } = dayRange(this.#now(), timeZone);
    const r = await this.#db
      .selectFrom('images')
      .where('uin', '=', account.uin)
      .select((eb) => {
        const unsafe: Expression<SqlBool> = eb.or([
          eb('vul_cnt', '>', 0),
          eb('risk_cnt', '>', 0),
          eb('virus_cnt', '>', 0),
          eb('is_trust_image', '=', 0),
        ]);
        const today = eb.and([eb('first_seen', '>=', start), eb('first_seen', '<', end)]);
        return [
          eb.fn.countAll().as('image_count'),
          eb.fn.countAll().filterWhere('scan_status', '=', 'SCANNED').as('scanned'),
          eb.fn.countAll().filterWhere('vul_cnt', '>', 0).as('with_vuls'),
          eb.fn.countAll().filterWhere('risk_cnt', '>', 0).as('with_risks'),
          eb.fn.countAll().filterWhere('virus_cnt', '>', 0).as('with_virus'),
          eb.fn.countAll().filterWhere('is_trust_image', '=', 0).as('untrusted'),
          eb.fn.countAll().filterWhere(unsafe).as('unsafe'),
          eb.fn.countAll().filterWhere(today).as('today_new'),
          eb.fn
            .countAll()
            .filterWhere(eb.and([today, unsafe]))
            .as('today_unsafe'),
          eb.fn.max('scan_time').filterWhere('scan_time', '<>', '').as('latest_scan_time'),
          eb.fn.sum('container_cnt').as('containers'),
          eb.fn.max('host_cnt').as('hosts'),
          eb.fn.max('super_node_cnt').as('super_nodes'),
        ];
      })
      .executeTakeFirstOrThrow();
    const imageCount = num(r.image_count);
    const scannedCount = num(r.scanned);
    return {
      imageCount,
      scannedCount,
      unscannedCount: imageCount - scannedCount,
      withVuls: num(r.with_vuls),
      withRisks: num(r.with_risks),
      withVirus: num(r.with_virus),
      untrusted: num(r.untrusted),
      unsafe: num(r.unsafe),
      todayNew: num(r.today_new),
      todayUnsafe: num(r.today_unsafe),
      latestScanTime: r.latest_scan_time ?? '',
      containerCount: num(r.containers),
      hostCount: num(r.hosts),
      superNodeCount: num(r.super_nodes),
    };
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}

/** A text filter on `column`: equal to one of the values (ExactMatch), else containing one (LIKE, any case). */
function textMatch(
  ops: SqlDialectOps,
  column: Expression<unknown>,
  f: { values: readonly string[]; exact: boolean },
): RawBuilder<SqlBool> {
  return f.exact ? ops.inList(column, f.values) : ops.likeAny(column, f.values.map(likeContains));
}
