import type { Page, Strings } from '../contract.js';
import { h, humanSize } from '../dom.js';
import { errorBox } from '../errors.js';

/** The fields of DescribeAssetImageList's `ImagesInfo` the console shows. */
export interface ImageRow {
  ImageID: string;
  ImageName: string;
  CreateTime: string;
  Size: number;
  ScanTime: string;
  VulCnt: number;
  VirusCnt: number;
  RiskCnt: number;
  IsTrustImage: boolean;
  OsName: string;
  ScanStatus: string;
  ScanError: string;
  ComponentCnt: number;
  CriticalLevelVulCnt: number;
  HighLevelVulCnt: number;
  MediumLevelVulCnt: number;
  LowLevelVulCnt: number;
}

export interface ImageList {
  List: ImageRow[];
  TotalCount: number;
}

interface ScanStatus {
  ImageTotal?: number;
  ImageScanCnt?: number;
  Status?: string;
  Schedule?: number;
  LeftSeconds?: number;
}

const S: Strings = {
  title: { en: 'Images', zh: '镜像' },
  filters: { en: 'Filters', zh: '筛选' },
  imageName: { en: 'Image name', zh: '镜像名称' },
  osName: { en: 'Operating system', zh: '操作系统' },
  scanStatus: { en: 'Scan status', zh: '扫描状态' },
  securityRisk: { en: 'Security risk', zh: '安全风险' },
  any: { en: 'Any', zh: '全部' },
  apply: { en: 'Search', zh: '查询' },
  reset: { en: 'Reset', zh: '重置' },
  'st.notScan': { en: 'Not scanned', zh: '未扫描' },
  'st.scanning': { en: 'Scanning', zh: '扫描中' },
  'st.scanned': { en: 'Scanned', zh: '已扫描' },
  'st.scanErr': { en: 'Scan failed', zh: '扫描失败' },
  'st.canceled': { en: 'Canceled', zh: '已取消' },
  NOT_SCAN: { en: 'Not scanned', zh: '未扫描' },
  WAIT_SCAN: { en: 'Waiting', zh: '等待扫描' },
  SCANNING: { en: 'Scanning', zh: '扫描中' },
  SCANNED: { en: 'Scanned', zh: '已扫描' },
  SCAN_ERR: { en: 'Scan failed', zh: '扫描失败' },
  CANCELED: { en: 'Canceled', zh: '已取消' },
  'risk.VulCnt': { en: 'Has vulnerabilities', zh: '存在漏洞' },
  'risk.RiskCnt': { en: 'Has sensitive information', zh: '存在敏感信息' },
  'risk.VirusCnt': { en: 'Has trojans', zh: '存在木马' },
  'risk.CriticalLevelVul': { en: 'Critical vulnerabilities', zh: '严重漏洞' },
  'risk.HighLevelVul': { en: 'High vulnerabilities', zh: '高危漏洞' },
  select: { en: 'Select', zh: '选择' },
  selectAll: { en: 'Select all images on this page', zh: '选择本页全部镜像' },
  selectOne: { en: 'Select {name}', zh: '选择 {name}' },
  col_ImageName: { en: 'Image', zh: '镜像' },
  col_OsName: { en: 'OS', zh: '操作系统' },
  col_Size: { en: 'Size', zh: '大小' },
  col_VulCnt: { en: 'Vulnerabilities', zh: '漏洞' },
  col_RiskCnt: { en: 'Sensitive info', zh: '敏感信息' },
  col_VirusCnt: { en: 'Trojans', zh: '木马' },
  col_ScanStatus: { en: 'Scan status', zh: '扫描状态' },
  col_ScanTime: { en: 'Scan time', zh: '扫描时间' },
  levels: { en: 'C {c} · H {h} · M {m} · L {l}', zh: '严重 {c} · 高 {h} · 中 {m} · 低 {l}' },
  levelsLong: {
    en: '{total} vulnerabilities: {c} critical, {h} high, {m} medium, {l} low',
    zh: '共 {total} 个漏洞：严重 {c}，高危 {h}，中危 {m}，低危 {l}',
  },
  sortBy: { en: 'Sort by {col}', zh: '按{col}排序' },
  scan: { en: 'Scan selected', zh: '扫描所选' },
  stop: { en: 'Stop scanning selected', zh: '停止扫描所选' },
  selected: { en: '{n} selected', zh: '已选 {n} 个' },
  noneSelected: { en: 'Select images first.', zh: '请先选择镜像。' },
  started: { en: 'Scan task {id} started for {n} images.', zh: '已为 {n} 个镜像创建扫描任务 {id}。' },
  stopped: { en: 'Stop requested for {n} images.', zh: '已请求停止 {n} 个镜像的扫描。' },
  progress: {
    en: 'Task {id}: {done} of {total} images scanned ({pct}%)',
    zh: '任务 {id}：已扫描 {done}/{total} 个镜像（{pct}%）',
  },
  empty: { en: 'No images match.', zh: '没有匹配的镜像。' },
  range: { en: '{from}–{to} of {total}', zh: '第 {from}–{to} 条，共 {total} 条' },
  prev: { en: 'Previous page', zh: '上一页' },
  next: { en: 'Next page', zh: '下一页' },
  perPage: { en: 'Per page', zh: '每页' },
  untrusted: { en: 'untrusted', zh: '不受信任' },
  pager: { en: 'Pages', zh: '分页' },
};

const SORTABLE = ['ImageName', 'OsName', 'Size', 'VulCnt', 'RiskCnt', 'VirusCnt', 'ScanTime'] as const;
const COLUMNS = [
  'ImageName',
  'OsName',
  'Size',
  'VulCnt',
  'RiskCnt',
  'VirusCnt',
  'ScanStatus',
  'ScanTime',
] as const;
const LIVE = new Set(['WAIT_SCAN', 'SCANNING']);
const POLL_MS = 2000;

let timer: ReturnType<typeof setTimeout> | undefined;
let alive = 0;

export const imagesPage: Page = {
  async render(root, ctx) {
    const generation = ++alive;
    const t = (key: string, vars?: Record<string, string | number>) => ctx.t(S, key, vars);
    const state = {
      name: '',
      os: '',
      status: '',
      risk: '',
      by: 'ScanTime' as string,
      order: 'desc' as 'asc' | 'desc',
      offset: 0,
      limit: 20,
      rows: [] as ImageRow[],
      total: 0,
      selected: new Set<string>(),
      taskId: '',
    };

    // filters
    const nameIn = h('input', { id: 'f-name', type: 'search', name: 'ImageName', autocomplete: 'off' });
    const osIn = h('input', { id: 'f-os', type: 'search', name: 'OsName', autocomplete: 'off' });
    const statusSel = h(
      'select',
      { id: 'f-status', name: 'ScanStatus' },
      h('option', { value: '' }, t('any')),
      ...['notScan', 'scanning', 'scanned', 'scanErr', 'canceled'].map((v) =>
        h('option', { value: v }, t(`st.${v}`)),
      ),
    );
    const riskSel = h(
      'select',
      { id: 'f-risk', name: 'SecurityRisk' },
      h('option', { value: '' }, t('any')),
      ...['VulCnt', 'RiskCnt', 'VirusCnt', 'CriticalLevelVul', 'HighLevelVul'].map((v) =>
        h('option', { value: v }, t(`risk.${v}`)),
      ),
    );
    const resetBtn = h('button', { type: 'reset' }, t('reset'));
    const filterForm = h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': t('filters') },
      field('f-name', t('imageName'), nameIn),
      field('f-os', t('osName'), osIn),
      field('f-status', t('scanStatus'), statusSel),
      field('f-risk', t('securityRisk'), riskSel),
      h(
        'div',
        { class: 'filter-buttons' },
        h('button', { type: 'submit', class: 'primary' }, t('apply')),
        resetBtn,
      ),
    );
    filterForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      state.name = nameIn.value.trim();
      state.os = osIn.value.trim();
      state.status = statusSel.value;
      state.risk = riskSel.value;
      state.offset = 0;
      void load();
    });
    filterForm.addEventListener('reset', () => {
      setTimeout(() => {
        state.name = state.os = state.status = state.risk = '';
        state.offset = 0;
        void load();
      });
    });

    // actions
    const scanBtn = h('button', { type: 'button', class: 'primary', 'data-action': 'scan' }, t('scan'));
    const stopBtn = h('button', { type: 'button', 'data-action': 'stop' }, t('stop'));
    const selCount = h('span', { class: 'muted', 'aria-live': 'polite' });
    const notice = h('div', { class: 'notice', 'aria-live': 'polite' });
    const progress = h('div', { class: 'task-progress' });
    scanBtn.addEventListener('click', () => void startScan());
    stopBtn.addEventListener('click', () => void stopScan());

    // table
    const selectAll = h('input', { type: 'checkbox', id: 'sel-all', 'aria-label': t('selectAll') });
    selectAll.addEventListener('change', () => {
      for (const r of state.rows) {
        if (selectAll.checked) state.selected.add(r.ImageID);
        else state.selected.delete(r.ImageID);
      }
      renderRows();
    });
    const headRow = h('tr', {}, h('th', { scope: 'col', class: 'sel' }, selectAll));
    const headCells = new Map<string, HTMLTableCellElement>();
    for (const col of COLUMNS) {
      const th = h('th', { scope: 'col', 'data-col': col });
      if ((SORTABLE as readonly string[]).includes(col)) {
        const btn = h(
          'button',
          { type: 'button', class: 'sort', title: t('sortBy', { col: t(`col_${col}`) }) },
          t(`col_${col}`),
          h('span', { class: 'arrow', 'aria-hidden': 'true' }),
        );
        btn.addEventListener('click', () => {
          if (state.by === col) state.order = state.order === 'asc' ? 'desc' : 'asc';
          else {
            state.by = col;
            state.order = col === 'ImageName' || col === 'OsName' ? 'asc' : 'desc';
          }
          state.offset = 0;
          void load();
        });
        th.append(btn);
      } else th.append(t(`col_${col}`));
      headCells.set(col, th);
      headRow.append(th);
    }
    const tbody = h('tbody', {});
    const tableEl = h(
      'table',
      { class: 'grid', id: 'images-table' },
      h('caption', { class: 'sr-only' }, t('title')),
      h('thead', {}, headRow),
      tbody,
    );
    const message = h('div', {});

    // paging
    const rangeText = h('span', { 'aria-live': 'polite' });
    const prevBtn = h('button', { type: 'button', 'data-page': 'prev' }, t('prev'));
    const nextBtn = h('button', { type: 'button', 'data-page': 'next' }, t('next'));
    const sizeSel = h(
      'select',
      { id: 'page-size' },
      ...[10, 20, 50, 100].map((n) => h('option', { value: n, selected: n === state.limit }, String(n))),
    );
    prevBtn.addEventListener('click', () => {
      state.offset = Math.max(0, state.offset - state.limit);
      void load();
    });
    nextBtn.addEventListener('click', () => {
      state.offset += state.limit;
      void load();
    });
    sizeSel.addEventListener('change', () => {
      state.limit = Number(sizeSel.value);
      state.offset = 0;
      void load();
    });
    const pager = h(
      'nav',
      { class: 'pager', 'aria-label': t('pager') },
      prevBtn,
      rangeText,
      nextBtn,
      h('label', { for: 'page-size' }, t('perPage')),
      sizeSel,
    );

    root.append(
      h('h1', {}, t('title')),
      filterForm,
      h('div', { class: 'toolbar' }, scanBtn, stopBtn, selCount),
      notice,
      progress,
      h('div', { class: 'table-wrap' }, tableEl),
      message,
      pager,
    );

    function filters() {
      const f: { Name: string; Values: string[] }[] = [];
      if (state.name) f.push({ Name: 'ImageName', Values: [state.name] });
      if (state.os) f.push({ Name: 'OsName', Values: [state.os] });
      if (state.status) f.push({ Name: 'ScanStatus', Values: [state.status] });
      if (state.risk) f.push({ Name: 'SecurityRisk', Values: [state.risk] });
      return f;
    }

    async function load(quiet = false): Promise<void> {
      if (generation !== alive) return;
      if (timer) clearTimeout(timer);
      timer = undefined;
      try {
        const list = await ctx.api.call<ImageList>('DescribeAssetImageList', {
          Limit: state.limit,
          Offset: state.offset,
          Filters: filters(),
          By: state.by,
          Order: state.order,
        });
        if (generation !== alive) return;
        if (list.List.length === 0 && state.offset > 0 && list.TotalCount > 0) {
          state.offset = Math.max(0, (Math.ceil(list.TotalCount / state.limit) - 1) * state.limit);
          return load(quiet);
        }
        state.rows = list.List;
        state.total = list.TotalCount;
        message.replaceChildren();
        renderRows();
        if (state.taskId) await taskProgress();
      } catch (e) {
        if (generation !== alive) return;
        message.replaceChildren(errorBox(ctx, e));
      }
      if (generation === alive && (state.rows.some((r) => LIVE.has(r.ScanStatus)) || taskRunning))
        timer = setTimeout(() => void load(true), POLL_MS);
    }

    let taskRunning = false;
    async function taskProgress(): Promise<void> {
      const s = await ctx.api.call<ScanStatus>('DescribeAssetImageScanStatus', { TaskID: state.taskId });
      const total = s.ImageTotal ?? 0;
      const done = s.ImageScanCnt ?? 0;
      const pct = Math.round(s.Schedule ?? (total ? (done / total) * 100 : 100));
      taskRunning = s.Status !== 'END';
      const bar = h('progress', {
        max: 100,
        value: pct,
        'aria-label': t('progress', { id: state.taskId, done, total, pct }),
      });
      progress.replaceChildren(bar, h('span', {}, t('progress', { id: state.taskId, done, total, pct })));
    }

    function renderRows(): void {
      const focused = document.activeElement as HTMLElement | null;
      const focusKey = focused && tbody.contains(focused) ? focused.getAttribute('data-key') : null;
      for (const [col, th] of headCells) {
        if (!(SORTABLE as readonly string[]).includes(col)) continue;
        const sorted = state.by === col;
        if (sorted) th.setAttribute('aria-sort', state.order === 'asc' ? 'ascending' : 'descending');
        else th.setAttribute('aria-sort', 'none');
        const arrow = th.querySelector('.arrow');
        if (arrow) arrow.textContent = sorted ? (state.order === 'asc' ? ' ▲' : ' ▼') : '';
      }
      tbody.replaceChildren(...state.rows.map(row));
      const onPage = state.rows.filter((r) => state.selected.has(r.ImageID)).length;
      selectAll.checked = state.rows.length > 0 && onPage === state.rows.length;
      selectAll.indeterminate = onPage > 0 && onPage < state.rows.length;
      selCount.textContent = state.selected.size > 0 ? t('selected', { n: state.selected.size }) : '';
      if (state.rows.length === 0) message.replaceChildren(h('p', { class: 'muted empty' }, t('empty')));
      const from = state.total === 0 ? 0 : state.offset + 1;
      rangeText.textContent = t('range', { from, to: state.offset + state.rows.length, total: state.total });
      prevBtn.disabled = state.offset === 0;
      nextBtn.disabled = state.offset + state.rows.length >= state.total;
      if (focusKey)
        (tbody.querySelector(`[data-key="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
    }

    function row(img: ImageRow): HTMLTableRowElement {
      const name = img.ImageName || img.ImageID;
      const box = h('input', {
        type: 'checkbox',
        'aria-label': t('selectOne', { name }),
        'data-key': `sel:${img.ImageID}`,
        checked: state.selected.has(img.ImageID),
      });
      box.addEventListener('change', () => {
        if (box.checked) state.selected.add(img.ImageID);
        else state.selected.delete(img.ImageID);
        renderRows();
      });
      const vars = {
        total: img.VulCnt,
        c: img.CriticalLevelVulCnt,
        h: img.HighLevelVulCnt,
        m: img.MediumLevelVulCnt,
        l: img.LowLevelVulCnt,
      };
      const status = h('span', { class: `status st-${img.ScanStatus.toLowerCase()}` }, t(img.ScanStatus));
      const statusCell = h('td', { 'data-col': 'ScanStatus' }, status);
      if (LIVE.has(img.ScanStatus)) statusCell.append(h('progress', { 'aria-label': t(img.ScanStatus) }));
      if (img.ScanStatus === 'SCAN_ERR' && img.ScanError)
        statusCell.append(h('div', { class: 'muted small' }, img.ScanError));
      return h(
        'tr',
        { 'data-id': img.ImageID },
        h('td', { class: 'sel' }, box),
        h(
          'th',
          { scope: 'row', 'data-col': 'ImageName' },
          h(
            'a',
            { href: `#/images/${encodeURIComponent(img.ImageID)}`, 'data-key': `link:${img.ImageID}` },
            name,
          ),
          img.IsTrustImage ? null : h('span', { class: 'tag' }, t('untrusted')),
          h('div', { class: 'muted small mono' }, img.ImageID.slice(0, 19)),
        ),
        h('td', { 'data-col': 'OsName' }, img.OsName),
        h('td', { 'data-col': 'Size', class: 'num' }, humanSize(img.Size)),
        h(
          'td',
          { 'data-col': 'VulCnt', title: t('levelsLong', vars) },
          h('strong', {}, String(img.VulCnt)),
          ' ',
          h(
            'span',
            { class: 'levels', 'aria-label': t('levelsLong', vars) },
            h('span', { class: 'lvl critical' }, String(vars.c)),
            h('span', { class: 'lvl high' }, String(vars.h)),
            h('span', { class: 'lvl medium' }, String(vars.m)),
            h('span', { class: 'lvl low' }, String(vars.l)),
          ),
        ),
        h('td', { 'data-col': 'RiskCnt', class: 'num' }, String(img.RiskCnt)),
        h('td', { 'data-col': 'VirusCnt', class: 'num' }, String(img.VirusCnt)),
        statusCell,
        h('td', { 'data-col': 'ScanTime' }, img.ScanTime),
      );
    }

    async function startScan(): Promise<void> {
      const images = [...state.selected];
      if (images.length === 0) {
        notice.replaceChildren(h('div', { class: 'error', role: 'alert' }, t('noneSelected')));
        return;
      }
      scanBtn.disabled = true;
      try {
        const r = await ctx.api.call<{ TaskID: string }>('CreateAssetImageScanTask', {
          Images: images,
          ScanScope: 1,
          ScanVul: true,
          ScanRisk: true,
          ScanVirus: true,
        });
        state.taskId = r.TaskID;
        taskRunning = true;
        notice.replaceChildren(h('div', { class: 'ok' }, t('started', { id: r.TaskID, n: images.length })));
        await load();
      } catch (e) {
        notice.replaceChildren(errorBox(ctx, e));
      } finally {
        scanBtn.disabled = false;
      }
    }

    async function stopScan(): Promise<void> {
      const images = [...state.selected];
      if (images.length === 0) {
        notice.replaceChildren(h('div', { class: 'error', role: 'alert' }, t('noneSelected')));
        return;
      }
      stopBtn.disabled = true;
      try {
        await ctx.api.call('ModifyAssetImageScanStop', { Images: images });
        notice.replaceChildren(h('div', { class: 'ok' }, t('stopped', { n: images.length })));
        await load();
      } catch (e) {
        notice.replaceChildren(errorBox(ctx, e));
      } finally {
        stopBtn.disabled = false;
      }
    }

    await load();
  },
  dispose() {
    alive++;
    if (timer) clearTimeout(timer);
    timer = undefined;
  },
};

function field(id: string, label: string, input: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}
