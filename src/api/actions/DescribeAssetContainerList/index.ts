import { z } from 'zod';
import { formatTime } from '../../../core/time.js';
import type { ContainerFilter } from '../../../store/hosts.js';
import type { Action } from '../../action.js';
import {
  type AssetFilter,
  badFilter,
  badValue,
  checkSort,
  page,
  pagedList,
  textFilter,
} from '../common/params.js';
import { sweepHosts } from '../ReportAssetHostState/index.js';

const request = z.strictObject(pagedList);

/** The SDK's Status codes of the container list filter. */
const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const FILTERS = [
  'ContainerName',
  'ContainerID',
  'Status',
  'ImageName',
  'ImageID',
  'HostIP',
  'HostID',
  'NodeType',
];
const SORTS = [
  'ContainerName',
  'ContainerID',
  'CreateTime',
  'Status',
  'ImageName',
  'ImageID',
  'HostName',
  'HostID',
  'UpdateTime',
];

/** ContainerInfo of the SDK; runtime fields hullscan does not collect are empty / 0. */
export interface ContainerInfo {
  ContainerID: string;
  ContainerName: string;
  Status: string;
  CreateTime: string;
  RunAs: string;
  Cmd: string;
  CPUUsage: number;
  RamUsage: number;
  ImageName: string;
  ImageID: string;
  POD: string;
  HostID: string;
  HostIP: string;
  UpdateTime: string;
  HostName: string;
  PublicIp: string;
  NetStatus: string;
  NetSubStatus: string;
  IsolateSource: string;
  IsolateTime: string;
  NodeID: string;
  PodIP: string;
  PodName: string;
  NodeType: string;
  NodeUniqueID: string;
  PodCpu: number;
  PodMem: number;
  ClusterName: string;
  ClusterID: string;
  PodUid: string;
}

function containerFilter(filters: AssetFilter[] | undefined): ContainerFilter {
  const out: ContainerFilter = {};
  for (const f of filters ?? []) {
    switch (f.Name) {
      case 'ContainerName':
        out.containerName = textFilter(f);
        break;
      case 'ContainerID':
        out.containerId = textFilter(f);
        break;
      case 'ImageName':
        out.imageName = textFilter(f);
        break;
      case 'ImageID':
        out.imageId = textFilter(f);
        break;
      case 'HostIP':
        out.hostIp = textFilter(f);
        break;
      case 'HostID':
        out.hostId = textFilter(f);
        break;
      case 'Status':
        out.state = f.Values.flatMap((v) => v.split(',')).map((v) => {
          const t = v.trim();
          const byCode = /^[0-6]$/.test(t) ? STATES[Number(t)] : undefined;
          const s = byCode ?? (STATES.includes(t.toLowerCase()) ? t.toLowerCase() : undefined);
          if (!s) throw badValue('Filters.Status', v, ['0-6', ...STATES]);
          return s;
        });
        break;
      case 'NodeType':
        out.nodeType = f.Values.map((v) => {
          const u = v.toUpperCase();
          if (u !== 'NORMAL' && u !== 'SUPER') throw badValue('Filters.NodeType', v, ['NORMAL', 'SUPER']);
          return u === 'SUPER' ? 'super' : 'normal';
        });
        break;
      default:
        throw badFilter(f.Name, FILTERS);
    }
  }
  return out;
}

/** DescribeAssetContainerList: containers (any state) on the account's online hosts. */
export const describeAssetContainerList: Action<
  z.infer<typeof request>,
  { List: ContainerInfo[]; TotalCount: number }
> = {
  name: 'DescribeAssetContainerList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORTS);
    const filter = containerFilter(req.Filters);
    await sweepHosts(ctx.store);
    const r = await ctx.store.hosts.listContainers(ctx.account, filter, page(req));
    return {
      TotalCount: r.total,
      List: r.rows.map((c) => ({
        ContainerID: c.containerId,
        ContainerName: c.name,
        Status: c.state,
        CreateTime: c.created > 0 ? formatTime(new Date(c.created * 1000), ctx.timeZone) : '',
        RunAs: '',
        Cmd: '',
        CPUUsage: 0,
        RamUsage: 0,
        ImageName: c.imageName,
        ImageID: c.imageId,
        POD: '',
        HostID: c.hostId,
        HostIP: c.hostIp,
        UpdateTime: c.updatedMs > 0 ? formatTime(new Date(c.updatedMs), ctx.timeZone) : '',
        HostName: c.hostName,
        PublicIp: '',
        NetStatus: 'NORMAL',
        NetSubStatus: '',
        IsolateSource: '',
        IsolateTime: '',
        NodeID: c.nodeType === 'super' ? c.hostId : '',
        PodIP: '',
        PodName: '',
        NodeType: c.nodeType === 'super' ? 'SUPER' : 'NORMAL',
        NodeUniqueID: c.nodeType === 'super' ? c.hostId : '',
        PodCpu: 0,
        PodMem: 0,
        ClusterName: '',
        ClusterID: '',
        PodUid: '',
      })),
    };
  },
};
