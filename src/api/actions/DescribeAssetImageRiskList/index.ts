import type { z } from 'zod';
import type { RiskFilter, RiskRow } from '../../../store/store.js';
import type { Action } from '../../action.js';
import { badFilter, checkSort, codeFilter, imageListRequest, notFound, page } from '../common/params.js';

const request = imageListRequest;

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
      if (f.Name === 'Level') filter.level = codeFilter(f, [1, 2, 3, 4]);
      else if (f.Name === 'Behavior') filter.behavior = codeFilter(f, [1, 2, 3, 4]);
      else if (f.Name === 'Type') filter.type = codeFilter(f, [1, 2]);
      else throw badFilter(f.Name, FILTERS);
    }
    const res = await ctx.store.listRisks(ctx.account, req.ImageID, filter, page(req));
    if (!res) throw notFound('image', req.ImageID);
    return { List: res.rows.map(imageRiskInfo), TotalCount: res.total };
  },
};
