import { z } from 'zod';
import type { RequestContext } from '../api/action.js';
import { type AssetFilter, badFilter, badValue, textFilter } from '../api/actions/common/params.js';
import { ApiError } from '../api/api-error.js';
import { formatTime } from '../core/time.js';
import type { Registry, RegistryImageFilter, RegistryImageView } from '../store/registries.js';
import type { Page } from '../store/store.js';

/** Most registry images one request may select (scan tasks) or list by Id. */
export const MAX_SELECTED = 10_000;

/** The SDK's ImageInfo (which registry image a request means). */
export const imageInfo = z.strictObject({
  InstanceName: z.string().max(256),
  Namespace: z.string().max(256),
  ImageName: z.string().max(512),
  ImageTag: z.string().max(256),
  Force: z.string().max(32),
  ImageDigest: z.string().max(256).optional(),
  RegistryType: z.string().max(64).optional(),
  ImageRepoAddress: z.string().max(1024).optional(),
  InstanceId: z.string().max(256).optional(),
});
export type ImageInfo = z.infer<typeof imageInfo>;

export const registryImageId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const IMAGE_FILTERS = [
  'ImageName',
  'ImageTag',
  'ImageDigest',
  'ImageId',
  'Namespace',
  'ImageRepoAddress',
  'RegistryType',
  'RegistryId',
  'ScanStatus',
  'IsAuthorized',
] as const;

const SCAN_STATUSES = ['NOT_SCAN', 'WAIT_SCAN', 'SCANNING', 'SCAN_ERR', 'CANCELED', 'SCANNED'];

/** DescribeAssetImageRegistryList's Filters (also the scan task's and the summary's) as a store filter. */
export function registryImageFilter(filters: AssetFilter[]): RegistryImageFilter {
  const f: RegistryImageFilter = {};
  for (const x of filters) {
    switch (x.Name) {
      case 'ImageName':
        f.repository = textFilter(x);
        break;
      case 'ImageTag':
        f.tag = textFilter(x);
        break;
      case 'ImageDigest':
        f.digest = textFilter(x);
        break;
      case 'ImageId':
        f.imageId = textFilter(x);
        break;
      case 'Namespace':
        f.namespace = textFilter(x);
        break;
      case 'ImageRepoAddress':
        f.address = textFilter(x);
        break;
      case 'RegistryType':
        f.registryType = x.Values;
        break;
      case 'RegistryId':
        f.registryIds = x.Values.map((v) => {
          const n = Number(v);
          if (!Number.isSafeInteger(n) || n < 1) throw badValue('Filters.RegistryId', v, ['a registry id']);
          return n;
        });
        break;
      case 'ScanStatus':
        for (const v of x.Values)
          if (!SCAN_STATUSES.includes(v)) throw badValue('Filters.ScanStatus', v, SCAN_STATUSES);
        f.scanStatus = x.Values;
        break;
      case 'IsAuthorized':
        // every image is authorized here (no license quota): 0 selects none
        for (const v of x.Values)
          if (!['all', '0', '1'].includes(v)) throw badValue('Filters.IsAuthorized', v, ['all', '0', '1']);
        if (x.Values.length > 0 && !x.Values.includes('all') && !x.Values.includes('1')) f.ids = [];
        break;
      default:
        throw badFilter(x.Name, [...IMAGE_FILTERS]);
    }
  }
  return f;
}

/** Limit/Offset/By/Order of a registry list request as a store page. */
export function registryPage(req: { Limit?: number; Offset?: number; By?: string; Order?: string }): Page {
  const order = req.Order === '+' ? 'asc' : req.Order === '-' ? 'desc' : req.Order?.toLowerCase();
  return {
    limit: req.Limit ?? 10,
    offset: req.Offset ?? 0,
    ...(req.By ? { by: req.By } : {}),
    ...(order ? { order: order as 'asc' | 'desc' } : {}),
  };
}

/** The store's refusal of a sort field as InvalidParameterValue. */
export async function sortChecked<T>(
  by: string | undefined,
  allowed: string[],
  f: () => Promise<T>,
): Promise<T> {
  if (by && !allowed.includes(by)) throw badValue('By', by, allowed);
  return f();
}

export function notFoundRegistry(id: number | string): ApiError {
  return new ApiError('ResourceNotFound', {
    en: `registry ${id} does not exist in this account`,
    zh: `镜像仓库 ${id} 不存在`,
  });
}

export function notFoundImage(what: string): ApiError {
  return new ApiError('ResourceNotFound', {
    en: `registry image ${what} does not exist in this account`,
    zh: `仓库镜像 ${what} 不存在`,
  });
}

/** The registry image a request means by Id, else by ImageInfo; ResourceNotFound when none. */
export async function oneImage(
  ctx: RequestContext,
  req: { Id?: number; ImageInfo?: ImageInfo },
): Promise<RegistryImageView> {
  if (req.Id !== undefined) {
    const img = await ctx.store.registries.getImage(ctx.account, req.Id);
    if (!img) throw notFoundImage(String(req.Id));
    return img;
  }
  if (req.ImageInfo) {
    const [img] = await imagesByInfo(ctx, [req.ImageInfo], 1);
    if (!img) throw notFoundImage(`${req.ImageInfo.ImageName}:${req.ImageInfo.ImageTag}`);
    return img;
  }
  throw new ApiError('MissingParameter', {
    en: 'The request is missing a required parameter `Id` (or `ImageInfo`).',
    zh: '缺少必需参数 `Id`(或 `ImageInfo`)。',
  });
}

/** Registry images an ImageInfo list names (repository, tag, and address or digest when given). */
export async function imagesByInfo(
  ctx: RequestContext,
  infos: ImageInfo[],
  limit = MAX_SELECTED,
): Promise<RegistryImageView[]> {
  const out = new Map<number, RegistryImageView>();
  for (const info of infos) {
    const repository =
      info.Namespace && !info.ImageName.startsWith(`${info.Namespace}/`)
        ? `${info.Namespace}/${info.ImageName}`
        : info.ImageName;
    const filter: RegistryImageFilter = {
      repository: { values: [repository], exact: true },
      tag: { values: [info.ImageTag], exact: true },
      ...(info.ImageRepoAddress ? { address: { values: [info.ImageRepoAddress], exact: true } } : {}),
      ...(info.ImageDigest ? { digest: { values: [info.ImageDigest], exact: true } } : {}),
    };
    const res = await ctx.store.registries.listImages(ctx.account, filter, { limit, offset: 0 });
    for (const r of res.rows) if (out.size < limit) out.set(r.id, r);
  }
  return [...out.values()];
}

/** Per-category status text of a stored result (CveStatus, RiskStatus, VirusStatus). */
function categoryStatus(v: RegistryImageView, progress: number, error: string): string {
  const s = v.detail?.ScanStatus ?? 'NOT_SCAN';
  if (s === 'SCANNED') return error ? 'SCAN_ERR' : progress === 100 ? 'SCANNED' : 'NOT_SCAN';
  return s;
}

/** The SDK's ImageRepoInfo of a registry image (scan fields from its stored result, zero before one). */
export function imageRepoInfo(v: RegistryImageView, latest: boolean) {
  const d = v.detail;
  const vul = d?.ScanVulProgress ?? 0;
  const risk = d?.ScanRiskProgress ?? 0;
  const virus = d?.ScanVirusProgress ?? 0;
  const needFix = (d?.CriticalLevelVulCnt ?? 0) + (d?.HighLevelVulCnt ?? 0) > 0;
  return {
    ImageDigest: v.digest,
    ImageRepoAddress: `${v.host}/${v.repository}`,
    RegistryType: v.registryType,
    ImageName: v.repository,
    ImageTag: v.tag,
    ImageSize: d?.Size ?? v.size,
    ScanTime: d?.ScanTime ?? '',
    ScanStatus: d?.ScanStatus ?? 'NOT_SCAN',
    VulCnt: d?.VulCnt ?? 0,
    VirusCnt: d?.VirusCnt ?? 0,
    RiskCnt: d?.RiskCnt ?? 0,
    SentiveInfoCnt: d?.SensitiveInfoCnt ?? 0,
    IsTrustImage: d?.IsTrustImage ?? false,
    OsName: d?.OsName ?? '',
    ScanVirusError: d?.ScanVirusError ?? '',
    ScanVulError: d?.ScanVulError ?? '',
    InstanceId: '',
    InstanceName: '',
    Namespace: v.namespace,
    ScanRiskError: d?.ScanRiskError ?? '',
    ScanVirusProgress: virus,
    ScanVulProgress: vul,
    ScanRiskProgress: risk,
    ScanRemainTime: d?.RemainScanTime ?? 0,
    CveStatus: categoryStatus(v, vul, d?.ScanVulError ?? ''),
    RiskStatus: categoryStatus(v, risk, d?.ScanRiskError ?? ''),
    VirusStatus: categoryStatus(v, virus, d?.ScanVirusError ?? ''),
    Progress: Math.floor((vul + risk + virus) / 3),
    IsAuthorized: d?.IsAuthorized ?? 1,
    RegistryRegion: v.region,
    Id: v.id,
    ImageId: v.imageId,
    ImageCreateTime: v.createTime || (d?.CreateTime ?? ''),
    IsLatestImage: latest,
    LowLevelVulCnt: d?.LowLevelVulCnt ?? 0,
    MediumLevelVulCnt: d?.MediumLevelVulCnt ?? 0,
    HighLevelVulCnt: d?.HighLevelVulCnt ?? 0,
    CriticalLevelVulCnt: d?.CriticalLevelVulCnt ?? 0,
    ContainerCnt: d?.ContainerCnt ?? 0,
    ComponentCnt: d?.ComponentCnt ?? 0,
    IsRunning: (d?.ContainerCnt ?? 0) > 0,
    HasNeedFixVul: needFix,
    SensitiveInfoCnt: d?.SensitiveInfoCnt ?? 0,
    RecommendedFix: needFix,
    Solution: d?.Solution ?? '',
    Reason: d?.Reason ?? '',
  };
}

/** The ids among `rows` that are their repository's latest image. */
export async function latestOf(ctx: RequestContext, rows: RegistryImageView[]): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const res = await ctx.store.registries.listImages(
    ctx.account,
    { ids: rows.map((r) => r.id), onlyLatest: true },
    { limit: rows.length, offset: 0 },
  );
  return new Set(res.rows.map((r) => r.id));
}

/** The connectivity result as the SDK's RegistryConnDetectResult list (the server itself checks). */
export function connDetect(r: Registry) {
  return [
    {
      Quuid: 'backend',
      Uuid: 'backend',
      ConnDetectStatus: r.connectStatus,
      ConnDetectMessage: r.connectMessage,
      Solution: r.connectStatus === 'failed' ? 'check the URL, the credentials and the Insecure setting' : '',
      FailReason: r.connectMessage,
    },
  ];
}

/** The SDK's ImageRepoRegistryInfo of a registry (never its credentials). */
export function registryInfo(r: Registry, timeZone: string) {
  return {
    RegistryId: r.id,
    Name: r.name,
    RegistryType: r.type,
    Url: r.url,
    NetType: r.netType,
    RegistryRegion: r.region,
    RegistryVersion: r.version,
    ConnectMsg: r.connectMessage,
    ConnDetectType: 'backend',
    ConnDetectHostCount: 0,
    ConnDetectDetail: connDetect(r),
    InstanceID: r.instanceId,
    LatestSyncTime: r.latestSyncMs === undefined ? '' : formatTime(new Date(r.latestSyncMs), timeZone),
    SyncStatus: r.syncStatus,
    SyncFailReason: r.syncStatus === 'FAILED' ? r.syncMessage : '',
    SyncSolution: r.syncStatus === 'FAILED' ? 'check the failed repositories and sync again' : '',
    SyncMessage: r.syncMessage,
    SyncMode: r.syncMode,
  };
}
