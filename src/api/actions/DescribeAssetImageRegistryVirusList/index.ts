import { z } from 'zod';
import { imageInfo, oneImage, registryImageId, registryPage } from '../../../registries/views.js';
import type { VirusFilter, VirusRow } from '../../../store/store.js';
import type { Action } from '../../action.js';
import { badFilter, codeFilter, pagedList, textFilter } from '../common/params.js';

const request = z.strictObject({
  Limit: pagedList.Limit,
  Offset: pagedList.Offset,
  Filters: pagedList.Filters,
  ImageInfo: imageInfo.optional(),
  Id: registryImageId.optional(),
});

const FILTERS = ['Name', 'RiskLevel', 'Level'];

/** The SDK's ImageVirus; RiskLevel 1–4 as text. */
export function imageVirus(v: VirusRow) {
  return {
    Path: v.path,
    RiskLevel: String(v.level),
    Category: v.category,
    VirusName: v.virusName,
    Tags: v.tags,
    Desc: v.desc,
    Solution: v.solution,
    FileType: '',
    FileName: v.fileName,
    FileMd5: v.md5,
    FileSize: v.size,
    FirstScanTime: v.firstScanTime,
    LatestScanTime: v.latestScanTime,
  };
}

/**
 * DescribeAssetImageRegistryVirusList: the flagged files of one registry image (Id or ImageInfo) from
 * its stored result; empty before a scan. TotalCount unfiltered is its VirusCnt.
 */
export const describeAssetImageRegistryVirusList: Action<
  z.infer<typeof request>,
  { List: ReturnType<typeof imageVirus>[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageRegistryVirusList',
  request,
  async handle(req, ctx) {
    const filter: VirusFilter = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'Name') filter.name = textFilter(f);
      else if (f.Name === 'RiskLevel' || f.Name === 'Level') filter.riskLevel = codeFilter(f, [1, 2, 3, 4]);
      else throw badFilter(f.Name, FILTERS);
    }
    const image = await oneImage(ctx, req);
    if (!image.detail) return { List: [], TotalCount: 0 };
    const res = await ctx.store.listViruses(ctx.account, image.imageId, filter, registryPage(req));
    return { List: (res?.rows ?? []).map(imageVirus), TotalCount: res?.total ?? 0 };
  },
};
