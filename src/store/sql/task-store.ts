import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely';
import { failpoint } from '../../core/failpoint.js';
import type { Account, ImageFilter, ImageRecord, VulnerabilityRow } from '../store.js';
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
  TaskImageState,
  TaskRow,
  TaskStore,
} from '../tasks.js';
import { imageWhere } from './image-query.js';
import type { SqlDialectOps } from './sql-dialect.js';
import type { ScanSettingsTable, ScanTasksTable, StoreDatabase } from './tables.js';

/** The image writes a completion makes, inside the caller's transaction (SqlStore provides them). */
export interface ImageWrites {
  /** as saveImage, except that the categories `scanned` leaves out keep their stored findings */
  writeImage(
    trx: Transaction<StoreDatabase>,
    account: Account,
    image: ImageRecord,
    scanned: ScanCategories,
  ): Promise<void>;
  /** as Store.replaceVulnerabilities */
  replaceVulnerabilities(
    trx: Transaction<StoreDatabase>,
    uin: string,
    imageId: string,
    rows: VulnerabilityRow[],
    text: { reason: string; solution: string },
  ): Promise<boolean>;
}

const UNFINISHED = ['WAIT_SCAN', 'SCANNING'] as const;
const WORKER_LOST = 'worker lost';
const TIMEOUT = 'timeout';

/** Thrown inside a transaction to roll it back when a claim turns out not to hold. */
const NOT_CLAIMED = Symbol('not claimed');

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const bit = (b: boolean): number => (b ? 1 : 0);

function categoriesOf(r: { vul: number; virus: number; risk: number }): ScanCategories {
  return { vul: num(r.vul) === 1, virus: num(r.virus) === 1, risk: num(r.risk) === 1 };
}

function taskRow(r: Selectable<ScanTasksTable>): TaskRow {
  return {
    taskId: r.task_id,
    categories: categoriesOf(r),
    origin: r.origin as TaskRow['origin'],
    createdMs: num(r.created_ms),
    deadlineMs: num(r.deadline_ms),
    status: r.status as TaskRow['status'],
    subStatus: r.sub_status as TaskRow['subStatus'],
    ...(r.finished_ms === null ? {} : { finishedMs: num(r.finished_ms) }),
  };
}

function settingOf(r: Selectable<ScanSettingsTable>): ScanSetting {
  return {
    enable: num(r.enable) === 1,
    scanTime: r.scan_time,
    scanEndTime: r.scan_end_time,
    periodDays: num(r.period_days),
    categories: categoriesOf(r),
    scope: num(r.scope),
    images: JSON.parse(r.images) as string[],
    excludeImages: JSON.parse(r.exclude_images) as string[],
    containerRunning: num(r.container_running) === 1,
    nextRunMs: num(r.next_run_ms),
    ...(r.last_run_ms === null ? {} : { lastRunMs: num(r.last_run_ms) }),
    ...(r.last_task_id === null ? {} : { lastTaskId: r.last_task_id }),
    ...(r.last_result === null ? {} : { lastResult: r.last_result }),
  };
}

function checkText(what: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v === '') throw new Error(`task store: ${what} must be a non-empty string`);
}

function checkInteger(what: string, v: unknown, min = 0): asserts v is number {
  if (!Number.isSafeInteger(v) || (v as number) < min)
    throw new Error(`task store: ${what} must be an integer >= ${min}, not ${String(v)}`);
}

function checkTicket(t: JobTicket): void {
  checkText('ticket uin', t.uin);
  checkText('ticket taskId', t.taskId);
  checkText('ticket imageId', t.imageId);
  checkInteger('ticket attempt', t.attempt);
}

/** Progress 0–99 of a running scan: the share of its bytes read (99 when it has none to read). */
function progressOf(done: number, total: number): number {
  if (total <= 0) return 99;
  return Math.max(0, Math.min(99, Math.floor((100 * done) / total)));
}

/** The image progress columns of the categories a task scans, all set to `value`. */
function progressColumns(c: ScanCategories, value: number) {
  return {
    ...(c.vul ? { scan_vul_progress: value } : {}),
    ...(c.virus ? { scan_virus_progress: value } : {}),
    ...(c.risk ? { scan_risk_progress: value } : {}),
  };
}

/** `now - started_ms` (0 for a row never started): how long a scan has run. */
const busySince = (nowMs: number): RawBuilder<number> =>
  sql<number>`case when started_ms is null then 0 else ${nowMs} - started_ms end`;

/**
 * The TaskStore on the SQL store's database. Lock order, where PostgreSQL takes row locks: scan_tasks
 * rows (ascending task id), then task_images rows, then images rows; every transaction that ends a
 * task holds the task's row first, so two completions of one task's last images cannot both miss
 * the end. SQLite's write transactions hold the whole database, so the same code is serial there.
 */
/**
 * Whether the image, as it stands after a completion's writes, has anything found: vulnerabilities,
 * risks or viruses — including those of categories this task did not scan, which the image keeps.
 */
async function riskyNow(trx: Transaction<StoreDatabase>, uin: string, imageId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('images')
    .select(['vul_cnt', 'risk_cnt', 'virus_cnt'])
    .where('uin', '=', uin)
    .where('image_id', '=', imageId)
    .executeTakeFirst();
  return row !== undefined && num(row.vul_cnt) + num(row.risk_cnt) + num(row.virus_cnt) > 0;
}

export class SqlTaskStore implements TaskStore {
  readonly #db: Kysely<StoreDatabase>;
  readonly #ops: SqlDialectOps;
  readonly #now: () => Date;
  readonly #writes: ImageWrites;

  constructor(db: Kysely<StoreDatabase>, ops: SqlDialectOps, now: () => Date, writes: ImageWrites) {
    this.#db = db;
    this.#ops = ops;
    this.#now = now;
    this.#writes = writes;
  }

  async setImageSource(account: Account, source: ImageSource): Promise<void> {
    checkText('image id', source.imageId);
    checkText('image reference', source.reference);
    const added = this.#now().getTime();
    await this.#db
      .insertInto('image_sources')
      .values({ uin: account.uin, image_id: source.imageId, reference: source.reference, added_ms: added })
      .onConflict((oc) =>
        oc.columns(['uin', 'image_id']).doUpdateSet({ reference: source.reference, added_ms: added }),
      )
      .execute();
  }

  async getImageSource(account: Account, imageId: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('image_sources')
      .select('reference')
      .where('uin', '=', account.uin)
      .where('image_id', '=', imageId)
      .executeTakeFirst();
    return row?.reference;
  }

  /** Ids given twice count once (their first position). A taskId the account used already is an error. */
  async createTask(account: Account, task: NewTask, nowMs: number): Promise<JobTicket[]> {
    checkText('task id', task.taskId);
    checkInteger('deadline', task.deadlineMs);
    if (task.origin !== 'manual' && task.origin !== 'schedule')
      throw new Error(`task store: origin must be manual or schedule, not ${String(task.origin)}`);
    const uin = account.uin;
    const wanted = [...new Set(task.imageIds)];
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const found =
          wanted.length === 0
            ? []
            : await trx
                .selectFrom('images')
                .select(['image_id', 'size'])
                .where('uin', '=', uin)
                .where((eb) => this.#ops.inList(eb.ref('image_id'), wanted))
                .execute();
        const size = new Map(found.map((r) => [r.image_id, num(r.size)]));
        const ids = wanted.filter((id) => size.has(id));
        await trx
          .insertInto('scan_tasks')
          .values({
            uin,
            task_id: task.taskId,
            app_id: account.appId,
            vul: bit(task.categories.vul),
            virus: bit(task.categories.virus),
            risk: bit(task.categories.risk),
            origin: task.origin,
            created_ms: nowMs,
            deadline_ms: task.deadlineMs,
            status: ids.length ? 'READY' : 'END',
            sub_status: ids.length ? '' : 'Success',
            finished_ms: ids.length ? null : nowMs,
          })
          .execute();
        if (ids.length === 0) return [];
        const rows = ids.map((image_id, position) => ({
          uin,
          task_id: task.taskId,
          image_id,
          position,
          state: 'WAIT_SCAN',
          attempt: 0,
          error: '',
          bytes_total: size.get(image_id) ?? 0,
          bytes_done: 0,
          busy_ms: 0,
          risky: 0,
        }));
        const perInsert = Math.max(1, Math.min(1000, Math.floor(this.#ops.maxParameters / 11)));
        for (let i = 0; i < rows.length; i += perInsert)
          await trx
            .insertInto('task_images')
            .values(rows.slice(i, i + perInsert))
            .execute();
        await trx
          .updateTable('images')
          .set({
            status: 1,
            scan_status: 'WAIT_SCAN',
            remain_scan_time: 0,
            ...progressColumns(task.categories, 0),
          })
          .where('uin', '=', uin)
          .where((eb) => this.#ops.inList(eb.ref('image_id'), ids))
          .execute();
        return ids.map((imageId) => ({ uin, taskId: task.taskId, imageId, attempt: 0 }));
      });
    } catch (cause) {
      throw new Error(`task store: creating task ${task.taskId} of account ${uin} failed`, { cause });
    }
  }

  async getTask(account: Account, taskId: string): Promise<TaskRow | undefined> {
    const row = await this.#db
      .selectFrom('scan_tasks')
      .selectAll()
      .where('uin', '=', account.uin)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    return row && taskRow(row);
  }

  /** The task created last; among tasks created in the same millisecond, the greatest task id. */
  async latestTask(account: Account): Promise<TaskRow | undefined> {
    const row = await this.#db
      .selectFrom('scan_tasks')
      .selectAll()
      .where('uin', '=', account.uin)
      .orderBy('created_ms', 'desc')
      .orderBy('task_id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && taskRow(row);
  }

  /** busyMs sums each scan's running time up to its completion or, while it runs, its last heartbeat. */
  async taskCounts(account: Account, taskId: string): Promise<TaskCounts | undefined> {
    return this.#db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        const task = await trx
          .selectFrom('scan_tasks')
          .select('task_id')
          .where('uin', '=', account.uin)
          .where('task_id', '=', taskId)
          .executeTakeFirst();
        if (!task) return undefined;
        const r = await trx
          .selectFrom('task_images')
          .where('uin', '=', account.uin)
          .where('task_id', '=', taskId)
          .select((eb) => [
            eb.fn.countAll().as('total'),
            eb.fn.countAll().filterWhere('state', 'not in', UNFINISHED).as('finished'),
            eb.fn.countAll().filterWhere('state', '=', 'SCANNING').as('running'),
            eb.fn.countAll().filterWhere('state', '=', 'SCANNED').as('scanned'),
            eb.fn.countAll().filterWhere('state', '=', 'SCAN_ERR').as('failed'),
            eb.fn.countAll().filterWhere('state', '=', 'CANCELED').as('canceled'),
            eb.fn
              .countAll()
              .filterWhere((w) => w.and([w('state', '=', 'SCANNED'), w('risky', '=', 1)]))
              .as('risky'),
            sql<number>`sum(case when state in ('WAIT_SCAN', 'SCANNING') and bytes_total > bytes_done then bytes_total - bytes_done else 0 end)`.as(
              'bytes_left',
            ),
            sql<number>`sum(case when state <> 'WAIT_SCAN' then bytes_done else 0 end)`.as('bytes_done'),
            sql<number>`sum(case when state <> 'WAIT_SCAN' then busy_ms else 0 end)`.as('busy_ms'),
          ])
          .executeTakeFirstOrThrow();
        return {
          total: num(r.total),
          finished: num(r.finished),
          running: num(r.running),
          scanned: num(r.scanned),
          failed: num(r.failed),
          canceled: num(r.canceled),
          risky: num(r.risky),
          bytesLeft: num(r.bytes_left),
          bytesDone: num(r.bytes_done),
          busyMs: num(r.busy_ms),
        };
      });
  }

  /** In position order. */
  async taskImages(
    account: Account,
    taskId: string,
  ): Promise<{ imageId: string; state: TaskImageState; attempt: number; error: string }[]> {
    const rows = await this.#db
      .selectFrom('task_images')
      .select(['image_id', 'state', 'attempt', 'error'])
      .where('uin', '=', account.uin)
      .where('task_id', '=', taskId)
      .orderBy('position')
      .execute();
    return rows.map((r) => ({
      imageId: r.image_id,
      state: r.state as TaskImageState,
      attempt: num(r.attempt),
      error: r.error,
    }));
  }

  /** Only tickets still WAIT_SCAN at their attempt are marked; others are left as they are. */
  async markSent(tickets: JobTicket[], nowMs: number): Promise<void> {
    for (const t of tickets) checkTicket(t);
    if (tickets.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      for (const t of tickets) {
        await trx
          .updateTable('task_images')
          .set({ sent_ms: nowMs })
          .where('uin', '=', t.uin)
          .where('task_id', '=', t.taskId)
          .where('image_id', '=', t.imageId)
          .where('attempt', '=', t.attempt)
          .where('state', '=', 'WAIT_SCAN')
          .execute();
      }
    });
  }

  /** The claim also fails when the task has ended (stopped); a claimed row's byte count starts at 0. */
  async claim(
    ticket: JobTicket,
    worker: string,
    leaseUntilMs: number,
    nowMs: number,
  ): Promise<Claimed | undefined> {
    checkTicket(ticket);
    checkText('worker', worker);
    const { uin, taskId, imageId } = ticket;
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const task = await trx
          .selectFrom('scan_tasks')
          .selectAll()
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .executeTakeFirst();
        if (!task || task.status === 'END' || num(task.deadline_ms) <= nowMs) return undefined;
        // first, so that the task's row is locked before the image's (the lock order); undone below
        // when the claim fails
        await trx
          .updateTable('scan_tasks')
          .set({ status: 'SCANNING' })
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .where('status', '=', 'READY')
          .execute();
        const claimed = await trx
          .updateTable('task_images')
          .set({
            state: 'SCANNING',
            worker,
            lease_ms: leaseUntilMs,
            started_ms: nowMs,
            bytes_done: 0,
            busy_ms: 0,
          })
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .where('image_id', '=', imageId)
          .where('state', '=', 'WAIT_SCAN')
          .where('attempt', '=', ticket.attempt)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) throw NOT_CLAIMED;
        await trx
          .updateTable('images')
          .set({ status: 2, scan_status: 'SCANNING' })
          .where('uin', '=', uin)
          .where('image_id', '=', imageId)
          .execute();
        const row = await trx
          .selectFrom('task_images')
          .select('bytes_total')
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .where('image_id', '=', imageId)
          .executeTakeFirstOrThrow();
        const source = await trx
          .selectFrom('image_sources')
          .select('reference')
          .where('uin', '=', uin)
          .where('image_id', '=', imageId)
          .executeTakeFirst();
        return {
          ...ticket,
          categories: categoriesOf(task),
          ...(source ? { source: source.reference } : {}),
          size: num(row.bytes_total),
          deadlineMs: num(task.deadline_ms),
        };
      });
    } catch (e) {
      if (e === NOT_CLAIMED) return undefined;
      throw e;
    }
  }

  /**
   * Verdicts in this order: the row CANCELED → canceled; the task's deadline reached → timeout; the
   * row not SCANNING for this worker and attempt → lost. On ok the image's progress (0–99) of the
   * task's categories follows bytesDone ÷ bytesTotal, and RemainScanTime is remainSeconds.
   */
  async heartbeat(
    ticket: JobTicket,
    worker: string,
    beat: Heartbeat,
    leaseUntilMs: number,
    nowMs: number,
  ): Promise<HeartbeatVerdict> {
    checkTicket(ticket);
    checkText('worker', worker);
    const { uin, taskId, imageId } = ticket;
    const done = Math.max(0, Math.trunc(Number.isFinite(beat.bytesDone) ? beat.bytesDone : 0));
    const total = Math.max(0, Math.trunc(Number.isFinite(beat.bytesTotal) ? beat.bytesTotal : 0));
    const remain = Math.max(0, Math.round(Number.isFinite(beat.remainSeconds) ? beat.remainSeconds : 0));
    return this.#db.transaction().execute(async (trx) => {
      const task = await trx
        .selectFrom('scan_tasks')
        .select(['vul', 'virus', 'risk', 'deadline_ms'])
        .where('uin', '=', uin)
        .where('task_id', '=', taskId)
        .executeTakeFirst();
      if (!task) return 'lost';
      const deadlinePassed = num(task.deadline_ms) <= nowMs;
      if (!deadlinePassed) {
        const renewed = await trx
          .updateTable('task_images')
          .set({ lease_ms: leaseUntilMs, bytes_done: done, busy_ms: busySince(nowMs) })
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .where('image_id', '=', imageId)
          .where('state', '=', 'SCANNING')
          .where('worker', '=', worker)
          .where('attempt', '=', ticket.attempt)
          .executeTakeFirst();
        if (Number(renewed.numUpdatedRows) === 1) {
          await trx
            .updateTable('images')
            .set({
              ...progressColumns(categoriesOf(task), progressOf(done, total)),
              remain_scan_time: remain,
            })
            .where('uin', '=', uin)
            .where('image_id', '=', imageId)
            .execute();
          return 'ok';
        }
      }
      const row = await trx
        .selectFrom('task_images')
        .select('state')
        .where('uin', '=', uin)
        .where('task_id', '=', taskId)
        .where('image_id', '=', imageId)
        .executeTakeFirst();
      if (row?.state === 'CANCELED') return 'canceled';
      return deadlinePassed ? 'timeout' : 'lost';
    });
  }

  /**
   * A record must be of the ticket's image. With it (or re-matched vulnerabilities) the image ends
   * SCANNED (Status 5), the progress of the categories done 100 (the task's; vul for a re-match),
   * RemainScanTime 0 and ScanError ''; with an error (non-empty) SCAN_ERR (3), ScanError the error,
   * RemainScanTime 0, its other columns untouched.
   */
  async complete(ticket: JobTicket, worker: string, done: Completion, nowMs: number): Promise<boolean> {
    checkTicket(ticket);
    checkText('worker', worker);
    const { uin, taskId, imageId } = ticket;
    if ('record' in done && done.record.detail.ImageID !== imageId)
      throw new Error(
        `task store: the record of image ${done.record.detail.ImageID} cannot complete the scan of ${imageId}`,
      );
    const error = 'error' in done ? done.error : undefined;
    if (error !== undefined) checkText('completion error', error);
    const bytesDone = Math.max(0, Math.trunc(Number.isFinite(done.bytesDone) ? done.bytesDone : 0));
    const rowLocks = this.#ops.rowLocks === true;
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const task = await trx
          .selectFrom('scan_tasks')
          .selectAll()
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .$if(rowLocks, (q) => q.forUpdate())
          .executeTakeFirst();
        if (!task) return false;
        const row = await trx
          .selectFrom('task_images')
          .select(['state', 'worker', 'attempt'])
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .where('image_id', '=', imageId)
          .$if(rowLocks, (q) => q.forUpdate())
          .executeTakeFirst();
        if (row?.state !== 'SCANNING' || row.worker !== worker || num(row.attempt) !== ticket.attempt)
          return false;
        let done100: ScanCategories = categoriesOf(task);
        if ('record' in done) {
          await this.#writes.writeImage(trx, { uin, appId: num(task.app_id) }, done.record, done100);
        } else if ('vulnerabilities' in done) {
          await this.#writes.replaceVulnerabilities(trx, uin, imageId, done.vulnerabilities, done);
          done100 = { vul: true, virus: false, risk: false };
        }
        await trx
          .updateTable('images')
          .set(
            error === undefined
              ? {
                  status: 5,
                  scan_status: 'SCANNED',
                  scan_error: '',
                  remain_scan_time: 0,
                  ...progressColumns(done100, 100),
                }
              : { status: 3, scan_status: 'SCAN_ERR', scan_error: error, remain_scan_time: 0 },
          )
          .where('uin', '=', uin)
          .where('image_id', '=', imageId)
          .execute();
        await trx
          .updateTable('task_images')
          .set({
            state: error === undefined ? 'SCANNED' : 'SCAN_ERR',
            error: error ?? '',
            bytes_done: bytesDone,
            busy_ms: busySince(nowMs),
            finished_ms: nowMs,
            risky: bit(error === undefined && (await riskyNow(trx, uin, imageId))),
            lease_ms: null,
          })
          .where('uin', '=', uin)
          .where('task_id', '=', taskId)
          .where('image_id', '=', imageId)
          .execute();
        // fault tests kill the process here: everything written, nothing committed
        await failpoint('complete:before-commit');
        await endIfDone(trx, uin, taskId, nowMs);
        return true;
      });
    } catch (cause) {
      throw new Error(`task store: completing image ${imageId} of task ${taskId} (account ${uin}) failed`, {
        cause,
      });
    }
  }

  /**
   * The selection's parts that are given all apply (a taskId with imageIds: those images of that
   * task); at least one of taskId, imageIds and filter must be given (an empty filter selects every
   * image). Stopped images keep their earlier results; a SCANNING one's worker learns it at its next
   * heartbeat.
   */
  async stop(account: Account, selection: StopSelection, nowMs: number): Promise<number> {
    const { taskId, imageIds, filter, excludeImageIds = [] } = selection;
    if (taskId === undefined && imageIds === undefined && filter === undefined)
      throw new Error('task store: stop needs a taskId, imageIds or a filter');
    const uin = account.uin;
    const ops = this.#ops;
    return this.#db.transaction().execute(async (trx) => {
      const filtered = filter === undefined ? undefined : await this.#imageIds(trx, uin, filter, []);
      const candidates = (() => {
        let q = trx
          .selectFrom('task_images')
          .innerJoin('scan_tasks', (j) =>
            j
              .onRef('scan_tasks.uin', '=', 'task_images.uin')
              .onRef('scan_tasks.task_id', '=', 'task_images.task_id'),
          )
          .where('task_images.uin', '=', uin)
          .where('scan_tasks.status', '<>', 'END')
          .where('task_images.state', 'in', UNFINISHED);
        if (taskId !== undefined) q = q.where('task_images.task_id', '=', taskId);
        if (imageIds !== undefined) q = q.where((eb) => ops.inList(eb.ref('task_images.image_id'), imageIds));
        if (filtered !== undefined) q = q.where((eb) => ops.inList(eb.ref('task_images.image_id'), filtered));
        if (excludeImageIds.length)
          q = q.where((eb) => eb.not(ops.inList(eb.ref('task_images.image_id'), excludeImageIds)));
        return q;
      })();
      const tasks = await candidates
        .select('task_images.task_id')
        .distinct()
        .orderBy('task_images.task_id')
        .execute();
      let stopped = 0;
      // every task's row first, in task id order (the lock order), before any image row: then their
      // rows cannot end under us, and no completion holds an image this stop waits for
      const open: string[] = [];
      for (const { task_id } of tasks) {
        const task = await lockTask(trx, ops, uin, task_id);
        if (task && task.status !== 'END') open.push(task_id);
      }
      for (const task_id of open) {
        const ids = (
          await candidates.select('task_images.image_id').where('task_images.task_id', '=', task_id).execute()
        ).map((r) => r.image_id);
        if (ids.length === 0) continue;
        const r = await trx
          .updateTable('task_images')
          .set({ state: 'CANCELED', finished_ms: nowMs, lease_ms: null, busy_ms: busySince(nowMs) })
          .where('uin', '=', uin)
          .where('task_id', '=', task_id)
          .where('state', 'in', UNFINISHED)
          .where((eb) => ops.inList(eb.ref('image_id'), ids))
          .executeTakeFirst();
        stopped += Number(r.numUpdatedRows);
        await trx
          .updateTable('images')
          .set({ status: 4, scan_status: 'CANCELED', remain_scan_time: 0 })
          .where('uin', '=', uin)
          .where((eb) => ops.inList(eb.ref('image_id'), ids))
          .execute();
        await endIfDone(trx, uin, task_id, nowMs);
      }
      return stopped;
    });
  }

  /**
   * Deadlines are applied before leases, so a scan that ran past its task's deadline ends `timeout`,
   * not `worker lost`. A lease has expired when leaseUntilMs <= nowMs. A row going back to WAIT_SCAN
   * (its image too) forgets its worker and what it read, and counts as never sent. Each change is a
   * conditional update of its own, so nodes reaping at once do each change once.
   */
  async reap(nowMs: number, options: { maxAttempts: number; resendBeforeMs: number }): Promise<JobTicket[]> {
    checkInteger('maxAttempts', options.maxAttempts, 1);
    const ops = this.#ops;

    const late = await this.#db
      .selectFrom('scan_tasks')
      .select(['uin', 'task_id'])
      .where('status', '<>', 'END')
      .where('deadline_ms', '<=', nowMs)
      .orderBy('uin')
      .orderBy('task_id')
      .execute();
    for (const t of late) {
      await this.#db.transaction().execute(async (trx) => {
        const task = await lockTask(trx, ops, t.uin, t.task_id);
        if (!task || task.status === 'END') return;
        const ids = (
          await trx
            .selectFrom('task_images')
            .select('image_id')
            .where('uin', '=', t.uin)
            .where('task_id', '=', t.task_id)
            .where('state', 'in', UNFINISHED)
            .execute()
        ).map((r) => r.image_id);
        if (ids.length) {
          await trx
            .updateTable('task_images')
            .set({
              state: 'SCAN_ERR',
              error: TIMEOUT,
              finished_ms: nowMs,
              lease_ms: null,
              busy_ms: busySince(nowMs),
            })
            .where('uin', '=', t.uin)
            .where('task_id', '=', t.task_id)
            .where('state', 'in', UNFINISHED)
            .execute();
          await trx
            .updateTable('images')
            .set({ status: 3, scan_status: 'SCAN_ERR', scan_error: TIMEOUT, remain_scan_time: 0 })
            .where('uin', '=', t.uin)
            .where((eb) => ops.inList(eb.ref('image_id'), ids))
            .execute();
        }
        await endIfDone(trx, t.uin, t.task_id, nowMs);
      });
    }

    const expired = await this.#db
      .selectFrom('task_images')
      .select(['uin', 'task_id', 'image_id', 'attempt'])
      .where('state', '=', 'SCANNING')
      .where('lease_ms', '<=', nowMs)
      .execute();
    const ended = new Map<string, { uin: string; taskId: string }>();
    for (const r of expired) {
      const attempt = num(r.attempt);
      const lost = attempt + 1 >= options.maxAttempts;
      await this.#db.transaction().execute(async (trx) => {
        const changed = await trx
          .updateTable('task_images')
          .set(
            lost
              ? {
                  state: 'SCAN_ERR',
                  error: WORKER_LOST,
                  finished_ms: nowMs,
                  lease_ms: null,
                  busy_ms: busySince(nowMs),
                }
              : {
                  state: 'WAIT_SCAN',
                  attempt: attempt + 1,
                  worker: null,
                  lease_ms: null,
                  sent_ms: null,
                  started_ms: null,
                  bytes_done: 0,
                  busy_ms: 0,
                },
          )
          .where('uin', '=', r.uin)
          .where('task_id', '=', r.task_id)
          .where('image_id', '=', r.image_id)
          .where('state', '=', 'SCANNING')
          .where('attempt', '=', attempt)
          .where('lease_ms', '<=', nowMs)
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) return;
        await trx
          .updateTable('images')
          .set(
            lost
              ? { status: 3, scan_status: 'SCAN_ERR', scan_error: WORKER_LOST, remain_scan_time: 0 }
              : { status: 1, scan_status: 'WAIT_SCAN', remain_scan_time: 0 },
          )
          .where('uin', '=', r.uin)
          .where('image_id', '=', r.image_id)
          .execute();
      });
      if (lost) ended.set(`${r.uin}\0${r.task_id}`, { uin: r.uin, taskId: r.task_id });
    }

    const idle = await this.#db
      .selectFrom('scan_tasks')
      .select(['uin', 'task_id'])
      .where('status', '<>', 'END')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('task_images')
              .select('task_images.image_id')
              .whereRef('task_images.uin', '=', 'scan_tasks.uin')
              .whereRef('task_images.task_id', '=', 'scan_tasks.task_id')
              .where('task_images.state', 'in', UNFINISHED),
          ),
        ),
      )
      .execute();
    for (const t of idle) ended.set(`${t.uin}\0${t.task_id}`, { uin: t.uin, taskId: t.task_id });
    for (const t of [...ended.values()].sort((a, b) =>
      a.uin === b.uin ? (a.taskId < b.taskId ? -1 : 1) : a.uin < b.uin ? -1 : 1,
    )) {
      await this.#db.transaction().execute(async (trx) => {
        await lockTask(trx, ops, t.uin, t.taskId);
        await endIfDone(trx, t.uin, t.taskId, nowMs);
      });
    }

    const resend = await this.#db
      .selectFrom('task_images')
      .innerJoin('scan_tasks', (j) =>
        j
          .onRef('scan_tasks.uin', '=', 'task_images.uin')
          .onRef('scan_tasks.task_id', '=', 'task_images.task_id'),
      )
      .select(['task_images.uin', 'task_images.task_id', 'task_images.image_id', 'task_images.attempt'])
      .where('task_images.state', '=', 'WAIT_SCAN')
      .where((eb) =>
        eb.or([
          eb('task_images.sent_ms', 'is', null),
          eb('task_images.sent_ms', '<', options.resendBeforeMs),
        ]),
      )
      .where('scan_tasks.status', '<>', 'END')
      .where('scan_tasks.deadline_ms', '>', nowMs)
      .orderBy('task_images.uin')
      .orderBy('task_images.task_id')
      .orderBy('task_images.position')
      .execute();
    return resend.map((r) => ({
      uin: r.uin,
      taskId: r.task_id,
      imageId: r.image_id,
      attempt: num(r.attempt),
    }));
  }

  async getScanSetting(account: Account): Promise<ScanSetting | undefined> {
    const row = await this.#db
      .selectFrom('scan_settings')
      .selectAll()
      .where('uin', '=', account.uin)
      .executeTakeFirst();
    return row && settingOf(row);
  }

  /** Replaces the whole setting, its last firing included (lastRunMs… absent: none recorded). */
  async putScanSetting(account: Account, setting: ScanSetting): Promise<void> {
    checkInteger('nextRunMs', setting.nextRunMs);
    const { uin: _, ...columns } = {
      uin: account.uin,
      app_id: account.appId,
      enable: bit(setting.enable),
      scan_time: setting.scanTime,
      scan_end_time: setting.scanEndTime,
      period_days: setting.periodDays,
      vul: bit(setting.categories.vul),
      virus: bit(setting.categories.virus),
      risk: bit(setting.categories.risk),
      scope: setting.scope,
      images: JSON.stringify(setting.images),
      exclude_images: JSON.stringify(setting.excludeImages),
      container_running: bit(setting.containerRunning),
      next_run_ms: setting.nextRunMs,
      last_run_ms: setting.lastRunMs ?? null,
      last_task_id: setting.lastTaskId ?? null,
      last_result: setting.lastResult ?? null,
    };
    await this.#db
      .insertInto('scan_settings')
      .values({ uin: account.uin, ...columns })
      .onConflict((oc) => oc.column('uin').doUpdateSet(columns))
      .execute();
  }

  /**
   * `next` must move each due setting later than its current nextRunMs (else this throws before
   * claiming anything). The settings returned carry their new nextRunMs.
   */
  async claimDueSettings(
    nowMs: number,
    next: (s: ScanSetting) => number,
  ): Promise<{ account: Account; setting: ScanSetting }[]> {
    const due = await this.#db
      .selectFrom('scan_settings')
      .selectAll()
      .where('enable', '=', 1)
      .where('next_run_ms', '<=', nowMs)
      .orderBy('uin')
      .execute();
    const firings = due.map((row) => {
      const setting = settingOf(row);
      const nextRunMs = next(setting);
      if (!Number.isSafeInteger(nextRunMs) || nextRunMs <= setting.nextRunMs)
        throw new Error(
          `task store: the next run of account ${row.uin}'s scan setting must be after ${setting.nextRunMs}, not ${nextRunMs}`,
        );
      return { row, setting, nextRunMs };
    });
    const claimed: { account: Account; setting: ScanSetting }[] = [];
    for (const { row, setting, nextRunMs } of firings) {
      const r = await this.#db
        .updateTable('scan_settings')
        .set({ next_run_ms: nextRunMs })
        .where('uin', '=', row.uin)
        .where('enable', '=', 1)
        .where('next_run_ms', '=', setting.nextRunMs)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1)
        claimed.push({
          account: { uin: row.uin, appId: num(row.app_id) },
          setting: { ...setting, nextRunMs },
        });
    }
    return claimed;
  }

  async settingFired(
    account: Account,
    result: { atMs: number; taskId?: string; result: string },
  ): Promise<void> {
    await this.#db
      .updateTable('scan_settings')
      .set({ last_run_ms: result.atMs, last_task_id: result.taskId ?? null, last_result: result.result })
      .where('uin', '=', account.uin)
      .execute();
  }

  async selectImageIds(
    account: Account,
    filter: ImageFilter,
    exclude: string[],
    options: { containerRunning?: boolean } = {},
  ): Promise<string[]> {
    return this.#imageIds(this.#db, account.uin, filter, exclude, options.containerRunning === true);
  }

  async #imageIds(
    db: Kysely<StoreDatabase>,
    uin: string,
    filter: ImageFilter,
    exclude: string[],
    containerRunning = false,
  ): Promise<string[]> {
    const ops = this.#ops;
    let q = db
      .selectFrom('images')
      .select('images.image_id')
      .where(imageWhere(ops, uin, filter));
    if (exclude.length) q = q.where((eb) => eb.not(ops.inList(eb.ref('images.image_id'), exclude)));
    if (containerRunning) q = q.where('images.container_cnt', '>', 0);
    const rows = await q.orderBy('images.image_id').execute();
    return rows.map((r) => r.image_id);
  }
}

/** The task's row, locked for the transaction where the dialect takes row locks. */
function lockTask(trx: Transaction<StoreDatabase>, ops: SqlDialectOps, uin: string, taskId: string) {
  return trx
    .selectFrom('scan_tasks')
    .select('status')
    .where('uin', '=', uin)
    .where('task_id', '=', taskId)
    .$if(ops.rowLocks === true, (q) => q.forUpdate())
    .executeTakeFirst();
}

/**
 * Ends the task when none of its rows is WAIT_SCAN or SCANNING: END, finishedMs, and the sub status
 * Timeout (a row ended `timeout`), else Cancel (a row CANCELED), else Error (every row SCAN_ERR), else
 * Success. A task already END is left as it is.
 */
async function endIfDone(trx: Transaction<StoreDatabase>, uin: string, taskId: string, nowMs: number) {
  const rows = sql`select 1 from task_images ti where ti.uin = scan_tasks.uin and ti.task_id = scan_tasks.task_id`;
  await sql`update scan_tasks set status = 'END', finished_ms = ${nowMs}, sub_status = case
      when exists (${rows} and ti.state = 'SCAN_ERR' and ti.error = ${TIMEOUT}) then 'Timeout'
      when exists (${rows} and ti.state = 'CANCELED') then 'Cancel'
      when exists (${rows}) and not exists (${rows} and ti.state <> 'SCAN_ERR') then 'Error'
      else 'Success' end
    where uin = ${uin} and task_id = ${taskId} and status <> 'END'
      and not exists (${rows} and ti.state in ('WAIT_SCAN', 'SCANNING'))`.execute(trx);
}
