/** Image detail (#/images/:id): every DescribeAssetImageDetail field, the build history as a layer timeline, finding tabs. */
import type { Page, PageContext, Strings } from '../contract.js';
import {
  append,
  badge,
  clear,
  defList,
  disclosure,
  el,
  errorBox,
  humanDuration,
  humanSize,
  levelBadge,
  levelOptions,
  linkify,
  progressBar,
  type Query,
  scanStatusBadge,
  section,
  serverTable,
  tabs,
  timeEl,
  S as W,
  yesNo,
} from '../widgets.js';

const S: Strings = {
  title: { en: 'Image detail', zh: '镜像详情' },
  back: { en: '← All images', zh: '← 全部镜像' },
  noId: { en: 'No image was given.', zh: '未指定镜像。' },
  overview: { en: 'Overview', zh: '概览' },
  ImageID: { en: 'Image ID', zh: '镜像 ID' },
  ImageName: { en: 'Name', zh: '镜像名称' },
  ImageDigest: { en: 'Digest', zh: '镜像摘要' },
  RepoDigests: { en: 'Repository digests', zh: '仓库摘要' },
  CreateTime: { en: 'Created', zh: '创建时间' },
  Size: { en: 'Size', zh: '大小' },
  OsName: { en: 'Operating system', zh: '操作系统' },
  Architecture: { en: 'Architecture', zh: '架构' },
  Author: { en: 'Author', zh: '作者' },
  HostCnt: { en: 'Hosts', zh: '主机数' },
  ContainerCnt: { en: 'Containers', zh: '容器数' },
  SuperNodeCnt: { en: 'Super nodes', zh: '超级节点数' },
  ScanTime: { en: 'Last scan', zh: '最近扫描' },
  ScanStatus: { en: 'Scan status', zh: '扫描状态' },
  Status: { en: 'Status code', zh: '状态码' },
  IsTrustImage: { en: 'Trusted image', zh: '可信镜像' },
  IsAuthorized: { en: 'Authorized', zh: '已授权' },
  RemainScanTime: { en: 'Time left', zh: '剩余时间' },
  Reason: { en: 'Reason', zh: '原因' },
  Solution: { en: 'Solution', zh: '解决方案' },
  findings: { en: 'Findings', zh: '安全问题' },
  VulCnt: { en: 'Vulnerabilities', zh: '漏洞' },
  RiskCnt: { en: 'Risks', zh: '风险' },
  SensitiveInfoCnt: { en: 'Sensitive information', zh: '敏感信息' },
  VirusCnt: { en: 'Trojans', zh: '木马' },
  progress: { en: 'Scan progress', zh: '扫描进度' },
  pVul: { en: 'Vulnerabilities', zh: '漏洞扫描' },
  pRisk: { en: 'Risks', zh: '风险扫描' },
  pVirus: { en: 'Trojans', zh: '木马扫描' },
  errors: { en: 'Errors', zh: '错误' },
  ScanError: { en: 'Scan error', zh: '扫描错误' },
  AgentError: { en: 'Agent error', zh: 'Agent 错误' },
  ScanVulError: { en: 'Vulnerability scan error', zh: '漏洞扫描错误' },
  ScanRiskError: { en: 'Risk scan error', zh: '风险扫描错误' },
  ScanVirusError: { en: 'Trojan scan error', zh: '木马扫描错误' },
  trusted: { en: 'Trusted', zh: '可信' },
  untrusted: { en: 'Untrusted', zh: '不可信' },
  status0: { en: 'Not scanned', zh: '未扫描' },
  status1: { en: 'Queued', zh: '等待扫描' },
  status2: { en: 'Scanning', zh: '扫描中' },
  status3: { en: 'Failed', zh: '扫描失败' },
  status4: { en: 'Canceled', zh: '已取消' },
  status5: { en: 'Done', zh: '已完成' },
  history: { en: 'Build history', zh: '构建历史' },
  historyNone: { en: 'The image has no build history.', zh: '该镜像没有构建历史。' },
  historyNote: {
    en: 'Each step of the image config history, oldest first, with the layer it made and what that layer brought: components, vulnerabilities, risks, secrets and trojans.',
    zh: '按时间顺序列出镜像配置中的每个构建步骤、它产生的层，以及该层带来的组件、漏洞、风险、敏感信息与木马。',
  },
  timelinePartial: {
    en: 'The timeline places the first {n} rows of each list; the tabs below have them all.',
    zh: '构建历史仅分配每类列表的前 {n} 条；下方标签页列出全部。',
  },
  step: { en: 'Step {n}', zh: '第 {n} 步' },
  stepTags: { en: 'Tags: {tags}', zh: '标签：{tags}' },
  stepVul: { en: 'Vulnerabilities: {n}', zh: '漏洞：{n}' },
  stepComp: { en: 'Components: {n}', zh: '组件：{n}' },
  stepRisks: { en: 'Risks: {n}', zh: '风险：{n}' },
  stepVirus: { en: 'Trojans: {n}', zh: '木马：{n}' },
  stepDetails: { en: 'What this layer brought', zh: '该层带来的问题' },
  andMore: { en: '… and {n} more (see the tabs below)', zh: '… 另有 {n} 条(见下方标签页)' },
  stepClean: { en: 'No findings in this step', zh: '此步骤无安全问题' },
  noLayer: { en: 'no layer (metadata only)', zh: '无文件层(仅元数据)' },
  otherLayers: { en: 'Not tied to a build step', zh: '未对应构建步骤' },
  otherLayersNote: {
    en: 'Layers the image history does not pair with (listed by diffID), and findings about the image configuration as a whole.',
    zh: '无法与镜像构建历史对应的层(按 diffID 列出)，以及针对整个镜像配置的问题。',
  },
  imageWide: { en: 'Image configuration (no layer)', zh: '镜像配置(不属于任何层)' },
  layer: { en: 'Layer {id}', zh: '层 {id}' },
  tabsLabel: { en: 'Image findings', zh: '镜像安全问题' },
  tVul: { en: 'Vulnerabilities ({n})', zh: '漏洞 ({n})' },
  tComp: { en: 'Components', zh: '组件' },
  tRisk: { en: 'Risks & sensitive information ({n})', zh: '风险与敏感信息 ({n})' },
  tVirus: { en: 'Trojans ({n})', zh: '木马 ({n})' },
  tHosts: { en: 'Hosts & containers', zh: '主机与容器' },
  level: { en: 'Level', zh: '等级' },
  name: { en: 'Name', zh: '名称' },
  cve: { en: 'CVE', zh: 'CVE 编号' },
  component: { en: 'Component', zh: '组件' },
  version: { en: 'Version', zh: '版本' },
  fixed: { en: 'Fixed in', zh: '修复版本' },
  cvss: { en: 'CVSS v3', zh: 'CVSS v3' },
  category: { en: 'Category', zh: '类别' },
  published: { en: 'Published', zh: '披露时间' },
  solutionOf: { en: 'Solution and details', zh: '解决方案与详情' },
  description: { en: 'Description', zh: '描述' },
  official: { en: 'Official solution', zh: '官方解决方案' },
  defense: { en: 'Defense', zh: '防御建议' },
  references: { en: 'References', zh: '参考链接' },
  suggest: { en: 'Fix first', zh: '建议优先修复' },
  type: { en: 'Type', zh: '类型' },
  path: { en: 'Path', zh: '路径' },
  vulCount: { en: 'Vulnerabilities', zh: '漏洞数' },
  hasVul: { en: 'Vulnerable', zh: '有漏洞' },
  compName: { en: 'Component name', zh: '组件名称' },
  compType: { en: 'Component type', zh: '组件类型' },
  riskType: { en: 'Type', zh: '类型' },
  riskType1: { en: 'High-risk behaviour', zh: '高危行为' },
  riskType2: { en: 'Sensitive information', zh: '敏感信息' },
  behavior: { en: 'Behaviour', zh: '行为' },
  rule: { en: 'Rule', zh: '规则' },
  desc: { en: 'Description', zh: '描述' },
  instruction: { en: 'Instruction', zh: '指令' },
  masked: { en: 'Value (masked)', zh: '值(已脱敏)' },
  layerCol: { en: 'Layer', zh: '层' },
  virusName: { en: 'Trojan', zh: '木马名称' },
  file: { en: 'File', zh: '文件' },
  md5: { en: 'MD5', zh: 'MD5' },
  firstSeen: { en: 'First found', zh: '首次发现' },
  lastSeen: { en: 'Last found', zh: '最近发现' },
  engine: { en: 'Engine', zh: '引擎' },
  virusStatus: { en: 'Trojan scan: {s}', zh: '木马扫描：{s}' },
  hostsTitle: { en: 'Hosts running this image', zh: '运行该镜像的主机' },
  containersTitle: { en: 'Containers of this image', zh: '该镜像的容器' },
  hostId: { en: 'Host ID', zh: '主机 ID' },
  hostName: { en: 'Host name', zh: '主机名' },
  hostIp: { en: 'IP', zh: 'IP' },
  hostStatus: { en: 'Status', zh: '状态' },
  online: { en: 'Online', zh: '在线' },
  offline: { en: 'Offline', zh: '离线' },
  containerName: { en: 'Container', zh: '容器' },
  containerId: { en: 'Container ID', zh: '容器 ID' },
  state: { en: 'State', zh: '状态' },
  nodeType: { en: 'Node type', zh: '节点类型' },
  created: { en: 'Created', zh: '创建时间' },
  noHosts: { en: 'No online host runs this image.', zh: '没有在线主机运行该镜像。' },
};

interface Detail {
  ImageID?: string;
  ImageName?: string;
  ImageDigest?: string;
  CreateTime?: string;
  Size?: number;
  HostCnt?: number;
  ContainerCnt?: number;
  SuperNodeCnt?: number;
  ScanTime?: string;
  VulCnt?: number;
  RiskCnt?: number;
  SensitiveInfoCnt?: number;
  IsTrustImage?: boolean;
  OsName?: string;
  AgentError?: string;
  ScanError?: string;
  Architecture?: string;
  Author?: string;
  BuildHistory?: string;
  ScanVirusProgress?: number;
  ScanVulProgress?: number;
  ScanRiskProgress?: number;
  ScanVirusError?: string;
  ScanVulError?: string;
  ScanRiskError?: string;
  ScanStatus?: string;
  VirusCnt?: number;
  Status?: number;
  RemainScanTime?: number;
  IsAuthorized?: number;
  Solution?: string;
  Reason?: string;
  RepoDigests?: string[];
  /** hullscan's extra: the layers, bottom first, each with the history step that made it */
  Layers?: LayerInfo[];
}

interface Vul {
  CVEID?: string;
  Name?: string;
  Component?: string;
  Version?: string;
  Category?: string;
  CategoryType?: string;
  Level?: number;
  Des?: string;
  OfficialSolution?: string;
  Reference?: string;
  DefenseSolution?: string;
  SubmitTime?: string;
  CVSSV3Score?: number;
  CVSSV3Desc?: string;
  IsSuggest?: boolean;
  FixedVersions?: string;
  Tag?: string[];
  LayerID?: string | null;
}

interface Component {
  Name?: string;
  Version?: string;
  Path?: string;
  Type?: string;
  VulCount?: number;
  LayerID?: string | null;
}

interface Risk {
  Behavior?: number;
  Type?: number;
  Level?: number;
  Desc?: string;
  InstructionContent?: string;
  Rule?: string;
  Solution?: string;
  Path?: string | null;
  LayerID?: string | null;
  HistoryIndex?: number | null;
  Masked?: string | null;
}

interface Virus {
  Path?: string;
  RiskLevel?: number;
  VirusName?: string;
  Tags?: string[];
  Desc?: string;
  Solution?: string;
  Size?: number;
  FirstScanTime?: string;
  LatestScanTime?: string;
  Md5?: string;
  FileName?: string;
  CheckPlatform?: string[];
  Category?: string;
  LayerID?: string | null;
}

interface Container {
  ContainerID?: string;
  ContainerName?: string;
  Status?: string;
  CreateTime?: string;
  HostID?: string;
  HostIP?: string;
  HostName?: string;
  NodeType?: string;
}

interface Host {
  HostID?: string;
  HostName?: string;
  HostIP?: string;
  Status?: string;
}

interface ListAnswer<R> {
  List?: R[];
  TotalCount?: number;
}

/** One step of the BuildHistory text: `# create_time:… tags:…` then the step's command line(s). */
export interface HistoryStep {
  created: string;
  tags: string;
  createdBy: string;
}

/** BuildHistory as hullscan writes it (`# create_time:T tags:X\nCMD` per step, joined by newlines). */
export function parseBuildHistory(text: string | undefined): HistoryStep[] {
  if (!text) return [];
  const steps: HistoryStep[] = [];
  let cur: HistoryStep | undefined;
  const body: string[] = [];
  const flush = () => {
    if (cur) {
      cur.createdBy = body.join('\n');
      steps.push(cur);
    }
    body.length = 0;
  };
  for (const line of text.split('\n')) {
    const m = /^# create_time:(.*?) tags:(.*)$/.exec(line);
    if (m) {
      flush();
      cur = { created: (m[1] ?? '').trim(), tags: (m[2] ?? '').trim(), createdBy: '' };
    } else if (cur) body.push(line);
    else {
      cur = { created: '', tags: '', createdBy: '' };
      body.push(line);
    }
  }
  flush();
  return steps;
}

const ACTIVE = new Set(['SCANNING', 'WAIT_SCAN']);
const shortId = (id: string) => (id.startsWith('sha256:') ? id.slice(7, 19) : id.slice(0, 12));

/** Rows the timeline places per list; an image with more shows the first ones and says so. */
const TIMELINE_MAX = 5000;

/** Every row of a paged list, up to `max`: the first page, then the rest four requests at a time. */
async function allRows<R>(
  ctx: PageContext,
  action: string,
  imageId: string,
  max: number,
): Promise<{ rows: R[]; total: number }> {
  const page = (offset: number) =>
    ctx.api.call<ListAnswer<R>>(action, { ImageID: imageId, Limit: 100, Offset: offset });
  const first = await page(0);
  const total = first.TotalCount ?? 0;
  const rows = [...(first.List ?? [])];
  const offsets: number[] = [];
  for (let o = 100; o < Math.min(total, max); o += 100) offsets.push(o);
  for (let i = 0; i < offsets.length; i += 4) {
    const pages = await Promise.all(offsets.slice(i, i + 4).map(page));
    for (const p of pages) rows.push(...(p.List ?? []));
  }
  return { rows, total };
}

function pagedParams(id: string, q: Query): Record<string, unknown> {
  return {
    ImageID: id,
    Limit: q.limit,
    Offset: q.offset,
    ...(q.filters.length ? { Filters: q.filters } : {}),
    ...(q.by ? { By: q.by, Order: q.order ?? 'DESC' } : {}),
  };
}

let timer: ReturnType<typeof setTimeout> | undefined;
let disposed = false;

export const imageDetailPage: Page = {
  async render(root, ctx, params) {
    disposed = false;
    if (timer) clearTimeout(timer);
    const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
    const id = params.id ?? '';
    const back = el('a', { href: '#/images', class: 'back' }, tt('back'));
    const h1 = el('h1', {}, tt('title'));
    append(root, back, h1);
    if (!id) {
      root.appendChild(el('p', { role: 'alert' }, tt('noId')));
      return;
    }
    const head = el('div', { class: 'detail-head' });
    const body = el('div', { class: 'detail-body' });
    append(root, head, body);
    head.appendChild(el('p', { role: 'status' }, ctx.t(W, 'loading')));

    let detail: Detail;
    try {
      detail = await ctx.api.call<Detail>('DescribeAssetImageDetail', { ImageID: id });
    } catch (e) {
      clear(head);
      head.appendChild(errorBox(ctx, e));
      return;
    }
    if (disposed) return;
    h1.textContent = detail.ImageName || id;
    paintHead(head, ctx, detail);

    const summary = el('div');
    paintSummary(summary, ctx, detail);
    body.appendChild(summary);

    // live progress while the image scans: repaint the header and summary until it ends
    const poll = () => {
      timer = setTimeout(async () => {
        if (disposed) return;
        try {
          const d = await ctx.api.call<Detail>('DescribeAssetImageDetail', { ImageID: id });
          if (disposed) return;
          paintHead(head, ctx, d);
          clear(summary);
          paintSummary(summary, ctx, d);
          if (ACTIVE.has(d.ScanStatus ?? '')) poll();
          else {
            // the scan ended: render again so the timeline, the tab counts and the lists are the new ones
            clear(root);
            await imageDetailPage.render(root, ctx, params);
          }
        } catch {
          if (!disposed) poll();
        }
      }, 3000);
    };
    if (ACTIVE.has(detail.ScanStatus ?? '')) poll();

    const timeline = section(tt('history'));
    body.appendChild(timeline);
    void paintTimeline(timeline, ctx, id, detail);

    body.appendChild(
      tabs(tt('tabsLabel'), [
        { id: 'vul', label: tt('tVul', { n: detail.VulCnt ?? 0 }), render: (p) => vulTab(p, ctx, id) },
        { id: 'components', label: tt('tComp'), render: (p) => componentTab(p, ctx, id) },
        {
          id: 'risks',
          label: tt('tRisk', { n: detail.RiskCnt ?? 0 }),
          render: (p) => riskTab(p, ctx, id),
        },
        {
          id: 'virus',
          label: tt('tVirus', { n: detail.VirusCnt ?? 0 }),
          render: (p) => virusTab(p, ctx, id),
        },
        { id: 'hosts', label: tt('tHosts'), render: (p) => hostTab(p, ctx, id) },
      ]),
    );
  },
  dispose() {
    disposed = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
  },
};

function paintHead(head: HTMLElement, ctx: PageContext, d: Detail): void {
  const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  clear(head);
  const badges = el('p', { class: 'badges' });
  append(
    badges,
    scanStatusBadge(ctx, d.ScanStatus),
    ' ',
    d.IsTrustImage ? badge(tt('trusted'), 'ok') : badge(tt('untrusted'), 'warn'),
  );
  const counts = el('ul', { class: 'counts' });
  const count = (key: string, n: number | undefined, kind: 'danger' | 'warn' | 'critical') =>
    el(
      'li',
      { class: 'count' },
      el('span', { class: `count-num${n ? ` text-${kind}` : ''}`, 'data-count': key }, n ?? 0),
      ' ',
      el('span', { class: 'count-label' }, tt(key)),
    );
  append(
    counts,
    count('VulCnt', d.VulCnt, 'danger'),
    count('RiskCnt', d.RiskCnt, 'warn'),
    count('SensitiveInfoCnt', d.SensitiveInfoCnt, 'warn'),
    count('VirusCnt', d.VirusCnt, 'critical'),
  );
  append(head, badges, counts);
  if (ACTIVE.has(d.ScanStatus ?? '')) {
    const box = el('div', { class: 'progress', role: 'group', 'aria-label': tt('progress') });
    append(
      box,
      progressBar(tt('pVul'), d.ScanVulProgress),
      progressBar(tt('pRisk'), d.ScanRiskProgress),
      progressBar(tt('pVirus'), d.ScanVirusProgress),
    );
    if (d.RemainScanTime)
      append(box, el('p', {}, `${tt('RemainScanTime')}: ${humanDuration(d.RemainScanTime, ctx.lang)}`));
    head.appendChild(box);
  }
  const errs: [string, string | undefined][] = [
    ['ScanError', d.ScanError],
    ['AgentError', d.AgentError],
    ['ScanVulError', d.ScanVulError],
    ['ScanRiskError', d.ScanRiskError],
    ['ScanVirusError', d.ScanVirusError],
  ];
  const shown = errs.filter(([, v]) => v);
  if (shown.length) {
    const ul = el('ul', { class: 'errors', role: 'alert' });
    for (const [k, v] of shown) append(ul, el('li', {}, el('strong', {}, `${tt(k)}: `), v ?? ''));
    head.appendChild(ul);
  }
}

function paintSummary(box: HTMLElement, ctx: PageContext, d: Detail): void {
  const tt = (k: string) => ctx.t(S, k);
  const mono = (v: string | undefined) => el('code', { class: 'mono break' }, v || '—');
  const status = d.Status ?? 0;
  const pairs: [string, Node | string][] = [
    [tt('ImageID'), mono(d.ImageID)],
    [tt('ImageName'), d.ImageName || '—'],
    [tt('ImageDigest'), mono(d.ImageDigest)],
    [
      tt('RepoDigests'),
      d.RepoDigests?.length
        ? el(
            'ul',
            { class: 'plain' },
            ...d.RepoDigests.map((r) => el('li', {}, el('code', { class: 'mono break' }, r))),
          )
        : '—',
    ],
    [tt('CreateTime'), timeEl(ctx, d.CreateTime)],
    [tt('Size'), el('span', { title: `${d.Size ?? 0} B` }, humanSize(d.Size))],
    [tt('OsName'), d.OsName || '—'],
    [tt('Architecture'), d.Architecture || '—'],
    [tt('Author'), d.Author || '—'],
    [tt('HostCnt'), String(d.HostCnt ?? 0)],
    [tt('ContainerCnt'), String(d.ContainerCnt ?? 0)],
    [tt('SuperNodeCnt'), String(d.SuperNodeCnt ?? 0)],
    [tt('ScanTime'), timeEl(ctx, d.ScanTime)],
    [tt('ScanStatus'), scanStatusBadge(ctx, d.ScanStatus)],
    [tt('Status'), status >= 0 && status <= 5 ? `${status} · ${tt(`status${status}`)}` : String(status)],
    [tt('IsTrustImage'), yesNo(ctx, d.IsTrustImage)],
    [tt('IsAuthorized'), yesNo(ctx, d.IsAuthorized === 1)],
    [tt('RemainScanTime'), humanDuration(d.RemainScanTime, ctx.lang)],
  ];
  if (d.Reason) pairs.push([tt('Reason'), d.Reason]);
  if (d.Solution) pairs.push([tt('Solution'), el('span', { class: 'prewrap' }, linkify(d.Solution))]);
  box.appendChild(section(tt('overview'), defList(pairs)));
}

/** The layers of an image as hullscan's DescribeAssetImageDetail extra `Layers` gives them, bottom first. */
interface LayerInfo {
  LayerID?: string;
  Size?: number;
  HistoryIndex?: number | null;
}

/** What one build step (or one layer without a known step) brought into the image. */
interface Brought {
  layer?: LayerInfo;
  vuls: Vul[];
  components: number;
  risks: Risk[];
  viruses: Virus[];
}

const emptyBrought = (layer?: LayerInfo): Brought => ({
  layer,
  vuls: [],
  components: 0,
  risks: [],
  viruses: [],
});
const hasFindings = (b: Brought | undefined) =>
  !!b && (b.vuls.length > 0 || b.risks.length > 0 || b.viruses.length > 0);
const LIST_MAX = 50;

const layerCell = (id: string | null | undefined) => (id ? el('span', { title: id }, shortId(id)) : '—');

async function paintTimeline(box: HTMLElement, ctx: PageContext, id: string, d: Detail): Promise<void> {
  const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  const steps = parseBuildHistory(d.BuildHistory);
  const layers = d.Layers ?? [];
  if (steps.length === 0 && layers.length === 0) {
    box.appendChild(el('p', { class: 'muted' }, tt('historyNone')));
    return;
  }
  box.appendChild(el('p', { class: 'muted' }, tt('historyNote')));
  const status = el('p', { role: 'status' }, ctx.t(W, 'loading'));
  box.appendChild(status);
  let risks: Risk[] = [];
  let viruses: Virus[] = [];
  let vuls: Vul[] = [];
  let components: Component[] = [];
  let partial = false;
  try {
    const rows = <R>(action: string, n: number | undefined, max: number) =>
      (n ?? 1) > 0 ? allRows<R>(ctx, action, id, max) : Promise.resolve({ rows: [] as R[], total: 0 });
    const [r, v, u, c] = await Promise.all([
      rows<Risk>('DescribeAssetImageRiskList', d.RiskCnt, TIMELINE_MAX),
      rows<Virus>('DescribeAssetImageVirusList', d.VirusCnt, TIMELINE_MAX),
      rows<Vul>('DescribeAssetImageVulList', d.VulCnt, TIMELINE_MAX),
      rows<Component>('DescribeImageComponentList', undefined, TIMELINE_MAX),
    ]);
    [risks, viruses, vuls, components] = [r.rows, v.rows, u.rows, c.rows];
    partial = [r, v, u, c].some((x) => x.rows.length < x.total);
    status.textContent = partial ? tt('timelinePartial', { n: TIMELINE_MAX }) : '';
  } catch (e) {
    status.textContent = '';
    status.appendChild(errorBox(ctx, e));
  }
  if (disposed) return;

  // layer diffID → history step: from the detail's Layers, else learnt from risk rows that carry both
  const layerStep = new Map<string, number>();
  for (const l of layers)
    if (l.LayerID && typeof l.HistoryIndex === 'number' && l.HistoryIndex < steps.length)
      layerStep.set(l.LayerID, l.HistoryIndex);
  if (layerStep.size === 0)
    for (const r of risks)
      if (r.LayerID && typeof r.HistoryIndex === 'number') layerStep.set(r.LayerID, r.HistoryIndex);
  const layerInfo = new Map(layers.filter((l) => l.LayerID).map((l) => [l.LayerID as string, l]));

  const byStep = new Map<number, Brought>();
  const byLayer = new Map<string, Brought>(); // layers no step is known for ('' = the image configuration)
  const atStep = (i: number) => {
    const e = byStep.get(i) ?? emptyBrought();
    byStep.set(i, e);
    return e;
  };
  const atLayer = (layer: string) => {
    const e =
      byLayer.get(layer) ?? emptyBrought(layerInfo.get(layer) ?? (layer ? { LayerID: layer } : undefined));
    byLayer.set(layer, e);
    return e;
  };
  const place = (layer: string | null | undefined, historyIndex?: number | null): Brought => {
    if (typeof historyIndex === 'number' && historyIndex < steps.length) return atStep(historyIndex);
    const i = layer ? layerStep.get(layer) : undefined;
    return i !== undefined ? atStep(i) : atLayer(layer ?? '');
  };
  for (const [layer, i] of layerStep) atStep(i).layer = layerInfo.get(layer) ?? { LayerID: layer };
  for (const l of layers) if (l.LayerID && !layerStep.has(l.LayerID)) atLayer(l.LayerID);
  for (const r of risks) place(r.LayerID, r.HistoryIndex).risks.push(r);
  for (const v of viruses) place(v.LayerID).viruses.push(v);
  for (const v of vuls) place(v.LayerID).vuls.push(v);
  for (const c of components) place(c.LayerID).components++;

  const maxSize = Math.max(1, ...layers.map((l) => l.Size ?? 0));
  const knowsEmpty = layerStep.size > 0 && layers.length > 0;
  const list = el('ol', { class: 'timeline', 'aria-label': tt('history') });
  steps.forEach((s, i) => {
    const e = byStep.get(i);
    const li = el('li', { class: `timeline-step${hasFindings(e) ? ' has-findings' : ''}`, 'data-step': i });
    if (e?.layer?.LayerID) li.setAttribute('data-layer', e.layer.LayerID);
    const meta = el(
      'div',
      { class: 'step-meta' },
      el('strong', {}, tt('step', { n: i + 1 })),
      ' ',
      timeEl(ctx, s.created),
    );
    if (s.tags) append(meta, ' ', badge(tt('stepTags', { tags: s.tags }), 'info'));
    if (e?.layer) append(meta, ' ', layerTag(ctx, e.layer, maxSize));
    else if (knowsEmpty) append(meta, ' ', badge(tt('noLayer'), 'muted'));
    append(li, meta, el('pre', { class: 'step-cmd' }, s.createdBy || '—'), broughtBy(ctx, e));
    list.appendChild(li);
  });
  if (steps.length) box.appendChild(list);
  else box.appendChild(el('p', { class: 'muted' }, tt('historyNone')));
  if (byLayer.size) {
    const ul = el('ul', { class: 'timeline', 'data-list': 'layers-without-step' });
    // layers bottom first, then what belongs to the image configuration
    const order = new Map(layers.map((l, i) => [l.LayerID ?? '', i]));
    const keys = [...byLayer.keys()].sort(
      (a, b) => (a === '' ? 1e9 : (order.get(a) ?? 1e8)) - (b === '' ? 1e9 : (order.get(b) ?? 1e8)),
    );
    for (const layer of keys) {
      const e = byLayer.get(layer);
      const li = el(
        'li',
        { class: `timeline-step${hasFindings(e) ? ' has-findings' : ''}` },
        el(
          'div',
          { class: 'step-meta' },
          e?.layer ? layerTag(ctx, e.layer, maxSize) : el('strong', {}, tt('imageWide')),
        ),
        broughtBy(ctx, e),
      );
      if (layer) li.setAttribute('data-layer', layer);
      ul.appendChild(li);
    }
    append(box, el('h3', {}, tt('otherLayers')), el('p', { class: 'muted' }, tt('otherLayersNote')), ul);
  }
}

/** `Layer 1a2b3c… · 12.3 MB` with a bar as long as the layer is big next to the biggest one. */
function layerTag(ctx: PageContext, l: LayerInfo, maxSize: number): HTMLElement {
  const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  const id = l.LayerID ?? '';
  const tag = el(
    'span',
    { class: 'layer-tag' },
    el('code', { class: 'mono', title: id }, tt('layer', { id: shortId(id) })),
  );
  if (typeof l.Size === 'number') {
    const bar = el('span', { class: 'layer-bar', 'aria-hidden': 'true' });
    bar.style.width = `${Math.max(2, Math.round((l.Size / maxSize) * 120))}px`;
    append(tag, ' ', el('span', { class: 'layer-size', title: `${l.Size} B` }, humanSize(l.Size)), ' ', bar);
  }
  return tag;
}

/** The counts a step brought, and a disclosure listing its findings (the worst first). */
function broughtBy(ctx: PageContext, e: Brought | undefined): HTMLElement {
  const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  const out = el('div', { class: 'step-findings' });
  if (!e || (e.components === 0 && !hasFindings(e))) {
    out.appendChild(el('p', { class: 'muted' }, tt('stepClean')));
    return out;
  }
  const chips = el('p', { class: 'chips' });
  const chip = (kind: string, key: string, n: number, cls: 'danger' | 'warn' | 'critical' | 'muted') => {
    if (n > 0)
      append(
        chips,
        el('span', { class: `badge badge-${cls}`, 'data-kind': kind, 'data-n': n }, tt(key, { n })),
        ' ',
      );
  };
  const worst = Math.max(0, ...e.vuls.map((v) => v.Level ?? 0));
  chip('vul', 'stepVul', e.vuls.length, worst >= 4 ? 'critical' : 'danger');
  chip('risk', 'stepRisks', e.risks.length, 'warn');
  chip('virus', 'stepVirus', e.viruses.length, 'critical');
  chip('component', 'stepComp', e.components, 'muted');
  out.appendChild(chips);
  if (!hasFindings(e)) return out;
  const ul = el('ul', { class: 'plain' });
  const vuls = [...e.vuls].sort((a, b) => (b.Level ?? 0) - (a.Level ?? 0));
  for (const v of vuls.slice(0, LIST_MAX))
    append(
      ul,
      el(
        'li',
        { 'data-kind': 'vul' },
        levelBadge(ctx, v.Level),
        ' ',
        el('span', { class: 'mono' }, v.CVEID || v.Name || ''),
        ' ',
        `${v.Component ?? ''} ${v.Version ?? ''}`,
        v.FixedVersions ? ` → ${v.FixedVersions}` : '',
      ),
    );
  if (vuls.length > LIST_MAX)
    append(ul, el('li', { class: 'muted' }, tt('andMore', { n: vuls.length - LIST_MAX })));
  for (const r of e.risks)
    append(
      ul,
      el(
        'li',
        { 'data-kind': 'risk' },
        levelBadge(ctx, r.Level),
        ' ',
        r.Rule || r.Desc || '',
        r.Path ? el('code', { class: 'mono' }, ` ${r.Path}`) : '',
      ),
    );
  for (const v of e.viruses)
    append(
      ul,
      el(
        'li',
        { 'data-kind': 'virus' },
        levelBadge(ctx, v.RiskLevel),
        ' ',
        v.VirusName || '',
        el('code', { class: 'mono' }, ` ${v.Path ?? ''}`),
      ),
    );
  out.appendChild(disclosure(tt('stepDetails'), ul));
  return out;
}

function vulTab(panel: HTMLElement, ctx: PageContext, id: string): void {
  const tt = (k: string) => ctx.t(S, k);
  const table = serverTable<Vul>({
    ctx,
    caption: tt('VulCnt'),
    initialSort: { by: 'Level', order: 'DESC' },
    search: [
      { name: 'Name', label: tt('name') },
      { name: 'CVEID', label: tt('cve') },
    ],
    selects: [{ name: 'Level', label: tt('level'), options: levelOptions(ctx) }],
    rowKey: (v) => `${v.CVEID ?? ''}|${v.Component ?? ''}|${v.Version ?? ''}`,
    columns: [
      { label: tt('level'), sort: 'Level', cell: (v) => levelBadge(ctx, v.Level) },
      { label: tt('cve'), sort: 'CVEID', className: 'mono', cell: (v) => v.CVEID || '—' },
      {
        label: tt('name'),
        sort: 'Name',
        className: 'wrap',
        cell: (v) =>
          el(
            'span',
            {},
            v.Name || '—',
            v.IsSuggest ? el('span', {}, ' ', badge(tt('suggest'), 'danger')) : '',
          ),
      },
      { label: tt('component'), sort: 'Component', cell: (v) => v.Component || '—' },
      { label: tt('version'), className: 'mono', cell: (v) => v.Version || '—' },
      { label: tt('fixed'), className: 'mono', cell: (v) => v.FixedVersions || '—' },
      {
        label: tt('cvss'),
        sort: 'CVSSV3Score',
        className: 'num',
        cell: (v) =>
          el('span', { title: v.CVSSV3Desc ?? '' }, v.CVSSV3Score ? v.CVSSV3Score.toFixed(1) : '—'),
      },
      { label: tt('published'), sort: 'SubmitTime', cell: (v) => v.SubmitTime || '—' },
      { label: tt('layerCol'), className: 'mono', cell: (v) => layerCell(v.LayerID) },
    ],
    detail: (v) => {
      const parts: [string, string | undefined][] = [
        ['official', v.OfficialSolution],
        ['defense', v.DefenseSolution],
        ['description', v.Des],
        ['references', v.Reference],
      ];
      const dl = defList(
        parts
          .filter(([, x]) => x)
          .map(([k, x]) => [tt(k), el('span', { class: 'prewrap' }, linkify(x ?? ''))]),
      );
      return disclosure(tt('solutionOf'), dl);
    },
    fetch: async (q) => {
      const r = await ctx.api.call<ListAnswer<Vul>>('DescribeAssetImageVulList', pagedParams(id, q));
      return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
    },
  });
  panel.appendChild(table.element);
}

function componentTab(panel: HTMLElement, ctx: PageContext, id: string): void {
  const tt = (k: string) => ctx.t(S, k);
  const table = serverTable<Component>({
    ctx,
    caption: tt('tComp'),
    initialSort: { by: 'VulCount', order: 'DESC' },
    search: [
      { name: 'ComponentName', label: tt('compName') },
      { name: 'ComponentType', label: tt('compType') },
      { name: 'ComponentVersion', label: tt('version') },
    ],
    selects: [
      {
        name: 'HasVul',
        label: tt('hasVul'),
        options: [
          { value: 'true', label: ctx.t(W, 'yes') },
          { value: 'false', label: ctx.t(W, 'no') },
        ],
      },
      { name: 'VulLevel', label: tt('level'), options: levelOptions(ctx) },
    ],
    rowKey: (c) => `${c.Name ?? ''}@${c.Version ?? ''}`,
    columns: [
      { label: tt('name'), sort: 'Name', cell: (c) => c.Name || '—' },
      { label: tt('version'), sort: 'Version', className: 'mono', cell: (c) => c.Version || '—' },
      { label: tt('type'), sort: 'Type', cell: (c) => (c.Type ? badge(c.Type, 'muted') : '—') },
      { label: tt('path'), sort: 'Path', className: 'mono wrap', cell: (c) => c.Path || '—' },
      {
        label: tt('vulCount'),
        sort: 'VulCount',
        className: 'num',
        cell: (c) => (c.VulCount ? badge(String(c.VulCount), 'danger') : '0'),
      },
      { label: tt('layerCol'), className: 'mono', cell: (c) => layerCell(c.LayerID) },
    ],
    fetch: async (q) => {
      const r = await ctx.api.call<ListAnswer<Component>>('DescribeImageComponentList', pagedParams(id, q));
      return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
    },
  });
  panel.appendChild(table.element);
}

function riskTab(panel: HTMLElement, ctx: PageContext, id: string): void {
  const tt = (k: string) => ctx.t(S, k);
  const table = serverTable<Risk>({
    ctx,
    caption: tt('RiskCnt'),
    initialSort: { by: 'Level', order: 'DESC' },
    selects: [
      {
        name: 'Type',
        label: tt('riskType'),
        options: [
          { value: '1', label: tt('riskType1') },
          { value: '2', label: tt('riskType2') },
        ],
      },
      { name: 'Level', label: tt('level'), options: levelOptions(ctx) },
    ],
    columns: [
      { label: tt('level'), sort: 'Level', cell: (r) => levelBadge(ctx, r.Level) },
      {
        label: tt('riskType'),
        sort: 'Type',
        cell: (r) => (r.Type === 1 || r.Type === 2 ? tt(`riskType${r.Type}`) : String(r.Type ?? '—')),
      },
      { label: tt('rule'), sort: 'Rule', className: 'mono', cell: (r) => r.Rule || '—' },
      { label: tt('desc'), className: 'wrap', cell: (r) => r.Desc || '—' },
      { label: tt('path'), sort: 'Path', className: 'mono wrap', cell: (r) => r.Path || '—' },
      { label: tt('masked'), className: 'mono wrap', cell: (r) => r.Masked || '—' },
      {
        label: tt('layerCol'),
        className: 'mono',
        cell: (r) =>
          r.LayerID
            ? el(
                'span',
                { title: r.LayerID },
                typeof r.HistoryIndex === 'number'
                  ? `${tt('step').replace('{n}', String(r.HistoryIndex + 1))} · `
                  : '',
                shortId(r.LayerID),
              )
            : '—',
      },
    ],
    detail: (r) => {
      const pairs: [string, Node | string][] = [];
      if (r.Solution) pairs.push([tt('Solution'), el('span', { class: 'prewrap' }, linkify(r.Solution))]);
      if (r.InstructionContent)
        pairs.push([tt('instruction'), el('pre', { class: 'step-cmd' }, r.InstructionContent)]);
      return pairs.length ? disclosure(tt('solutionOf'), defList(pairs)) : null;
    },
    fetch: async (q) => {
      const r = await ctx.api.call<ListAnswer<Risk>>('DescribeAssetImageRiskList', pagedParams(id, q));
      return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
    },
  });
  panel.appendChild(table.element);
}

function virusTab(panel: HTMLElement, ctx: PageContext, id: string): void {
  const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  const state = el('p', { class: 'muted' });
  const names = ['status0', 'status2', 'status5', 'status3', 'status4'];
  const table = serverTable<Virus>({
    ctx,
    caption: tt('VirusCnt'),
    initialSort: { by: 'RiskLevel', order: 'DESC' },
    search: [{ name: 'Name', label: tt('virusName') }],
    selects: [{ name: 'RiskLevel', label: tt('level'), options: levelOptions(ctx) }],
    columns: [
      { label: tt('level'), sort: 'RiskLevel', cell: (v) => levelBadge(ctx, v.RiskLevel) },
      { label: tt('virusName'), sort: 'VirusName', className: 'mono wrap', cell: (v) => v.VirusName || '—' },
      { label: tt('category'), cell: (v) => v.Category || '—' },
      { label: tt('path'), sort: 'Path', className: 'mono wrap', cell: (v) => v.Path || '—' },
      { label: tt('Size'), sort: 'Size', className: 'num', cell: (v) => humanSize(v.Size) },
      { label: tt('md5'), sort: 'Md5', className: 'mono', cell: (v) => v.Md5 || '—' },
      {
        label: tt('layerCol'),
        className: 'mono',
        cell: (v) => layerCell(v.LayerID),
      },
      { label: tt('engine'), cell: (v) => (v.CheckPlatform ?? []).join(', ') || '—' },
      { label: tt('lastSeen'), sort: 'LatestScanTime', cell: (v) => v.LatestScanTime || '—' },
    ],
    detail: (v) => {
      const pairs: [string, Node | string][] = [];
      if (v.Solution) pairs.push([tt('Solution'), el('span', { class: 'prewrap' }, linkify(v.Solution))]);
      if (v.Desc) pairs.push([tt('desc'), v.Desc]);
      if (v.Tags?.length) pairs.push(['Tags', v.Tags.join(', ')]);
      if (v.FirstScanTime) pairs.push([tt('firstSeen'), v.FirstScanTime]);
      return pairs.length ? disclosure(tt('solutionOf'), defList(pairs)) : null;
    },
    fetch: async (q) => {
      const r = await ctx.api.call<ListAnswer<Virus> & { VirusScanStatus?: number }>(
        'DescribeAssetImageVirusList',
        pagedParams(id, q),
      );
      const s = r.VirusScanStatus;
      state.textContent =
        s !== undefined && names[s] ? tt('virusStatus', { s: tt(names[s] ?? 'status0') }) : '';
      return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
    },
  });
  append(panel, state, table.element);
}

function hostTab(panel: HTMLElement, ctx: PageContext, id: string): void {
  const tt = (k: string) => ctx.t(S, k);
  const hosts = section(tt('hostsTitle'));
  const hostBox = el('div', {}, el('p', { role: 'status' }, ctx.t(W, 'loading')));
  hosts.appendChild(hostBox);
  void (async () => {
    try {
      const pairs = await ctx.api.call<ListAnswer<{ HostID?: string }>>('DescribeAssetImageHostList', {
        Filters: [{ Name: 'ImageID', Values: [id], ExactMatch: true }],
      });
      const ids = [...new Set((pairs.List ?? []).map((p) => p.HostID ?? '').filter(Boolean))];
      const info = new Map<string, Host>();
      if (ids.length) {
        const r = await ctx.api.call<ListAnswer<Host>>('DescribeAssetHostList', {
          Limit: 100,
          Filters: [{ Name: 'HostID', Values: ids.slice(0, 1000), ExactMatch: true }],
        });
        for (const h of r.List ?? []) if (h.HostID) info.set(h.HostID, h);
      }
      clear(hostBox);
      if (!ids.length) {
        hostBox.appendChild(el('p', { class: 'muted' }, tt('noHosts')));
        return;
      }
      const table = el(
        'table',
        { class: 'grid table' },
        el('caption', { class: 'sr-only' }, tt('hostsTitle')),
      );
      const head = el('tr');
      for (const k of ['hostId', 'hostName', 'hostIp', 'hostStatus'])
        head.appendChild(el('th', { scope: 'col' }, tt(k)));
      const tb = el('tbody');
      for (const hid of ids) {
        const h = info.get(hid);
        append(
          tb,
          el(
            'tr',
            {},
            el('td', { class: 'mono' }, hid),
            el('td', {}, h?.HostName || '—'),
            el('td', { class: 'mono' }, h?.HostIP || '—'),
            el(
              'td',
              {},
              h?.Status === 'ONLINE' ? badge(tt('online'), 'ok') : h ? badge(tt('offline'), 'muted') : '—',
            ),
          ),
        );
      }
      append(table, el('thead', {}, head), tb);
      hostBox.appendChild(el('div', { class: 'table-wrap' }, table));
    } catch (e) {
      clear(hostBox);
      hostBox.appendChild(errorBox(ctx, e));
    }
  })();
  const containers = section(
    tt('containersTitle'),
    serverTable<Container>({
      ctx,
      caption: tt('containersTitle'),
      search: [{ name: 'ContainerName', label: tt('containerName') }],
      columns: [
        { label: tt('containerName'), sort: 'ContainerName', cell: (c) => c.ContainerName || '—' },
        {
          label: tt('containerId'),
          sort: 'ContainerID',
          className: 'mono',
          cell: (c) => (c.ContainerID ?? '').slice(0, 12) || '—',
        },
        {
          label: tt('state'),
          sort: 'Status',
          cell: (c) => badge(c.Status || '—', c.Status === 'running' ? 'ok' : 'muted'),
        },
        { label: tt('hostName'), sort: 'HostName', cell: (c) => c.HostName || c.HostID || '—' },
        { label: tt('hostIp'), className: 'mono', cell: (c) => c.HostIP || '—' },
        { label: tt('nodeType'), cell: (c) => c.NodeType || '—' },
        { label: tt('created'), sort: 'CreateTime', cell: (c) => c.CreateTime || '—' },
      ],
      fetch: async (q) => {
        const r = await ctx.api.call<ListAnswer<Container>>('DescribeAssetContainerList', {
          Limit: q.limit,
          Offset: q.offset,
          Filters: [{ Name: 'ImageID', Values: [id], ExactMatch: true }, ...q.filters],
          ...(q.by ? { By: q.by, Order: q.order } : {}),
        });
        return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
      },
    }).element,
  );
  append(panel, hosts, containers);
}
