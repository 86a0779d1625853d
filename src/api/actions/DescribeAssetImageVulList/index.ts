import type { z } from 'zod';
import type { VulnerabilityFilter, VulnerabilityRow } from '../../../store/store.js';
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

/** The SDK's `ImagesVul`. */
export interface ImagesVul {
  CVEID: string;
  Name: string;
  Component: string;
  Version: string;
  Category: string;
  CategoryType: string;
  Level: number;
  Des: string;
  OfficialSolution: string;
  Reference: string;
  DefenseSolution: string;
  SubmitTime: string;
  CVSSV3Score: number;
  CVSSV3Desc: string;
  IsSuggest: boolean;
  FixedVersions: string;
  Tag: string[];
  AttackLevel: number;
}

const FILTERS = ['Name', 'Level', 'CVEID'];
const SORT_FIELDS = ['Level', 'CVEID', 'Name', 'Component', 'CVSSV3Score', 'SubmitTime'] as const;

export function imagesVul(v: VulnerabilityRow): ImagesVul {
  return {
    CVEID: v.cveId,
    Name: v.name,
    Component: v.component,
    Version: v.version,
    Category: v.category,
    CategoryType: v.componentType,
    Level: v.level,
    Des: v.description,
    OfficialSolution: v.officialSolution,
    Reference: v.references.join('\n'),
    DefenseSolution: '',
    SubmitTime: v.submitTime,
    CVSSV3Score: v.cvss3Score,
    CVSSV3Desc: v.cvss3Vector,
    IsSuggest: v.level >= 3 && v.fixedVersions.length > 0,
    FixedVersions: v.fixedVersions.join(','),
    Tag: v.tags,
    AttackLevel: 0,
  };
}

/**
 * A row of the list: the SDK's `ImagesVul` plus hullscan's LayerID, the diffID of the bottom-most layer
 * holding the vulnerable component (null when unknown).
 */
export type ImagesVulWithLayer = ImagesVul & { LayerID: string | null };

/** DescribeAssetImageVulList: the vulnerabilities of one image (its TotalCount unfiltered is the image's VulCnt). */
export const describeAssetImageVulList: Action<
  z.infer<typeof request>,
  { List: ImagesVulWithLayer[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageVulList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORT_FIELDS);
    const filter: VulnerabilityFilter = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'Name') filter.name = textFilter(f);
      else if (f.Name === 'CVEID') filter.cveId = textFilter(f);
      else if (f.Name === 'Level') {
        filter.level = codeFilter(f, [1, 2, 3, 4]);
      } else throw badFilter(f.Name, FILTERS);
    }
    const res = await ctx.store.listVulnerabilities(ctx.account, req.ImageID, filter, page(req));
    if (!res) throw notFound('image', req.ImageID);
    return {
      List: res.rows.map((v) => ({ ...imagesVul(v), LayerID: v.layer ?? null })),
      TotalCount: res.total,
    };
  },
};
