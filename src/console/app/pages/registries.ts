/** Registries (#/registries): the account's registries, adding one, syncing, and their images with a scan button. */
import type { Page, PageContext, Strings } from '../contract.js';
import {
  append,
  badge,
  clear,
  el,
  errorMessage,
  humanSize,
  scanStatusBadge,
  section,
  serverTable,
  type TableHandle,
  uid,
} from '../widgets.js';

const S: Strings = {
  title: { en: 'Image registries', zh: '镜像仓库' },
  list: { en: 'Registries', zh: '仓库列表' },
  name: { en: 'Name', zh: '名称' },
  url: { en: 'URL', zh: '地址' },
  type: { en: 'Type', zh: '类型' },
  netType: { en: 'Network', zh: '网络类型' },
  region: { en: 'Region', zh: '地域' },
  connect: { en: 'Connection', zh: '连接状态' },
  connOk: { en: 'Connected', zh: '连接正常' },
  connFailed: { en: 'Failed', zh: '连接失败' },
  connUnknown: { en: 'Not checked', zh: '未检测' },
  lastSync: { en: 'Last sync', zh: '最近同步' },
  syncStatus: { en: 'Sync status', zh: '同步状态' },
  syncMode: { en: 'Sync mode', zh: '同步方式' },
  full: { en: 'Full', zh: '全量' },
  incremental: { en: 'Incremental', zh: '增量' },
  actions: { en: 'Actions', zh: '操作' },
  sync: { en: 'Sync', zh: '同步' },
  syncAll: { en: 'Sync all registries', zh: '同步全部仓库' },
  syncing: { en: 'Syncing {name}…', zh: '正在同步 {name}…' },
  synced: { en: 'Sync of {name} finished.', zh: '{name} 同步完成。' },
  syncedAll: { en: 'Sync finished.', zh: '同步完成。' },
  showImages: { en: 'Images', zh: '查看镜像' },
  showImagesOf: { en: 'Images of {name}', zh: '{name} 的镜像' },
  add: { en: 'Add a registry', zh: '添加仓库' },
  username: { en: 'Username', zh: '用户名' },
  password: { en: 'Password', zh: '密码' },
  insecure: { en: 'Allow insecure TLS / plain HTTP', zh: '允许不安全连接(跳过 TLS 校验 / HTTP)' },
  version: { en: 'Registry version', zh: '仓库版本' },
  speed: { en: 'Speed limit (0 = none)', zh: '限速(0 表示不限)' },
  submit: { en: 'Add registry', zh: '添加仓库' },
  adding: { en: 'Checking the connection…', zh: '正在检查连接…' },
  added: { en: 'Registry {name} added (ID {id}).', zh: '已添加仓库 {name}(ID {id})。' },
  healthErr: { en: 'The registry did not answer: {msg}', zh: '仓库连接失败：{msg}' },
  nameErr: { en: 'Name already used: {msg}', zh: '名称重复：{msg}' },
  failed: { en: 'Failed: {msg}', zh: '失败：{msg}' },
  images: { en: 'Registry images', zh: '仓库镜像' },
  imagesAll: { en: 'All registry images', zh: '全部仓库镜像' },
  repo: { en: 'Repository', zh: '镜像仓库' },
  tag: { en: 'Tag', zh: '标签' },
  namespace: { en: 'Namespace', zh: '命名空间' },
  digest: { en: 'Digest', zh: '摘要' },
  size: { en: 'Size', zh: '大小' },
  status: { en: 'Scan status', zh: '扫描状态' },
  vul: { en: 'Vulnerabilities', zh: '漏洞' },
  risk: { en: 'Risks', zh: '风险' },
  virus: { en: 'Trojans', zh: '木马' },
  scanTime: { en: 'Scanned', zh: '扫描时间' },
  scan: { en: 'Scan', zh: '扫描' },
  scanOf: { en: 'Scan {name}', zh: '扫描 {name}' },
  scanStarted: { en: 'Scan task {id} started for {name}.', zh: '已为 {name} 创建扫描任务 {id}。' },
  open: { en: 'Open image', zh: '查看镜像' },
  showAll: { en: 'Show every registry', zh: '显示全部仓库' },
  latestOnly: { en: 'Latest tags only', zh: '仅最新标签' },
};

interface Registry {
  RegistryId?: number;
  Name?: string;
  RegistryType?: string;
  Url?: string;
  NetType?: string;
  RegistryRegion?: string;
  RegistryVersion?: string;
  ConnectMsg?: string;
  ConnDetectDetail?: { ConnDetectStatus?: string; FailReason?: string; Solution?: string }[];
  LatestSyncTime?: string;
  SyncStatus?: string;
  SyncFailReason?: string;
  SyncSolution?: string;
  SyncMessage?: string;
  SyncMode?: number;
}

interface RegistryImage {
  Id?: number;
  ImageName?: string;
  ImageTag?: string;
  ImageDigest?: string;
  ImageRepoAddress?: string;
  Namespace?: string;
  ImageSize?: number;
  ScanStatus?: string;
  ScanTime?: string;
  VulCnt?: number;
  RiskCnt?: number;
  VirusCnt?: number;
  ImageId?: string;
  Progress?: number;
  IsLatestImage?: boolean;
  CriticalLevelVulCnt?: number;
  HighLevelVulCnt?: number;
}

interface ListAnswer<R> {
  List?: R[];
  TotalCount?: number;
}

const TYPES = ['harbor', 'quay', 'jfrog', 'aws', 'azure', 'other-tcr', 'tcr'];

export const registriesPage: Page = {
  render(root, ctx) {
    const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
    append(root, el('h1', {}, tt('title')));
    const notice = el('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
    root.appendChild(notice);
    const say = (text: string, isError = false) => {
      notice.textContent = text;
      notice.className = isError ? 'notice error' : 'notice';
      notice.setAttribute('role', isError ? 'alert' : 'status');
    };

    // images (of one registry, or of every one)
    let registryFilter: { id: number; name: string } | undefined;
    const imagesSection = section(tt('imagesAll'));
    const imagesHeading = imagesSection.querySelector('h2') as HTMLElement;
    const showAll = el('button', { type: 'button', hidden: true }, tt('showAll'));
    imagesSection.appendChild(showAll);
    let images: TableHandle | undefined;
    const imagesBox = el('div');
    imagesSection.appendChild(imagesBox);
    const paintImages = () => {
      imagesHeading.textContent = registryFilter
        ? tt('showImagesOf', { name: registryFilter.name })
        : tt('imagesAll');
      showAll.hidden = !registryFilter;
      clear(imagesBox);
      images = imageTable(ctx, () => registryFilter?.id, say);
      imagesBox.appendChild(images.element);
    };
    showAll.addEventListener('click', () => {
      registryFilter = undefined;
      paintImages();
    });

    const registries = serverTable<Registry>({
      ctx,
      caption: tt('list'),
      search: [
        { name: 'Name', label: tt('name') },
        { name: 'Url', label: tt('url') },
      ],
      selects: [
        { name: 'RegistryType', label: tt('type'), options: TYPES.map((x) => ({ value: x, label: x })) },
      ],
      rowKey: (r) => String(r.RegistryId ?? ''),
      columns: [
        { label: 'ID', sort: 'RegistryId', className: 'num', cell: (r) => r.RegistryId ?? '—' },
        { label: tt('name'), sort: 'Name', cell: (r) => r.Name || '—' },
        { label: tt('type'), sort: 'RegistryType', cell: (r) => badge(r.RegistryType || '—', 'muted') },
        { label: tt('url'), sort: 'Url', className: 'mono wrap', cell: (r) => r.Url || '—' },
        {
          label: tt('connect'),
          className: 'wrap',
          cell: (r) => {
            const d = r.ConnDetectDetail?.[0];
            const st = d?.ConnDetectStatus ?? '';
            if (st === 'failed')
              return el(
                'span',
                {},
                badge(tt('connFailed'), 'danger'),
                el('span', { class: 'muted' }, ` ${d?.FailReason || r.ConnectMsg || ''}`),
                d?.Solution ? el('span', { class: 'muted' }, ` ${d.Solution}`) : '',
              );
            return st === 'success' ? badge(tt('connOk'), 'ok') : badge(tt('connUnknown'), 'muted');
          },
        },
        {
          label: tt('syncStatus'),
          className: 'wrap',
          cell: (r) =>
            el(
              'span',
              {},
              badge(
                r.SyncStatus || '—',
                r.SyncStatus === 'FAILED' ? 'danger' : r.SyncStatus === 'SYNCING' ? 'info' : 'ok',
              ),
              r.SyncFailReason ? el('span', { class: 'muted' }, ` ${r.SyncFailReason}`) : '',
              !r.SyncFailReason && r.SyncMessage ? el('span', { class: 'muted' }, ` ${r.SyncMessage}`) : '',
            ),
        },
        { label: tt('syncMode'), cell: (r) => tt(r.SyncMode === 1 ? 'incremental' : 'full') },
        { label: tt('lastSync'), sort: 'LatestSyncTime', cell: (r) => r.LatestSyncTime || '—' },
        {
          label: tt('actions'),
          cell: (r) => {
            const name = r.Name ?? String(r.RegistryId);
            const sync = el('button', { type: 'button', 'aria-label': `${tt('sync')} ${name}` }, tt('sync'));
            sync.addEventListener('click', async () => {
              sync.disabled = true;
              say(tt('syncing', { name }));
              try {
                await ctx.api.call('SyncAssetImageRegistryAsset', { RegistryIds: [r.RegistryId] });
                say(tt('synced', { name }));
                await registries.reload();
                await images?.reload();
              } catch (e) {
                say(tt('failed', { msg: errorMessage(e) }), true);
              } finally {
                sync.disabled = false;
              }
            });
            const show = el(
              'button',
              { type: 'button', 'aria-label': tt('showImagesOf', { name }) },
              tt('showImages'),
            );
            show.addEventListener('click', () => {
              registryFilter = { id: r.RegistryId ?? 0, name };
              paintImages();
              imagesHeading.tabIndex = -1;
              imagesHeading.focus();
            });
            return el('span', { class: 'actions' }, sync, ' ', show);
          },
        },
      ],
      fetch: async (q) => {
        const r = await ctx.api.call<ListAnswer<Registry>>('DescribeAssetImageRegistryRegistryList', {
          Limit: q.limit,
          Offset: q.offset,
          ...(q.filters.length ? { Filters: q.filters } : {}),
          ...(q.by ? { By: q.by, Order: q.order } : {}),
        });
        return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
      },
    });
    const syncAll = el('button', { type: 'button' }, tt('syncAll'));
    syncAll.addEventListener('click', async () => {
      syncAll.disabled = true;
      say(tt('syncing', { name: '*' }));
      try {
        await ctx.api.call('SyncAssetImageRegistryAsset', { All: true });
        say(tt('syncedAll'));
        await registries.reload();
        await images?.reload();
      } catch (e) {
        say(tt('failed', { msg: errorMessage(e) }), true);
      } finally {
        syncAll.disabled = false;
      }
    });

    append(
      root,
      section(tt('list'), el('p', {}, syncAll), registries.element),
      addForm(ctx, async () => {
        await registries.reload();
      }),
      imagesSection,
    );
    paintImages();
  },
};

function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLElement {
  const id = uid('f');
  input.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), input);
}

function addForm(ctx: PageContext, added: () => Promise<void>): HTMLElement {
  const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  const name = el('input', { type: 'text', required: true, maxlength: 128, autocomplete: 'off' });
  const url = el('input', {
    type: 'url',
    required: true,
    maxlength: 300,
    placeholder: 'https://registry.example.com',
  });
  const type = el('select', {});
  for (const x of TYPES) append(type, el('option', { value: x, selected: x === 'harbor' }, x));
  const user = el('input', { type: 'text', maxlength: 256, autocomplete: 'username' });
  const pass = el('input', { type: 'password', maxlength: 1024, autocomplete: 'new-password' });
  const net = el('select', {});
  for (const x of ['public', 'private']) append(net, el('option', { value: x }, x));
  const version = el('input', { type: 'text', maxlength: 64, placeholder: 'V2' });
  const speed = el('input', { type: 'number', min: 0, max: 1000000000, step: 1, value: 0 });
  const mode = el('select', {});
  append(mode, el('option', { value: '0' }, tt('full')), el('option', { value: '1' }, tt('incremental')));
  const insecureId = uid('f');
  const insecure = el('input', { type: 'checkbox', id: insecureId });
  const submit = el('button', { type: 'submit' }, tt('submit'));
  const out = el('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'form-grid', novalidate: true },
    field(tt('name'), name),
    field(tt('url'), url),
    field(tt('type'), type),
    field(tt('netType'), net),
    field(tt('username'), user),
    field(tt('password'), pass),
    field(tt('version'), version),
    field(tt('syncMode'), mode),
    field(tt('speed'), speed),
    el('div', { class: 'field check' }, insecure, el('label', { for: insecureId }, tt('insecure'))),
    el('div', { class: 'field' }, submit),
    out,
  );
  const fail = (msg: string) => {
    out.textContent = msg;
    out.className = 'form-result error';
    out.setAttribute('role', 'alert');
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    out.className = 'form-result';
    out.setAttribute('role', 'status');
    out.textContent = tt('adding');
    try {
      const r = await ctx.api.call<{ HealthCheckErr?: string; NameRepeatErr?: string; RegistryId?: number }>(
        'AddAssetImageRegistryRegistryDetail',
        {
          Name: name.value.trim(),
          Url: url.value.trim(),
          RegistryType: type.value,
          NetType: net.value,
          Username: user.value,
          Password: pass.value,
          Insecure: insecure.checked ? 1 : 0,
          SyncMode: Number(mode.value),
          SpeedLimit: Number(speed.value) || 0,
          ...(version.value.trim() ? { RegistryVersion: version.value.trim() } : {}),
        },
      );
      if (r.NameRepeatErr) fail(tt('nameErr', { msg: r.NameRepeatErr }));
      else if (r.HealthCheckErr) fail(tt('healthErr', { msg: r.HealthCheckErr }));
      else {
        out.textContent = tt('added', { name: name.value.trim(), id: r.RegistryId ?? 0 });
        pass.value = '';
        form.reset();
        await added();
      }
    } catch (e) {
      fail(tt('failed', { msg: errorMessage(e) }));
    } finally {
      pass.value = '';
      submit.disabled = false;
    }
  });
  return section(tt('add'), form);
}

function imageTable(
  ctx: PageContext,
  registryId: () => number | undefined,
  say: (text: string, isError?: boolean) => void,
): TableHandle {
  const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
  return serverTable<RegistryImage>({
    ctx,
    caption: tt('images'),
    search: [
      { name: 'ImageName', label: tt('repo') },
      { name: 'ImageTag', label: tt('tag') },
      { name: 'Namespace', label: tt('namespace') },
      { name: 'ImageDigest', label: tt('digest') },
    ],
    selects: [
      {
        name: 'ScanStatus',
        label: tt('status'),
        options: ['NOT_SCAN', 'WAIT_SCAN', 'SCANNING', 'SCAN_ERR', 'CANCELED', 'SCANNED'].map((s) => ({
          value: s,
          label: scanStatusBadge(ctx, s).textContent ?? s,
        })),
      },
    ],
    rowKey: (r) => String(r.Id ?? ''),
    columns: [
      {
        label: tt('repo'),
        sort: 'ImageName',
        className: 'wrap',
        cell: (r) => el('span', {}, r.ImageRepoAddress || r.ImageName || '—'),
      },
      { label: tt('tag'), sort: 'ImageTag', className: 'mono', cell: (r) => r.ImageTag || '—' },
      { label: tt('size'), sort: 'ImageSize', className: 'num', cell: (r) => humanSize(r.ImageSize) },
      {
        label: tt('status'),
        cell: (r) =>
          el(
            'span',
            {},
            scanStatusBadge(ctx, r.ScanStatus),
            r.ScanStatus === 'SCANNING'
              ? el(
                  'progress',
                  { max: 100, value: r.Progress ?? 0, 'aria-label': tt('status') },
                  `${r.Progress ?? 0}%`,
                )
              : '',
          ),
      },
      { label: tt('vul'), sort: 'VulCnt', className: 'num', cell: (r) => r.VulCnt ?? 0 },
      { label: tt('risk'), sort: 'RiskCnt', className: 'num', cell: (r) => r.RiskCnt ?? 0 },
      { label: tt('virus'), sort: 'VirusCnt', className: 'num', cell: (r) => r.VirusCnt ?? 0 },
      { label: tt('scanTime'), sort: 'ScanTime', cell: (r) => r.ScanTime || '—' },
      {
        label: tt('actions'),
        cell: (r) => {
          const label = `${r.ImageName ?? ''}:${r.ImageTag ?? ''}`;
          const scan = el(
            'button',
            { type: 'button', 'aria-label': tt('scanOf', { name: label }) },
            tt('scan'),
          );
          scan.addEventListener('click', async () => {
            scan.disabled = true;
            try {
              const t = await ctx.api.call<{ TaskID?: number }>('CreateAssetImageRegistryScanTask', {
                Id: [r.Id],
              });
              say(tt('scanStarted', { id: t.TaskID ?? 0, name: label }));
            } catch (e) {
              say(tt('failed', { msg: errorMessage(e) }), true);
            } finally {
              scan.disabled = false;
            }
          });
          const box = el('span', { class: 'actions' }, scan);
          if (r.ImageId)
            append(
              box,
              ' ',
              el(
                'a',
                { href: `#/images/${encodeURIComponent(r.ImageId)}`, 'aria-label': `${tt('open')} ${label}` },
                tt('open'),
              ),
            );
          return box;
        },
      },
    ],
    fetch: async (q) => {
      const id = registryId();
      const filters = [...q.filters, ...(id ? [{ Name: 'RegistryId', Values: [String(id)] }] : [])];
      const r = await ctx.api.call<ListAnswer<RegistryImage>>('DescribeAssetImageRegistryList', {
        Limit: q.limit,
        Offset: q.offset,
        ...(filters.length ? { Filters: filters } : {}),
        ...(q.by ? { By: q.by, Order: q.order } : {}),
      });
      return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
    },
  });
}
