import { z } from 'zod';
import type { ImageFilter, ImageListRow } from '../../../store/store.js';
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

const request = z.strictObject(pagedList);

/** The SDK's `ImagesInfo`. */
export interface ImagesInfo {
  ImageID: string;
  ImageName: string;
  CreateTime: string;
  Size: number;
  HostCnt: number;
  SuperNodeCnt: number;
  ContainerCnt: number;
  ScanTime: string;
  VulCnt: number;
  VirusCnt: number;
  RiskCnt: number;
  IsTrustImage: boolean;
  OsName: string;
  AgentError: string;
  ScanError: string;
  ScanStatus: string;
  ScanVirusError: string;
  ScanVulError: string;
  ScanRiskError: string;
  IsSuggest: number;
  IsAuthorized: number;
  ComponentCnt: number;
  CriticalLevelVulCnt: number;
  HighLevelVulCnt: number;
  MediumLevelVulCnt: number;
  LowLevelVulCnt: number;
  IsLatestImage: boolean;
  RecommendedFix: boolean;
  Solution: string;
  Reason: string;
}

export const IMAGE_SORT_FIELDS = [
  'ImageID',
  'ImageName',
  'CreateTime',
  'Size',
  'ScanTime',
  'VulCnt',
  'RiskCnt',
  'VirusCnt',
  'HostCnt',
  'ContainerCnt',
  'ComponentCnt',
  'OsName',
] as const;

/** TCSS list spellings of scan states (notScan, scanning, scanned, scanErr) and DESIGN §3's, to the stored ones. */
const SCAN_STATUS: Record<string, string[]> = {
  notscan: ['NOT_SCAN'],
  not_scan: ['NOT_SCAN'],
  waitscan: ['WAIT_SCAN'],
  wait_scan: ['WAIT_SCAN'],
  scanning: ['SCANNING', 'WAIT_SCAN'],
  scanned: ['SCANNED'],
  scanerr: ['SCAN_ERR'],
  scan_err: ['SCAN_ERR'],
  canceled: ['CANCELED'],
};

const SECURITY_RISKS = [
  'VirusCnt',
  'RiskCnt',
  'VulCnt',
  'IsTrustImage',
  'CriticalLevelVul',
  'HighLevelVul',
  'MediumLevelVul',
  'LowLevelVul',
];

const FILTERS = ['ImageName', 'ImageID', 'OsName', 'ScanStatus', 'SecurityRisk'];

/** Store filter from the request's Filters; unknown names and values are InvalidParameterValue. */
export function imageFilter(filters: AssetFilter[] | undefined, allowed = FILTERS): ImageFilter {
  const out: ImageFilter = {};
  for (const f of filters ?? []) {
    if (!allowed.includes(f.Name)) throw badFilter(f.Name, allowed);
    switch (f.Name) {
      case 'ImageName':
        out.imageName = textFilter(f);
        break;
      case 'ImageID':
        out.imageId = textFilter(f);
        break;
      case 'OsName':
        out.osName = textFilter(f);
        break;
      case 'Keywords':
        out.keywords = textFilter(f);
        break;
      case 'ScanStatus':
        out.scanStatus = f.Values.flatMap((v) => {
          const s = SCAN_STATUS[v.toLowerCase()];
          if (!s)
            throw badValue('Filters.ScanStatus', v, [
              'notScan',
              'scanning',
              'scanned',
              'scanErr',
              'canceled',
            ]);
          return s;
        });
        break;
      case 'SecurityRisk':
        for (const v of f.Values)
          if (!SECURITY_RISKS.includes(v)) throw badValue('Filters.SecurityRisk', v, SECURITY_RISKS);
        out.securityRisk = f.Values;
        break;
    }
  }
  return out;
}

export function imagesInfo(r: ImageListRow): ImagesInfo {
  return {
    ImageID: r.ImageID,
    ImageName: r.ImageName,
    CreateTime: r.CreateTime,
    Size: r.Size,
    HostCnt: r.HostCnt,
    SuperNodeCnt: r.SuperNodeCnt,
    ContainerCnt: r.ContainerCnt,
    ScanTime: r.ScanTime,
    VulCnt: r.VulCnt,
    VirusCnt: r.VirusCnt,
    RiskCnt: r.RiskCnt,
    IsTrustImage: r.IsTrustImage,
    OsName: r.OsName,
    AgentError: r.AgentError,
    ScanError: r.ScanError,
    ScanStatus: r.ScanStatus,
    ScanVirusError: r.ScanVirusError,
    ScanVulError: r.ScanVulError,
    ScanRiskError: r.ScanRiskError,
    IsSuggest: r.VulCnt + r.RiskCnt + r.VirusCnt > 0 ? 1 : 0,
    IsAuthorized: r.IsAuthorized,
    ComponentCnt: r.ComponentCnt,
    CriticalLevelVulCnt: r.CriticalLevelVulCnt,
    HighLevelVulCnt: r.HighLevelVulCnt,
    MediumLevelVulCnt: r.MediumLevelVulCnt,
    LowLevelVulCnt: r.LowLevelVulCnt,
    IsLatestImage: false,
    RecommendedFix: r.VulCnt + r.VirusCnt > 0,
    Solution: r.Solution,
    Reason: r.Reason,
  };
}

/** DescribeAssetImageList: the account's images, filtered, sorted and paged. */
export const describeAssetImageList: Action<
  z.infer<typeof request>,
  { List: ImagesInfo[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, IMAGE_SORT_FIELDS);
    const { total, rows } = await ctx.store.listImages(ctx.account, imageFilter(req.Filters), page(req));
    return { List: rows.map(imagesInfo), TotalCount: total };
  },
};
