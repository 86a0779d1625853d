/** Hosts (#/hosts): DescribeAssetHostList and DescribeAssetContainerList. */
import type { Page, PageContext, Strings } from '../contract.js';
import { append, badge, el, section, serverTable } from '../widgets.js';

const S: Strings = {
  title: { en: 'Hosts and containers', zh: '主机与容器' },
  hosts: { en: 'Hosts', zh: '主机' },
  containers: { en: 'Containers', zh: '容器' },
  hostId: { en: 'Host ID', zh: '主机 ID' },
  hostName: { en: 'Host name', zh: '主机名' },
  hostIp: { en: 'IP', zh: 'IP' },
  status: { en: 'Status', zh: '状态' },
  online: { en: 'Online', zh: '在线' },
  offline: { en: 'Offline', zh: '离线' },
  docker: { en: 'Docker version', zh: 'Docker 版本' },
  runtime: { en: 'Runtime', zh: '运行时' },
  images: { en: 'Images', zh: '镜像数' },
  containerCnt: { en: 'Containers', zh: '容器数' },
  lastOnline: { en: 'Last online', zh: '最近在线' },
  machineType: { en: 'Machine type', zh: '机器类型' },
  containerName: { en: 'Container', zh: '容器名称' },
  containerId: { en: 'Container ID', zh: '容器 ID' },
  state: { en: 'State', zh: '状态' },
  image: { en: 'Image', zh: '镜像' },
  nodeType: { en: 'Node type', zh: '节点类型' },
  normal: { en: 'Normal node', zh: '普通节点' },
  super: { en: 'Super node', zh: '超级节点' },
  created: { en: 'Created', zh: '创建时间' },
  updated: { en: 'Updated', zh: '更新时间' },
  noHosts: {
    en: 'No host has reported yet. Hosts appear when an agent reports them (ReportAssetHostState).',
    zh: '尚无主机上报。Agent 上报(ReportAssetHostState)后主机会出现在这里。',
  },
  noContainers: { en: 'No container on the online hosts.', zh: '在线主机上没有容器。' },
};

interface Host {
  HostID?: string;
  HostIP?: string;
  HostName?: string;
  DockerVersion?: string;
  ImageCnt?: number;
  ContainerCnt?: number;
  Status?: string;
  IsContainerd?: boolean;
  MachineType?: string;
  LastOnlineTime?: string;
}

interface Container {
  ContainerID?: string;
  ContainerName?: string;
  Status?: string;
  CreateTime?: string;
  ImageName?: string;
  ImageID?: string;
  HostID?: string;
  HostIP?: string;
  HostName?: string;
  UpdateTime?: string;
  NodeType?: string;
}

interface ListAnswer<R> {
  List?: R[];
  TotalCount?: number;
}

function nodeBadge(ctx: PageContext, t: string | undefined): HTMLElement {
  return t === 'SUPER' ? badge(ctx.t(S, 'super'), 'info') : badge(ctx.t(S, 'normal'), 'muted');
}

export const hostsPage: Page = {
  render(root, ctx) {
    const tt = (k: string) => ctx.t(S, k);
    const list = async <R>(action: string, q: import('../widgets.js').Query) => {
      const r = await ctx.api.call<ListAnswer<R>>(action, {
        Limit: q.limit,
        Offset: q.offset,
        ...(q.filters.length ? { Filters: q.filters } : {}),
        ...(q.by ? { By: q.by, Order: q.order } : {}),
      });
      return { rows: r.List ?? [], total: r.TotalCount ?? 0 };
    };
    const hosts = serverTable<Host>({
      ctx,
      caption: tt('hosts'),
      emptyText: tt('noHosts'),
      search: [
        { name: 'HostName', label: tt('hostName') },
        { name: 'HostIP', label: tt('hostIp') },
        { name: 'HostID', label: tt('hostId') },
      ],
      selects: [
        {
          name: 'Status',
          label: tt('status'),
          options: [
            { value: 'ONLINE', label: tt('online') },
            { value: 'OFFLINE', label: tt('offline') },
          ],
        },
      ],
      rowKey: (h) => h.HostID ?? '',
      columns: [
        { label: tt('hostName'), sort: 'HostName', cell: (h) => h.HostName || '—' },
        { label: tt('hostId'), sort: 'HostID', className: 'mono', cell: (h) => h.HostID || '—' },
        { label: tt('hostIp'), sort: 'HostIP', className: 'mono', cell: (h) => h.HostIP || '—' },
        {
          label: tt('status'),
          sort: 'Status',
          cell: (h) => (h.Status === 'ONLINE' ? badge(tt('online'), 'ok') : badge(tt('offline'), 'muted')),
        },
        {
          label: tt('runtime'),
          cell: (h) =>
            el(
              'span',
              {},
              h.IsContainerd ? 'containerd' : 'docker',
              h.DockerVersion ? ` ${h.DockerVersion}` : '',
            ),
        },
        { label: tt('images'), sort: 'ImageCnt', className: 'num', cell: (h) => h.ImageCnt ?? 0 },
        {
          label: tt('containerCnt'),
          sort: 'ContainerCnt',
          className: 'num',
          cell: (h) => h.ContainerCnt ?? 0,
        },
        { label: tt('machineType'), cell: (h) => h.MachineType || '—' },
        { label: tt('lastOnline'), sort: 'LastOnlineTime', cell: (h) => h.LastOnlineTime || '—' },
      ],
      fetch: (q) => list<Host>('DescribeAssetHostList', q),
    });
    const containers = serverTable<Container>({
      ctx,
      caption: tt('containers'),
      emptyText: tt('noContainers'),
      search: [
        { name: 'ContainerName', label: tt('containerName') },
        { name: 'ImageName', label: tt('image') },
        { name: 'HostIP', label: tt('hostIp') },
        { name: 'ContainerID', label: tt('containerId') },
      ],
      selects: [
        {
          name: 'Status',
          label: tt('state'),
          options: ['running', 'created', 'paused', 'restarting', 'exited', 'dead'].map((s) => ({
            value: s,
            label: s,
          })),
        },
        {
          name: 'NodeType',
          label: tt('nodeType'),
          options: [
            { value: 'NORMAL', label: tt('normal') },
            { value: 'SUPER', label: tt('super') },
          ],
        },
      ],
      rowKey: (c) => c.ContainerID ?? '',
      columns: [
        { label: tt('containerName'), sort: 'ContainerName', cell: (c) => c.ContainerName || '—' },
        {
          label: tt('containerId'),
          sort: 'ContainerID',
          className: 'mono',
          cell: (c) => el('span', { title: c.ContainerID ?? '' }, (c.ContainerID ?? '').slice(0, 12) || '—'),
        },
        {
          label: tt('state'),
          sort: 'Status',
          cell: (c) =>
            badge(c.Status || '—', c.Status === 'running' ? 'ok' : c.Status === 'dead' ? 'danger' : 'muted'),
        },
        {
          label: tt('image'),
          sort: 'ImageName',
          className: 'wrap',
          cell: (c) =>
            c.ImageID
              ? el('a', { href: `#/images/${encodeURIComponent(c.ImageID)}` }, c.ImageName || c.ImageID)
              : c.ImageName || '—',
        },
        { label: tt('hostName'), sort: 'HostName', cell: (c) => c.HostName || c.HostID || '—' },
        { label: tt('hostIp'), className: 'mono', cell: (c) => c.HostIP || '—' },
        { label: tt('nodeType'), cell: (c) => nodeBadge(ctx, c.NodeType) },
        { label: tt('created'), sort: 'CreateTime', cell: (c) => c.CreateTime || '—' },
        { label: tt('updated'), sort: 'UpdateTime', cell: (c) => c.UpdateTime || '—' },
      ],
      fetch: (q) => list<Container>('DescribeAssetContainerList', q),
    });
    append(
      root,
      el('h1', {}, tt('title')),
      section(tt('hosts'), hosts.element),
      section(tt('containers'), containers.element),
    );
  },
};
