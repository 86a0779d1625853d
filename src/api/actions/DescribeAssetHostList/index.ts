import { z } from 'zod';
import { formatTime } from '../../../core/time.js';
import type { HostFilter } from '../../../store/hosts.js';
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

/** HostInfo of the SDK; fields hullscan has no source for are empty / 0. */
export interface HostInfo {
  HostID: string;
  HostIP: string;
  HostName: string;
  Group: string;
  DockerVersion: string;
  DockerFileSystemDriver: string;
  ImageCnt: number;
  ContainerCnt: number;
  Status: string;
  IsContainerd: boolean;
  MachineType: string;
  PublicIp: string;
  Uuid: string;
  InstanceID: string;
  RegionID: number;
  Project: { ProjectName: string; ProjectID: number };
  Tags: { TagKey: string; TagValue: string }[];
  ClusterID: string;
  ClusterName: string;
  ClusterAccessedStatus: string;
  ClusterAccessedSubStatus: string;
  ClusterAccessedErrorReason: string;
  ChargeCoresCnt: number;
  DefendStatus: string;
  CoresCnt: number;
  LastOnlineTime: string;
}

const FILTERS = [
  'Status',
  'HostName',
  'HostIP',
  'HostID',
  'DockerVersion',
  'MachineType',
  'DockerStatus',
  'NodeType',
];
const SORTS = ['HostName', 'HostID', 'HostIP', 'ImageCnt', 'ContainerCnt', 'LastOnlineTime', 'Status'];

/** Store filter from Filters; `undefined` when a filter can match no host (e.g. Status UNINSTALL). */
function hostFilter(filters: AssetFilter[] | undefined): HostFilter | undefined {
  const out: HostFilter = {};
  let none = false;
  const one = (f: AssetFilter, allowed: string[]): string[] => {
    for (const v of f.Values)
      if (!allowed.includes(v.toUpperCase())) throw badValue(`Filters.${f.Name}`, v, allowed);
    return f.Values.map((v) => v.toUpperCase());
  };
  for (const f of filters ?? []) {
    switch (f.Name) {
      case 'Status': {
        const v = one(f, ['ALL', 'ONLINE', 'OFFLINE', 'UNINSTALL']);
        if (v.includes('ALL') || (v.includes('ONLINE') && v.includes('OFFLINE'))) break;
        if (v.includes('ONLINE')) out.online = true;
        else if (v.includes('OFFLINE')) out.online = false;
        else none = true;
        break;
      }
      case 'HostName':
        out.hostName = textFilter(f);
        break;
      case 'HostIP':
        out.hostIp = textFilter(f);
        break;
      case 'HostID':
        out.hostId = textFilter(f);
        break;
      case 'DockerVersion':
        out.dockerVersion = textFilter(f);
        break;
      case 'MachineType': {
        const v = one(f, ['ALL', 'CVM', 'ECM', 'LH', 'BM', 'OTHER']);
        if (!v.includes('ALL') && !v.includes('OTHER')) none = true;
        break;
      }
      case 'DockerStatus': {
        const v = one(f, ['ALL', 'INSTALL', 'UNINSTALL']);
        if (!v.includes('ALL') && !v.includes('INSTALL')) none = true;
        break;
      }
      case 'NodeType':
        out.nodeType = one(f, ['NORMAL', 'SUPER']).map((v) => (v === 'SUPER' ? 'super' : 'normal'));
        break;
      default:
        throw badFilter(f.Name, FILTERS);
    }
  }
  return none ? undefined : out;
}

/** DescribeAssetHostList: the account's agent hosts (online: reported within the offline delay). */
export const describeAssetHostList: Action<
  z.infer<typeof request>,
  { List: HostInfo[]; TotalCount: number }
> = {
  name: 'DescribeAssetHostList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORTS);
    const filter = hostFilter(req.Filters);
    if (!filter) return { List: [], TotalCount: 0 };
    await sweepHosts(ctx.store);
    const r = await ctx.store.hosts.listHosts(ctx.account, filter, page(req));
    return {
      TotalCount: r.total,
      List: r.rows.map((h) => ({
        HostID: h.hostId,
        HostIP: h.ips[0] ?? '',
        HostName: h.hostName,
        Group: '',
        DockerVersion: h.dockerVersion,
        DockerFileSystemDriver: '',
        ImageCnt: h.imageCnt,
        ContainerCnt: h.containerCnt,
        Status: h.online ? 'ONLINE' : 'OFFLINE',
        IsContainerd: false,
        MachineType: 'Other',
        PublicIp: '',
        Uuid: h.hostId,
        InstanceID: '',
        RegionID: 0,
        Project: { ProjectName: '', ProjectID: 0 },
        Tags: [{ TagKey: 'hullscan:node-type', TagValue: h.nodeType }],
        ClusterID: '',
        ClusterName: '',
        ClusterAccessedStatus: '',
        ClusterAccessedSubStatus: '',
        ClusterAccessedErrorReason: '',
        ChargeCoresCnt: 0,
        DefendStatus: h.online ? 'Defended' : 'UnDefended',
        CoresCnt: 0,
        LastOnlineTime: h.lastSeenMs > 0 ? formatTime(new Date(h.lastSeenMs), ctx.timeZone) : '',
      })),
    };
  },
};
