/**
 * Shared DOM helpers of the console pages: elements built with DOM APIs only (never innerHTML), a
 * server-paged sortable and searchable table, tabs, badges, humanised sizes and times.
 */
import type { PageContext, Strings } from './contract.js';

export const S: Strings = {
  loading: { en: 'Loading…', zh: '加载中…' },
  empty: { en: 'Nothing here yet.', zh: '暂无数据。' },
  error: { en: 'Request failed: {msg}', zh: '请求失败：{msg}' },
  search: { en: 'Search', zh: '搜索' },
  searchIn: { en: 'Search in', zh: '搜索字段' },
  apply: { en: 'Search', zh: '搜索' },
  clear: { en: 'Clear', zh: '清除' },
  all: { en: 'All', zh: '全部' },
  prev: { en: 'Previous page', zh: '上一页' },
  next: { en: 'Next page', zh: '下一页' },
  range: { en: '{from}–{to} of {total}', zh: '第 {from}–{to} 条，共 {total} 条' },
  perPage: { en: 'Rows per page', zh: '每页行数' },
  sortBy: { en: 'Sort by {col}', zh: '按{col}排序' },
  level1: { en: 'Low', zh: '低危' },
  level2: { en: 'Medium', zh: '中危' },
  level3: { en: 'High', zh: '高危' },
  level4: { en: 'Critical', zh: '严重' },
  level0: { en: 'Unknown', zh: '未知' },
  yes: { en: 'Yes', zh: '是' },
  no: { en: 'No', zh: '否' },
  none: { en: '—', zh: '—' },
  st_NOT_SCAN: { en: 'Not scanned', zh: '未扫描' },
  st_WAIT_SCAN: { en: 'Queued', zh: '等待扫描' },
  st_SCANNING: { en: 'Scanning', zh: '扫描中' },
  st_SCAN_ERR: { en: 'Scan failed', zh: '扫描失败' },
  st_CANCELED: { en: 'Canceled', zh: '已取消' },
  st_SCANNED: { en: 'Scanned', zh: '已扫描' },
};

/**
 * The look of these widgets, adopted once as a constructed stylesheet (CSSOM: no inline style, so the
 * console's `style-src 'self'` CSP holds). The shell's console.css may override any of it.
 */
const WIDGET_CSS = `
[hidden]{display:none!important}
.badge{display:inline-block;font-size:12px;line-height:18px;padding:0 6px;border-radius:3px;margin:0 2px 0 0;white-space:nowrap;border:1px solid transparent}
.badge-ok{background:#e3f3e8;color:var(--ok,#1d7a3a)}
.badge-info{background:#e5eef8;color:var(--accent,#0b5cad)}
.badge-warn{background:#fbf1d9;color:#7a5a00}
.badge-danger{background:#fde6df;color:#a33a0b}
.badge-critical{background:#f8dcdc;color:var(--critical,#a4161a)}
.badge-muted{background:#eef1f4;color:var(--muted,#5b6572)}
.badge.lvl{color:#fff;margin:0}
.badge.lvl.unknown{background:#8a939e}
section.card{background:var(--panel,#fff);border:1px solid var(--line,#d8dde3);border-radius:6px;padding:12px 16px;margin:0 0 16px}
section.card h2{margin-top:0}
.deflist{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:6px 24px;margin:0}
.deflist>div{display:grid;grid-template-columns:150px 1fr;gap:8px;align-items:baseline;min-width:0}
.deflist dt{color:var(--muted,#5b6572);font-size:13px}
.deflist dd{margin:0;min-width:0;overflow-wrap:anywhere}
.break{overflow-wrap:anywhere;word-break:break-all}
.prewrap{white-space:pre-wrap;overflow-wrap:anywhere}
.detail-head .counts{display:flex;flex-wrap:wrap;gap:12px;list-style:none;padding:0;margin:8px 0}
.detail-head .count{background:var(--panel,#fff);border:1px solid var(--line,#d8dde3);border-radius:6px;padding:8px 14px;min-width:150px}
.detail-head .count-num{display:block;font-size:24px;font-weight:700}
.text-danger{color:var(--high,#d9480f)}.text-warn{color:#8a6500}.text-critical{color:var(--critical,#a4161a)}
.detail-head .errors{list-style:none;padding:8px 12px;margin:8px 0;border-left:4px solid var(--critical,#a4161a);background:#fdf0ef}
.progress-row{display:flex;gap:8px;align-items:center;margin:4px 0}
.progress-row>span:first-child{min-width:140px}
ol.timeline,ul.timeline{list-style:none;margin:0;padding:0 0 0 18px;border-left:3px solid var(--line,#d8dde3)}
.timeline-step{position:relative;padding:4px 0 10px 10px}
.timeline-step::before{content:"";position:absolute;left:-27px;top:9px;width:12px;height:12px;border-radius:50%;background:var(--line,#d8dde3);border:2px solid var(--panel,#fff)}
.timeline-step.has-findings::before{background:var(--high,#d9480f)}
.step-meta{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
.step-cmd{margin:4px 0;padding:6px 8px;background:#f3f5f7;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px;max-height:12em;overflow:auto}
.step-findings{margin:2px 0}
ul.plain{list-style:none;padding:0;margin:4px 0}
ul.plain li{margin:2px 0}
.tablist{display:flex;flex-wrap:wrap;gap:2px;border-bottom:2px solid var(--line,#d8dde3);margin-top:8px}
.tablist .tab{border:1px solid var(--line,#d8dde3);border-bottom:none;border-radius:6px 6px 0 0;background:#eef1f4;padding:8px 14px;margin-bottom:-2px;cursor:pointer}
.tablist .tab[aria-selected=true]{background:var(--panel,#fff);border-bottom:2px solid var(--panel,#fff);font-weight:600;color:var(--accent,#0b5cad)}
.tabpanel{background:var(--panel,#fff);border:1px solid var(--line,#d8dde3);border-top:none;padding:12px 16px;margin-bottom:16px}
.data-table .toolbar{flex-wrap:wrap}
.data-table td.num,.data-table th.num{text-align:right}
.data-table td.wrap{white-space:normal;overflow-wrap:anywhere;max-width:40em}
.data-table td.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.data-table tr.detail-row td{background:#fafbfc;padding-top:0}
.data-table details summary{cursor:pointer;color:var(--accent,#0b5cad);padding:2px 0}
.data-table details .deflist{margin:6px 0}
.table-status:empty{display:none}
.actions{display:inline-flex;gap:6px;align-items:center;white-space:nowrap}
.form-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px 16px;align-items:end}
.form-grid fieldset{border:1px solid var(--line,#d8dde3);border-radius:6px;padding:8px 12px;grid-column:1/-1}
.form-grid .check{flex-direction:row;align-items:center;gap:6px;display:flex}
.form-grid .form-result{grid-column:1/-1;margin:0}
.form-grid textarea{width:100%}
.field-error:empty{display:none}
.field-error{font-size:13px}
[aria-invalid=true]{border-color:var(--critical,#a4161a)}
`;

let styled = false;
/** Adopts the widgets' stylesheet once (no-op where constructed stylesheets are missing). */
export function ensureStyles(): void {
  if (styled || typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in document)) return;
  styled = true;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    // adopted sheets come after console.css in the cascade: the rules above touch only the widgets' classes
    document.adoptedStyleSheets = [sheet, ...document.adoptedStyleSheets];
  } catch {
    // the pages work unstyled
  }
}

type Child = Node | string | number | null | undefined | false;

/** An element with attributes (`class`, `aria-*`, …; `true` sets an empty attribute, `false` omits it) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  if (!styled) ensureStyles();
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, ...children);
  return e;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(
      typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c,
    );
  }
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Bytes as people read them (1.5 MB); binary multiples, one decimal. */
export function humanSize(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Seconds as `1 h 2 min` / `45 s`. */
export function humanDuration(seconds: number | undefined, lang: 'en-US' | 'zh-CN'): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  const zh = lang === 'zh-CN';
  const parts: string[] = [];
  if (h) parts.push(zh ? `${h} 小时` : `${h} h`);
  if (m) parts.push(zh ? `${m} 分钟` : `${m} min`);
  if (!h && s) parts.push(zh ? `${s} 秒` : `${s} s`);
  return parts.join(' ');
}

/** The API's `YYYY-MM-DD HH:MM:SS` (or ISO) as a Date; undefined when empty or unreadable. */
export function parseTime(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(text) ? text.replace(' ', 'T') : text;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * A `<time>` showing the API's text as it is: the server formats times in its own zone, which the
 * browser does not know, so no relative time is derived from it.
 */
export function timeEl(_ctx: PageContext, text: string | undefined): HTMLElement {
  if (!text) return el('span', { class: 'muted' }, '—');
  return el('time', {}, text);
}

export type BadgeKind = 'ok' | 'info' | 'warn' | 'danger' | 'critical' | 'muted';

export function badge(text: string, kind: BadgeKind): HTMLElement {
  return el('span', { class: `tag badge badge-${kind}` }, text);
}

/** A severity 1–4 (low…critical) badge. */
export function levelBadge(ctx: PageContext, level: number | string | undefined): HTMLElement {
  const n = Number(level);
  const kinds: BadgeKind[] = ['muted', 'info', 'warn', 'danger', 'critical'];
  const k = n >= 1 && n <= 4 ? n : 0;
  const names = ['unknown', 'low', 'medium', 'high', 'critical'];
  const b = badge(ctx.t(S, `level${k}`), kinds[k] ?? 'muted');
  b.classList.add('lvl', names[k] ?? 'unknown');
  return b;
}

/** A ScanStatus (NOT_SCAN, WAIT_SCAN, SCANNING, SCAN_ERR, CANCELED, SCANNED) badge. */
export function scanStatusBadge(ctx: PageContext, status: string | undefined): HTMLElement {
  const kinds: Record<string, BadgeKind> = {
    NOT_SCAN: 'muted',
    WAIT_SCAN: 'info',
    SCANNING: 'info',
    SCAN_ERR: 'danger',
    CANCELED: 'warn',
    SCANNED: 'ok',
  };
  const s = status ?? '';
  const b = badge(s in kinds ? ctx.t(S, `st_${s}`) : s || '—', kinds[s] ?? 'muted');
  b.classList.add('status', `st-${s.toLowerCase()}`);
  return b;
}

export function yesNo(ctx: PageContext, v: boolean | undefined): string {
  return ctx.t(S, v ? 'yes' : 'no');
}

/** A labelled native progress bar with its percentage. */
export function progressBar(label: string, percent: number | undefined): HTMLElement {
  const p = Math.max(0, Math.min(100, Math.round(percent ?? 0)));
  const id = uid('pg');
  return el(
    'div',
    { class: 'progress-row' },
    el('span', { id }, label),
    ' ',
    el('progress', { max: 100, value: p, 'aria-labelledby': id }, `${p}%`),
    ` ${p}%`,
  );
}

/** The message of a failed API call (its code when the client attached one). */
export function errorMessage(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { message?: unknown; code?: unknown; Code?: unknown; Message?: unknown };
    const msg = String(o.message ?? o.Message ?? '');
    const code = o.code ?? o.Code;
    if (msg) return typeof code === 'string' && code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(e);
}

/** An alert box for a failed call. */
export function errorBox(ctx: PageContext, e: unknown): HTMLElement {
  return el('p', { class: 'error', role: 'alert' }, ctx.t(S, 'error', { msg: errorMessage(e) }));
}

/** A `<details>` with a summary and a pre-wrapped text body (Solution, description…); text only. */
export function disclosure(summary: string, ...body: Child[]): HTMLElement {
  return el(
    'details',
    { class: 'disclosure' },
    el('summary', {}, summary),
    el('div', { class: 'prewrap' }, ...body),
  );
}

/** Text with http(s) URLs made into links (rel=noopener, new tab), built with DOM nodes. */
export function linkify(text: string): DocumentFragment {
  const f = document.createDocumentFragment();
  const re = /https?:\/\/[^\s<>"']+/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const i = m.index ?? 0;
    if (i > last) f.appendChild(document.createTextNode(text.slice(last, i)));
    f.appendChild(el('a', { href: m[0], rel: 'noopener noreferrer', target: '_blank' }, m[0]));
    last = i + m[0].length;
  }
  if (last < text.length) f.appendChild(document.createTextNode(text.slice(last)));
  return f;
}

/** A definition list of label/value pairs. */
export function defList(pairs: [string, Child][]): HTMLElement {
  const dl = el('dl', { class: 'deflist' });
  for (const [k, v] of pairs) append(dl, el('div', {}, el('dt', {}, k), el('dd', {}, v ?? '—')));
  return dl;
}

// ---------------------------------------------------------------------------------------------------
// Tabs

export interface Tab {
  id: string;
  label: string;
  /** renders the panel the first time it is shown */
  render(panel: HTMLElement): void | Promise<void>;
}

/** A WAI-ARIA tablist: arrow keys / Home / End move between tabs, panels render lazily. */
export function tabs(label: string, list: Tab[], initial = 0): HTMLElement {
  const root = el('div', { class: 'tabs' });
  const bar = el('div', { role: 'tablist', 'aria-label': label, class: 'tablist' });
  const buttons: HTMLButtonElement[] = [];
  const panels: HTMLElement[] = [];
  const rendered = new Set<number>();
  const base = uid('tab');
  list.forEach((tab, i) => {
    const b = el(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `${base}-t${i}`,
        'aria-controls': `${base}-p${i}`,
        'data-tab': tab.id,
        class: 'tab',
      },
      tab.label,
    );
    const p = el('div', {
      role: 'tabpanel',
      id: `${base}-p${i}`,
      'aria-labelledby': `${base}-t${i}`,
      tabindex: 0,
      class: 'tabpanel',
    });
    b.addEventListener('click', () => select(i, false));
    b.addEventListener('keydown', (ev) => {
      let j = -1;
      if (ev.key === 'ArrowRight') j = (i + 1) % list.length;
      else if (ev.key === 'ArrowLeft') j = (i - 1 + list.length) % list.length;
      else if (ev.key === 'Home') j = 0;
      else if (ev.key === 'End') j = list.length - 1;
      if (j >= 0) {
        ev.preventDefault();
        select(j, true);
      }
    });
    buttons.push(b);
    panels.push(p);
    bar.appendChild(b);
  });
  function select(i: number, focus: boolean): void {
    buttons.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
      const p = panels[j];
      if (p) p.hidden = i !== j;
    });
    if (focus) buttons[i]?.focus();
    const tab = list[i];
    const panel = panels[i];
    if (tab && panel && !rendered.has(i)) {
      rendered.add(i);
      void tab.render(panel);
    }
  }
  append(root, bar, ...panels);
  select(initial, false);
  return root;
}

// ---------------------------------------------------------------------------------------------------
// Server-paged table

export interface Column<R> {
  /** heading */
  label: string;
  /** the API's `By` value when the column can be sorted */
  sort?: string;
  cell(row: R): Child;
  /** a class on the cells (e.g. `num`, `mono`, `wrap`) */
  className?: string;
}

export interface Query {
  limit: number;
  offset: number;
  by?: string;
  order?: 'ASC' | 'DESC';
  /** the API's Filters from the search box and the selects */
  filters: { Name: string; Values: string[]; ExactMatch?: boolean }[];
}

export interface TableOptions<R> {
  ctx: PageContext;
  caption: string;
  columns: Column<R>[];
  fetch(q: Query): Promise<{ rows: R[]; total: number }>;
  /** free-text search: the filter names it can search (first is the default) */
  search?: { name: string; label: string }[];
  /** select filters (level…) */
  selects?: { name: string; label: string; options: { value: string; label: string }[] }[];
  initialSort?: { by: string; order: 'ASC' | 'DESC' };
  pageSize?: number;
  /** a row under each data row spanning all columns (solutions, details); null for none */
  detail?(row: R): Node | null;
  /** a key for `data-key` on rows (tests, selection) */
  rowKey?(row: R): string;
  emptyText?: string;
}

export interface TableHandle {
  element: HTMLElement;
  reload(): Promise<void>;
}

/** A table paged, sorted and searched on the server (Limit/Offset, By/Order, Filters). */
export function serverTable<R>(o: TableOptions<R>): TableHandle {
  const { ctx } = o;
  const t = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  let limit = o.pageSize ?? 20;
  let offset = 0;
  let by = o.initialSort?.by;
  let order = o.initialSort?.order;
  let searchName = o.search?.[0]?.name;
  let searchText = '';
  const selected: Record<string, string> = {};
  let seq = 0;

  const root = el('div', { class: 'data-table' });
  // toolbar
  if (o.search?.length || o.selects?.length) {
    const form = el('form', { class: 'toolbar', role: 'search' });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      offset = 0;
      void load();
    });
    if (o.search?.length) {
      if (o.search.length > 1) {
        const sid = uid('sf');
        const sel = el('select', { id: sid });
        for (const s of o.search) append(sel, el('option', { value: s.name }, s.label));
        sel.addEventListener('change', () => {
          searchName = sel.value;
        });
        append(form, el('label', { for: sid, class: 'sr-only' }, t('searchIn')), sel);
      }
      const iid = uid('q');
      const input = el('input', {
        id: iid,
        type: 'search',
        placeholder: o.search.length === 1 ? (o.search[0]?.label ?? '') : t('search'),
        maxlength: 512,
      });
      input.addEventListener('input', () => {
        searchText = input.value.trim();
      });
      append(form, el('label', { for: iid, class: 'sr-only' }, t('search')), input);
    }
    for (const s of o.selects ?? []) {
      const sid = uid('fs');
      const sel = el('select', { id: sid });
      append(sel, el('option', { value: '' }, t('all')));
      for (const op of s.options) append(sel, el('option', { value: op.value }, op.label));
      sel.addEventListener('change', () => {
        selected[s.name] = sel.value;
        offset = 0;
        void load();
      });
      append(form, el('label', { for: sid }, s.label), sel);
    }
    append(form, el('button', { type: 'submit' }, t('apply')));
    root.appendChild(form);
  }
  const status = el('p', { class: 'table-status', role: 'status', 'aria-live': 'polite' });
  const wrap = el('div', { class: 'table-wrap' });
  const table = el('table', { class: 'grid table' });
  append(table, el('caption', { class: 'sr-only' }, o.caption));
  const thead = el('thead');
  const headRow = el('tr');
  const headers: { th: HTMLTableCellElement; col: Column<R> }[] = [];
  for (const col of o.columns) {
    const th = el('th', { scope: 'col', class: col.className?.includes('num') ? 'num' : undefined });
    if (col.sort) {
      const b = el(
        'button',
        { type: 'button', class: 'sort', title: t('sortBy', { col: col.label }) },
        col.label,
      );
      b.addEventListener('click', () => {
        if (by === col.sort) order = order === 'ASC' ? 'DESC' : 'ASC';
        else {
          by = col.sort;
          order = 'DESC';
        }
        offset = 0;
        void load();
      });
      th.appendChild(b);
    } else th.textContent = col.label;
    headers.push({ th, col });
    headRow.appendChild(th);
  }
  thead.appendChild(headRow);
  const tbody = el('tbody');
  append(table, thead, tbody);
  wrap.appendChild(table);

  const pager = el('nav', { class: 'pager', 'aria-label': o.caption });
  const prev = el('button', { type: 'button' }, `‹ ${t('prev')}`);
  const next = el('button', { type: 'button' }, `${t('next')} ›`);
  const range = el('span', { class: 'range' });
  const psId = uid('ps');
  const ps = el('select', { id: psId });
  for (const n of [10, 20, 50, 100]) append(ps, el('option', { value: n, selected: n === limit }, n));
  ps.addEventListener('change', () => {
    limit = Number(ps.value);
    offset = 0;
    void load();
  });
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - limit);
    void load();
  });
  next.addEventListener('click', () => {
    offset += limit;
    void load();
  });
  append(pager, prev, range, next, el('label', { for: psId }, t('perPage')), ps);
  append(root, status, wrap, pager);

  function paintSort(): void {
    for (const { th, col } of headers) {
      if (!col.sort) continue;
      th.setAttribute('aria-sort', by === col.sort ? (order === 'ASC' ? 'ascending' : 'descending') : 'none');
    }
  }

  async function load(): Promise<void> {
    const my = ++seq;
    paintSort();
    status.textContent = t('loading');
    root.setAttribute('aria-busy', 'true');
    const filters: Query['filters'] = [];
    if (searchName && searchText) filters.push({ Name: searchName, Values: [searchText] });
    for (const [name, v] of Object.entries(selected)) if (v) filters.push({ Name: name, Values: [v] });
    try {
      const q: Query = { limit, offset, filters, ...(by ? { by, order: order ?? 'DESC' } : {}) };
      const res = await o.fetch(q);
      if (my !== seq) return;
      clear(tbody);
      for (const row of res.rows) {
        const tr = el('tr', { 'data-key': o.rowKey?.(row) });
        for (const col of o.columns) append(tr, el('td', { class: col.className }, col.cell(row)));
        tbody.appendChild(tr);
        const d = o.detail?.(row);
        if (d)
          tbody.appendChild(el('tr', { class: 'detail-row' }, el('td', { colspan: o.columns.length }, d)));
      }
      const total = res.total;
      wrap.hidden = res.rows.length === 0;
      if (res.rows.length === 0) {
        status.textContent =
          total > 0 && offset > 0 ? t('range', { from: 0, to: 0, total }) : (o.emptyText ?? t('empty'));
        range.textContent = '';
      } else {
        status.textContent = '';
        range.textContent = t('range', { from: offset + 1, to: offset + res.rows.length, total });
      }
      prev.disabled = offset === 0;
      next.disabled = offset + res.rows.length >= total;
      pager.hidden = total <= 10 && offset === 0;
    } catch (e) {
      if (my !== seq) return;
      clear(tbody);
      wrap.hidden = true;
      status.textContent = '';
      status.appendChild(errorBox(ctx, e));
      prev.disabled = offset === 0;
      next.disabled = true;
    } finally {
      if (my === seq) root.removeAttribute('aria-busy');
    }
  }

  void load();
  return { element: root, reload: load };
}

/** A section with a heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  const id = uid('sec');
  return el('section', { class: 'card', 'aria-labelledby': id }, el('h2', { id }, title), ...children);
}

/** Levels 1–4 as select options. */
export function levelOptions(ctx: PageContext): { value: string; label: string }[] {
  return [4, 3, 2, 1].map((n) => ({ value: String(n), label: ctx.t(S, `level${n}`) }));
}
