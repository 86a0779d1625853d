import { z } from 'zod';
import type { RiskFilter, RiskRow } from '../../../store/store.js';
import type { Action } from '../../action.js';
import {
  type AssetFilter,
  badFilter,
  badValue,
  checkSort,
  imageId,
  notFound,
  page,
  pagedList,
} from '../common/params.js';

const request = z.strictObject({
  ImageID: imageId,
  ...pagedList,
  Order: z
    .string()
    .regex(/^(asc|desc|\+|-)$/i)
    .optional(),
});

/**
 * The SDK's `ImageRiskInfo` (Behavior, Type, Level, Desc, InstructionContent, DESIGN §3 codes) plus
 * hullscan's fields: the rule, the fix, and where the risk is (file path, layer diffID, history
 * index; null when not about one). A secret appears only masked, with the `sha256:` of its clear value
 * so the same credential can be found across images.
 */
export interface ImageRiskInfo {
  Behavior: number;
  Type: number;
  Level: number;
  Desc: string;
  InstructionContent: string;
  Rule: string;
  Solution: string;
  Path: string | null;
  LayerID: string | null;
  HistoryIndex: number | null;
  Masked: string | null;
  SecretHash: string | null;
}

const FILTERS = ['Level', 'Behavior', 'Type'];
const SORT_FIELDS = ['Level', 'Type', 'Behavior', 'Rule', 'Path'] as const;

export function imageRiskInfo(r: RiskRow): ImageRiskInfo {
  return {
    Behavior: r.behavior,
    Type: r.type,
    Level: r.level,
    Desc: r.desc,
    InstructionContent: r.instruction,
    Rule: r.rule,
    Solution: r.solution,
    Path: r.path ?? null,
    LayerID: r.layer ?? null,
    HistoryIndex: r.historyIndex ?? null,
    Masked: r.masked ?? null,
    SecretHash: r.secretHash ?? null,
  };
}

/** A filter's codes (values may also be comma-separated lists): each one of `allowed`. */
function codes(f: AssetFilter, allowed: number[]): number[] {
  return f.Values.flatMap((v) => v.split(',')).map((v) => {
    const n = Number(v.trim());
    if (v.trim() === '' || !allowed.includes(n)) throw badValue(`Filters.${f.Name}`, v, allowed.map(String));
    return n;
  });
}

/**
 * DescribeAssetImageRiskList: the risk rows of one image (Type 1 high-risk behaviour, 2 sensitive
 * information); its TotalCount unfiltered is the image's RiskCnt, with Type 2 its SensitiveInfoCnt.
 */
export const describeAssetImageRiskList: Action<
  z.infer<typeof request>,
  { List: ImageRiskInfo[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageRiskList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORT_FIELDS);
    const filter: RiskFilter = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'Level') filter.level = codes(f, [1, 2, 3, 4]);
      else if (f.Name === 'Behavior') filter.behavior = codes(f, [1, 2, 3, 4]);
      else if (f.Name === 'Type') filter.type = codes(f, [1, 2]);
      else throw badFilter(f.Name, FILTERS);
    }
    const order = req.Order === '+' ? 'asc' : req.Order === '-' ? 'desc' : req.Order;
    const res = await ctx.store.listRisks(ctx.account, req.ImageID, filter, page({ ...req, Order: order }));
    if (!res) throw notFound('image', req.ImageID);
    return { List: res.rows.map(imageRiskInfo), TotalCount: res.total };
  },
};
