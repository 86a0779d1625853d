import { z } from 'zod';
import type { ComponentFilter, ComponentRow } from '../../../store/store.js';
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

/** The SDK's `ImageComponent`, plus hullscan's LayerID: the diffID of the layer that brought it (null: unknown). */
export interface ImageComponent {
  Name: string;
  Version: string;
  Path: string;
  Type: string;
  VulCount: number;
  ImageID: string;
  LayerID: string | null;
}

const FILTERS = ['ComponentName', 'ComponentVersion', 'ComponentType', 'VulLevel', 'HasVul'];
const SORT_FIELDS = ['Name', 'Version', 'Type', 'Path', 'VulCount'] as const;
const VUL_LEVELS: Record<string, number> = {
  LOW: 1,
  MIDDLE: 2,
  MEDIUM: 2,
  HIGH: 3,
  CRITICAL: 4,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
};

function toComponent(c: ComponentRow, vulCount: number): ImageComponent {
  return {
    Name: c.name,
    Version: c.version,
    Path: c.path ?? '',
    Type: c.type,
    VulCount: vulCount,
    ImageID: c.imageId,
    LayerID: c.layer ?? null,
  };
}

interface Parsed {
  filter: ComponentFilter;
  /** true when a vulnerability filter asks for components with vulnerabilities */
  wantsVulnerable: boolean;
  /** only components with a vulnerability of one of these levels */
  levels?: number[];
}

function componentFilter(filters: AssetFilter[] | undefined): Parsed {
  const filter: ComponentFilter = {};
  let wantsVulnerable = false;
  let levels: number[] | undefined;
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
        levels = f.Values.map((v) => {
          const l = VUL_LEVELS[v.toUpperCase()];
          if (!l) throw badValue('Filters.VulLevel', v, Object.keys(VUL_LEVELS));
          return l;
        });
        if (levels.length) wantsVulnerable = true;
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
  return { filter, wantsVulnerable, levels };
}

/** DescribeImageComponentList: the packages of one image, each with its number of vulnerabilities. */
export const describeImageComponentList: Action<
  z.infer<typeof request>,
  { List: ImageComponent[]; TotalCount: number }
> = {
  name: 'DescribeImageComponentList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORT_FIELDS);
    const { filter, wantsVulnerable, levels } = componentFilter(req.Filters);
    const by = req.By === 'VulCount' ? undefined : req.By;
    const res = await ctx.store.listComponents(ctx.account, req.ImageID, filter, { ...page(req), by });
    if (!res) throw notFound('image', req.ImageID);
    const counts = await ctx.store.componentVulCounts(ctx.account, req.ImageID);
    const vulCount = (c: { name: string; version: string }) => counts.get(`${c.name}\0${c.version}`) ?? 0;
    if (wantsVulnerable || req.By === 'VulCount') {
      // vulnerability filters and VulCount sorting need every component's count: page in memory
      const everything = await ctx.store.listComponents(ctx.account, req.ImageID, filter, {
        limit: 1_000_000,
        offset: 0,
      });
      let keep = (c: ComponentRow) => !wantsVulnerable || vulCount(c) > 0;
      if (levels?.length) {
        const vulns = await ctx.store.listVulnerabilities(
          ctx.account,
          req.ImageID,
          { level: levels },
          { limit: 1_000_000, offset: 0 },
        );
        const keys = new Set((vulns?.rows ?? []).map((v) => `${v.component}\0${v.version}`));
        keep = (c) => keys.has(`${c.name}\0${c.version}`);
      }
      let rows = (everything?.rows ?? []).filter(keep);
      if (req.By === 'VulCount') {
        const dir = req.Order?.toLowerCase() === 'desc' ? -1 : 1;
        rows = [...rows].sort((a, b) => dir * (vulCount(a) - vulCount(b)));
      }
      const p = page(req);
      return {
        List: rows.slice(p.offset, p.offset + p.limit).map((c) => toComponent(c, vulCount(c))),
        TotalCount: rows.length,
      };
    }
    return { List: res.rows.map((c) => toComponent(c, vulCount(c))), TotalCount: res.total };
  },
};
