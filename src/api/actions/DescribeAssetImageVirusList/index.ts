import type { z } from 'zod';
import type { ImageDetail } from '../../../scan/detail.js';
import type { VirusFilter, VirusRow } from '../../../store/store.js';
import type { Action } from '../../action.js';
import {
  badFilter,
  checkSort,
  codeFilter,
  imageListRequest,
  notFound,
  page,
  textFilter,
} from '../common/params.js';

const request = imageListRequest;

/**
 * The SDK's `ImageVirusInfo` plus hullscan's Category (the family the signature name says) and LayerID
 * (diffID of the layer holding the file, null when unknown). CheckPlatform names the engine that
 * found it: `builtin` (hullscan's ClamAV-format engine) or `clamd`.
 */
export interface ImageVirusInfo {
  Path: string;
  RiskLevel: number;
  VirusName: string;
  Tags: string[];
  Desc: string;
  Solution: string;
  Size: number;
  FirstScanTime: string;
  LatestScanTime: string;
  Md5: string;
  FileName: string;
  CheckPlatform: string[];
  Category: string;
  LayerID: string | null;
}

const FILTERS = ['Name', 'RiskLevel'];
const SORT_FIELDS = [
  'RiskLevel',
  'VirusName',
  'FileName',
  'Path',
  'Size',
  'Md5',
  'FirstScanTime',
  'LatestScanTime',
] as const;

export function imageVirusInfo(v: VirusRow): ImageVirusInfo {
  return {
    Path: v.path,
    RiskLevel: v.level,
    VirusName: v.virusName,
    Tags: v.tags,
    Desc: v.desc,
    Solution: v.solution,
    Size: v.size,
    FirstScanTime: v.firstScanTime,
    LatestScanTime: v.latestScanTime,
    Md5: v.md5,
    FileName: v.fileName,
    CheckPlatform: [v.engine],
    Category: v.category,
    LayerID: v.layer ?? null,
  };
}

/**
 * The SDK's VirusScanStatus from the stored detail: 0 not scanned, 1 scanning, 2 done, 3 failed,
 * 4 canceled. A scan that finished without the virus engine is "not scanned".
 */
export function virusScanStatus(d: ImageDetail): number {
  if (d.ScanVirusError !== '' || d.ScanStatus === 'SCAN_ERR') return 3;
  if (d.ScanStatus === 'SCANNING' || d.ScanStatus === 'WAIT_SCAN') return 1;
  if (d.ScanStatus === 'CANCELED') return 4;
  return d.ScanStatus === 'SCANNED' && d.ScanVirusProgress === 100 ? 2 : 0;
}

/** DescribeAssetImageVirusList: the flagged files of one image (its TotalCount unfiltered is the image's VirusCnt). */
export const describeAssetImageVirusList: Action<
  z.infer<typeof request>,
  { List: ImageVirusInfo[]; TotalCount: number; VirusScanStatus: number }
> = {
  name: 'DescribeAssetImageVirusList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORT_FIELDS);
    const filter: VirusFilter = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'Name') filter.name = textFilter(f);
      else if (f.Name === 'RiskLevel') {
        filter.riskLevel = codeFilter(f, [1, 2, 3, 4]);
      } else throw badFilter(f.Name, FILTERS);
    }
    const detail = await ctx.store.getImage(ctx.account, req.ImageID);
    if (!detail) throw notFound('image', req.ImageID);
    const res = await ctx.store.listViruses(ctx.account, req.ImageID, filter, page(req));
    if (!res) throw notFound('image', req.ImageID);
    return {
      List: res.rows.map(imageVirusInfo),
      TotalCount: res.total,
      VirusScanStatus: virusScanStatus(detail),
    };
  },
};
