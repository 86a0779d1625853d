import { z } from 'zod';
import { COMPONENT_TOP_SORTS, type ComponentTopFilter, type ComponentTopRow } from '../../../store/store.js';
import type { Action } from '../../action.js';
import { badFilter, checkSort, page, pagedList, textFilter } from '../common/params.js';

const request = z.strictObject(pagedList);

/** One component of the account's ranking: its vulnerabilities and the images that have it vulnerable. */
export interface ComponentTopInfo {
  Name: string;
  Version: string;
  Type: string;
  /** distinct advisories on this name, version and type across the account's images */
  VulCount: number;
  CriticalVulCount: number;
  HighVulCount: number;
  MediumVulCount: number;
  LowVulCount: number;
  /** distinct images of the account where it has a vulnerability */
  ImageCount: number;
  /** the first fixed version any of its advisories names ('' when none) */
  FixedVersion: string;
}

const FILTERS = ['ComponentName', 'ComponentType'];

function topInfo(r: ComponentTopRow): ComponentTopInfo {
  return {
    Name: r.name,
    Version: r.version,
    Type: r.type,
    VulCount: r.vulCount,
    CriticalVulCount: r.criticalVulCount,
    HighVulCount: r.highVulCount,
    MediumVulCount: r.mediumVulCount,
    LowVulCount: r.lowVulCount,
    ImageCount: r.imageCount,
    FixedVersion: r.fixedVersion,
  };
}

/**
 * DescribeAssetImageComponentTopList (a hullscan extension, not a TCSS action): the caller's most
 * vulnerable components across all its images, by VulCount (default), ImageCount, CriticalVulCount or
 * HighVulCount, highest first unless Order is asc; ties by VulCount, ImageCount (highest first), then
 * Name, Version, Type. Filters: ComponentName, ComponentType (substring, or exact with ExactMatch).
 */
export const describeAssetImageComponentTopList: Action<
  z.infer<typeof request>,
  { List: ComponentTopInfo[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageComponentTopList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, COMPONENT_TOP_SORTS);
    const filter: ComponentTopFilter = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'ComponentName') filter.name = textFilter(f);
      else if (f.Name === 'ComponentType') filter.type = textFilter(f);
      else throw badFilter(f.Name, FILTERS);
    }
    const { total, rows } = await ctx.store.topVulnerableComponents(ctx.account, filter, page(req));
    return { List: rows.map(topInfo), TotalCount: total };
  },
};
