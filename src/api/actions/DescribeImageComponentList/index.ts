import { z } from 'zod';
import type { ComponentFilter } from '../../../store/store.js';
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
  textFilter,
} from '../common/params.js';

const request = z.strictObject({ ImageID: imageId, ...pagedList });

/** The SDK's `ImageComponent`. */
export interface ImageComponent {
  Name: string;
  Version: string;
  Path: string;
  Type: string;
  VulCount: number;
  ImageID: string;
}

const FILTERS = ['ComponentName', 'ComponentVersion', 'ComponentType', 'VulLevel', 'HasVul'];
const SORT_FIELDS = ['Name', 'Version', 'Type', 'Path', 'VulCount'] as const;
const VUL_LEVELS = ['CRITICAL', 'HIGH', 'MIDDLE', 'MEDIUM', 'LOW'];

interface Parsed {
  filter: ComponentFilter;
  /** true when a vulnerability filter asks for components with vulnerabilities, which none have yet */
  wantsVulnerable: boolean;
}

function componentFilter(filters: AssetFilter[] | undefined): Parsed {
  const filter: ComponentFilter = {};
  let wantsVulnerable = false;
  for (const f of filters ?? []) {
    switch (f.Name) {
      case 'ComponentName':
        filter.name = textFilter(f);
        break;
      case 'ComponentVersion':
        filter.version = textFilter(f);
        break;
      case 'ComponentType':
        filter.type = textFilter(f);
        break;
      case 'VulLevel':
        for (const v of f.Values)
          if (!VUL_LEVELS.includes(v.toUpperCase())) throw badValue('Filters.VulLevel', v, VUL_LEVELS);
        if (f.Values.length) wantsVulnerable = true;
        break;
      case 'HasVul': {
        const v = (f.Values[0] ?? 'ALL').toLowerCase();
        if (!['true', 'false', 'all'].includes(v))
          throw badValue('Filters.HasVul', v, ['true', 'false', 'ALL']);
        if (v === 'true') wantsVulnerable = true;
        break;
      }
      default:
        throw badFilter(f.Name, FILTERS);
    }
  }
  return { filter, wantsVulnerable };
}

/**
 * DescribeImageComponentList: the packages of one image. VulCount is 0 for every component until
 * vulnerability matching exists, so filters asking for vulnerable components match nothing.
 */
export const describeImageComponentList: Action<
  z.infer<typeof request>,
  { List: ImageComponent[]; TotalCount: number }
> = {
  name: 'DescribeImageComponentList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORT_FIELDS);
    const { filter, wantsVulnerable } = componentFilter(req.Filters);
    const by = req.By === 'VulCount' ? undefined : req.By;
    const res = await ctx.store.listComponents(ctx.account, req.ImageID, filter, { ...page(req), by });
    if (!res) throw notFound('image', req.ImageID);
    if (wantsVulnerable) return { List: [], TotalCount: 0 };
    return {
      List: res.rows.map((c) => ({
        Name: c.name,
        Version: c.version,
        Path: c.path ?? '',
        Type: c.type,
        VulCount: 0,
        ImageID: c.imageId,
      })),
      TotalCount: res.total,
    };
  },
};
