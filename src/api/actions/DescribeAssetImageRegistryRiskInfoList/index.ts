import { z } from 'zod';
import { imageInfo, oneImage, registryImageId, registryPage } from '../../../registries/views.js';
import type { RiskFilter, RiskRow } from '../../../store/store.js';
import type { Action } from '../../action.js';
import { badFilter, badValue, codeFilter, pagedList } from '../common/params.js';

const request = z.strictObject({
  Limit: pagedList.Limit,
  Offset: pagedList.Offset,
  Filters: pagedList.Filters,
  ImageInfo: imageInfo.optional(),
  By: z.string().max(64).optional(),
  Order: z
    .string()
    .regex(/^(asc|desc|\+|-)$/i)
    .optional(),
  Id: registryImageId.optional(),
});

const FILTERS = ['Level', 'Behavior', 'Type'];
const SORT_FIELDS = ['Level', 'Type', 'Behavior'];

/** The SDK's ImageRisk; Level 1–4 as text (DESIGN §3). */
export function imageRisk(r: RiskRow) {
  return {
    Behavior: r.behavior,
    Type: r.type,
    Level: String(r.level),
    Desc: r.desc,
    InstructionContent: r.instruction,
  };
}

/**
 * DescribeAssetImageRegistryRiskInfoList: the risk rows of one registry image (Id or ImageInfo) from
 * its stored result; empty before a scan. TotalCount unfiltered is its RiskCnt.
 */
export const describeAssetImageRegistryRiskInfoList: Action<
  z.infer<typeof request>,
  { List: ReturnType<typeof imageRisk>[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageRegistryRiskInfoList',
  request,
  async handle(req, ctx) {
    if (req.By && !SORT_FIELDS.includes(req.By)) throw badValue('By', req.By, SORT_FIELDS);
    const filter: RiskFilter = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'Level') filter.level = codeFilter(f, [1, 2, 3, 4]);
      else if (f.Name === 'Behavior') filter.behavior = codeFilter(f, [1, 2, 3, 4]);
      else if (f.Name === 'Type') filter.type = codeFilter(f, [1, 2]);
      else throw badFilter(f.Name, FILTERS);
    }
    const image = await oneImage(ctx, req);
    if (!image.detail) return { List: [], TotalCount: 0 };
    const res = await ctx.store.listRisks(ctx.account, image.imageId, filter, registryPage(req));
    return { List: (res?.rows ?? []).map(imageRisk), TotalCount: res?.total ?? 0 };
  },
};
