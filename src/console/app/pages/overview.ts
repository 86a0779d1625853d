import type { Page, Strings } from '../contract.js';
import { h, svg } from '../dom.js';
import { errorBox } from '../errors.js';
import type { ImageList, ImageRow } from './images.js';

const S: Strings = {
  title: { en: 'Overview', zh: '概览' },
  images: { en: 'Images', zh: '镜像总数' },
  scanned: { en: 'Scanned', zh: '已扫描' },
  unsafe: { en: 'Unsafe', zh: '有风险' },
  untrusted: { en: 'Untrusted', zh: '不受信任' },
  hostsOnline: { en: 'Hosts online', zh: '在线主机' },
  hostsOf: { en: '{online} of {total}', zh: '{online} / {total}' },
  lastScan: { en: 'Last scan: {time}', zh: '最近扫描：{time}' },
  never: { en: 'never', zh: '从未' },
  severity: { en: 'Images with vulnerabilities, by severity', zh: '按漏洞等级统计的镜像数' },
  severityDesc: {
    en: 'Critical {critical}, high {high}, medium {medium}, low {low} images',
    zh: '严重 {critical}、高危 {high}、中危 {medium}、低危 {low} 个镜像',
  },
  critical: { en: 'Critical', zh: '严重' },
  high: { en: 'High', zh: '高危' },
  medium: { en: 'Medium', zh: '中危' },
  low: { en: 'Low', zh: '低危' },
  findings: { en: 'Images with findings', zh: '存在问题的镜像' },
  withVuls: { en: 'Vulnerabilities', zh: '漏洞' },
  withRisks: { en: 'Sensitive info / risks', zh: '敏感信息 / 风险' },
  withVirus: { en: 'Trojans', zh: '木马' },
  topVulnerable: { en: 'Most vulnerable images', zh: '漏洞最多的镜像' },
  topComponents: { en: 'Most vulnerable components', zh: '漏洞最多的组件' },
  component: { en: 'Component', zh: '组件' },
  version: { en: 'Version', zh: '版本' },
  imagesCol: { en: 'Images', zh: '镜像数' },
  critHigh: { en: 'Crit. / high', zh: '严重 / 高危' },
  fixedIn: { en: 'Fixed in', zh: '修复版本' },
  recentScans: { en: 'Recent scans', zh: '最近扫描' },
  image: { en: 'Image', zh: '镜像' },
  vuls: { en: 'Vulns', zh: '漏洞数' },
  scanTime: { en: 'Scan time', zh: '扫描时间' },
  status: { en: 'Status', zh: '状态' },
  none: { en: 'Nothing yet.', zh: '暂无数据。' },
};

/** A row of hullscan's DescribeAssetImageComponentTopList: one vulnerable component across the account. */
interface TopComponent {
  Name: string;
  Version: string;
  Type: string;
  VulCount: number;
  CriticalVulCount: number;
  HighVulCount: number;
  ImageCount: number;
  FixedVersion: string;
}

interface Summary {
  ImageCnt?: number;
  ScannedImageCnt?: number;
  ImageUnsafeCnt?: number;
  ImageUntrustCnt?: number;
  ImageHasVulsCnt?: number;
  ImageHasRiskInfoCnt?: number;
  ImageHasVirusCnt?: number;
  HostOnline?: number;
  HostCnt?: number;
  LatestImageScanTime?: string;
}

const LEVELS = [
  ['critical', 'CriticalLevelVul'],
  ['high', 'HighLevelVul'],
  ['medium', 'MediumLevelVul'],
  ['low', 'LowLevelVul'],
] as const;

/** A horizontal SVG bar chart drawn with DOM APIs; `label` describes it for screen readers. */
export function barChart(rows: { label: string; value: number; cls: string }[], label: string): SVGElement {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowH = 30;
  const width = 560;
  const labelW = 200;
  const barMax = width - labelW - 60;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${rows.length * rowH + 4}`,
    role: 'img',
    'aria-label': label,
    class: 'chart',
  });
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const w = Math.max(r.value > 0 ? 3 : 0, Math.round((r.value / max) * barMax));
    chart.append(
      svg('text', { x: 0, y: y + 17, class: 'chart-label' }, r.label),
      svg('rect', { x: labelW, y, width: w, height: rowH - 10, rx: 3, class: `bar ${r.cls}` }),
      svg('text', { x: labelW + w + 8, y: y + 17, class: 'chart-value' }, String(r.value)),
    );
  });
  return chart;
}

function card(label: string, value: string | number, key: string, extra?: string): HTMLElement {
  return h(
    'div',
    { class: 'card', 'data-stat': key },
    h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, String(value)),
    extra ? h('div', { class: 'card-extra muted' }, extra) : null,
  );
}

function imageLink(img: ImageRow): HTMLElement {
  return h('a', { href: `#/images/${encodeURIComponent(img.ImageID)}` }, img.ImageName || img.ImageID);
}

function componentCell(c: TopComponent): HTMLElement {
  return h(
    'span',
    { title: c.FixedVersion ? `→ ${c.FixedVersion}` : '' },
    c.Name,
    ' ',
    h('span', { class: 'badge badge-muted' }, c.Type),
  );
}

function table(caption: string, heads: string[], rows: Node[][]): HTMLElement {
  return h(
    'table',
    { class: 'grid compact' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...heads.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c))))),
  );
}

export const overviewPage: Page = {
  async render(root, ctx) {
    const t = (key: string, vars?: Record<string, string | number>) => ctx.t(S, key, vars);
    root.append(
      h('h1', {}, t('title')),
      h('p', { class: 'muted', 'aria-live': 'polite' }, ctx.t({ l: { en: 'Loading…', zh: '加载中…' } }, 'l')),
    );
    let summary: Summary;
    let levels: number[];
    let top: ImageList;
    let recent: ImageList;
    let components: { List: TopComponent[]; TotalCount: number };
    try {
      [summary, levels, top, recent, components] = await Promise.all([
        ctx.api.call<Summary>('DescribeAssetSummary', {}),
        Promise.all(
          LEVELS.map(([, value]) =>
            ctx.api
              .call<ImageList>('DescribeAssetImageList', {
                Limit: 1,
                Filters: [{ Name: 'SecurityRisk', Values: [value] }],
              })
              .then((r) => r.TotalCount),
          ),
        ),
        ctx.api.call<ImageList>('DescribeAssetImageList', { Limit: 5, By: 'VulCnt', Order: 'desc' }),
        ctx.api.call<ImageList>('DescribeAssetImageList', {
          Limit: 5,
          By: 'ScanTime',
          Order: 'desc',
          Filters: [{ Name: 'ScanStatus', Values: ['scanned'] }],
        }),
        ctx.api.call<{ List: TopComponent[]; TotalCount: number }>('DescribeAssetImageComponentTopList', {
          Limit: 5,
          By: 'VulCount',
          Order: 'desc',
        }),
      ]);
    } catch (e) {
      root.replaceChildren(h('h1', {}, t('title')), errorBox(ctx, e));
      return;
    }
    const n = (v: number | undefined) => v ?? 0;
    const cards = h(
      'section',
      { class: 'cards', 'aria-label': t('title') },
      card(t('images'), n(summary.ImageCnt), 'images'),
      card(
        t('scanned'),
        n(summary.ScannedImageCnt),
        'scanned',
        t('lastScan', { time: summary.LatestImageScanTime || t('never') }),
      ),
      card(t('unsafe'), n(summary.ImageUnsafeCnt), 'unsafe'),
      card(t('untrusted'), n(summary.ImageUntrustCnt), 'untrusted'),
      card(
        t('hostsOnline'),
        n(summary.HostOnline),
        'hosts',
        t('hostsOf', { online: n(summary.HostOnline), total: n(summary.HostCnt) }),
      ),
    );
    const sevRows = LEVELS.map(([key], i) => ({ label: t(key), value: levels[i] ?? 0, cls: key }));
    const sevVars = Object.fromEntries(LEVELS.map(([key], i) => [key, levels[i] ?? 0]));
    const findingRows = [
      { label: t('withVuls'), value: n(summary.ImageHasVulsCnt), cls: 'high' },
      { label: t('withRisks'), value: n(summary.ImageHasRiskInfoCnt), cls: 'medium' },
      { label: t('withVirus'), value: n(summary.ImageHasVirusCnt), cls: 'critical' },
      { label: t('untrusted'), value: n(summary.ImageUntrustCnt), cls: 'low' },
    ];
    const findingDesc = findingRows.map((r) => `${r.label} ${r.value}`).join(', ');
    const none = () => h('p', { class: 'muted' }, t('none'));
    root.replaceChildren(
      h('h1', {}, t('title')),
      cards,
      h(
        'div',
        { class: 'panels' },
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'sev-h' },
          h('h2', { id: 'sev-h' }, t('severity')),
          barChart(sevRows, t('severityDesc', sevVars)),
        ),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'find-h' },
          h('h2', { id: 'find-h' }, t('findings')),
          barChart(findingRows, findingDesc),
        ),
        h(
          'section',
          { class: 'panel', 'data-list': 'top' },
          top.List.length === 0
            ? h('div', {}, h('h2', {}, t('topVulnerable')), none())
            : table(
                t('topVulnerable'),
                [t('image'), t('vuls'), t('critHigh')],
                top.List.map((img) => [
                  imageLink(img),
                  document.createTextNode(String(img.VulCnt)),
                  document.createTextNode(`${img.CriticalLevelVulCnt} / ${img.HighLevelVulCnt}`),
                ]),
              ),
        ),
        h(
          'section',
          { class: 'panel', 'data-list': 'components' },
          components.List.length === 0
            ? h('div', {}, h('h2', {}, t('topComponents')), none())
            : table(
                t('topComponents'),
                [t('component'), t('version'), t('vuls'), t('critHigh'), t('imagesCol')],
                components.List.map((c) => [
                  componentCell(c),
                  h('code', { class: 'mono' }, c.Version),
                  document.createTextNode(String(c.VulCount)),
                  document.createTextNode(`${c.CriticalVulCount} / ${c.HighVulCount}`),
                  document.createTextNode(String(c.ImageCount)),
                ]),
              ),
        ),
        h(
          'section',
          { class: 'panel', 'data-list': 'recent' },
          recent.List.length === 0
            ? h('div', {}, h('h2', {}, t('recentScans')), none())
            : table(
                t('recentScans'),
                [t('image'), t('scanTime'), t('vuls')],
                recent.List.map((img) => [
                  imageLink(img),
                  document.createTextNode(img.ScanTime),
                  document.createTextNode(String(img.VulCnt)),
                ]),
              ),
        ),
      ),
    );
  },
};
