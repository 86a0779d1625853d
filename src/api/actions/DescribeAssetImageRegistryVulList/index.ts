import { z } from 'zod';
import { imageInfo, oneImage, registryImageId, registryPage } from '../../../registries/views.js';
import type { VulnerabilityFilter, VulnerabilityRow } from '../../../store/store.js';
import type { Action } from '../../action.js';
import { badFilter, codeFilter, pagedList, textFilter } from '../common/params.js';

const request = z.strictObject({
  Limit: pagedList.Limit,
  Offset: pagedList.Offset,
  Filters: pagedList.Filters,
  ImageInfo: imageInfo.optional(),
  Id: registryImageId.optional(),
});

const FILTERS = ['Name', 'Level', 'CVEID'];

/** The SDK's ImageVul of one (advisory, component) row; Level is 1–4 as text (DESIGN §3). */
export function imageVul(v: VulnerabilityRow) {
  return {
    CVEID: v.cveId,
    POCID: '',
    Name: v.name,
    Components: [
      {
        Component: v.component,
        Version: v.version,
        FixedVersion: v.fixedVersions.join(','),
        Path: '',
        Type: v.componentType,
        Name: v.component,
      },
    ],
    Category: v.category,
    CategoryType: v.componentType,
    Level: String(v.level),
    Des: v.description,
    OfficialSolution: v.officialSolution,
    Reference: v.references.join('\n'),
    DefenseSolution: '',
    SubmitTime: v.submitTime,
    CvssScore: String(v.cvss3Score),
    CvssVector: v.cvss3Vector,
    IsSuggest: String(v.level >= 3 && v.fixedVersions.length > 0),
    FixedVersions: v.fixedVersions.join(','),
    Tag: v.tags,
    Component: v.component,
    Version: v.version,
    AttackLevel: 0,
    LayerInfos: [],
  };
}

/**
 * DescribeAssetImageRegistryVulList: the vulnerabilities of one registry image (Id or ImageInfo),
 * from the stored result of its ImageID; empty before a scan. TotalCount unfiltered is its VulCnt.
 */
export const describeAssetImageRegistryVulList: Action<
  z.infer<typeof request>,
  { List: ReturnType<typeof imageVul>[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageRegistryVulList',
  request,
  async handle(req, ctx) {
    const filter: VulnerabilityFilter = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'Name') filter.name = textFilter(f);
      else if (f.Name === 'CVEID') filter.cveId = textFilter(f);
      else if (f.Name === 'Level') filter.level = codeFilter(f, [1, 2, 3, 4]);
      else throw badFilter(f.Name, FILTERS);
    }
    const image = await oneImage(ctx, req);
    if (!image.detail) return { List: [], TotalCount: 0 };
    const res = await ctx.store.listVulnerabilities(ctx.account, image.imageId, filter, registryPage(req));
    return { List: (res?.rows ?? []).map(imageVul), TotalCount: res?.total ?? 0 };
  },
};
