import { z } from 'zod';
import {
  imageRepoInfo,
  latestOf,
  registryImageFilter,
  registryPage,
  sortChecked,
} from '../../../registries/views.js';
import type { Action } from '../../action.js';
import { pagedList } from '../common/params.js';

const request = z.strictObject({
  ...pagedList,
  OnlyShowLatest: z.boolean().optional(),
  IsRunning: z.boolean().optional(),
});

export const REGISTRY_IMAGE_SORT = [
  'Id',
  'ImageName',
  'ImageTag',
  'ImageDigest',
  'ImageId',
  'Namespace',
  'ImageSize',
  'ImageCreateTime',
  'ScanTime',
  'VulCnt',
  'RiskCnt',
  'VirusCnt',
];

/**
 * DescribeAssetImageRegistryList: the images (repository:tag) synced from the account's registries,
 * each with its stored scan result (zero and NOT_SCAN before one). Filters: ImageName (repository),
 * ImageTag, ImageDigest, ImageId, Namespace, ImageRepoAddress (text), RegistryType, RegistryId,
 * ScanStatus, IsAuthorized.
 */
export const describeAssetImageRegistryList: Action<
  z.infer<typeof request>,
  { List: ReturnType<typeof imageRepoInfo>[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageRegistryList',
  request,
  async handle(req, ctx) {
    const filter = {
      ...registryImageFilter(req.Filters ?? []),
      ...(req.OnlyShowLatest ? { onlyLatest: true } : {}),
      ...(req.IsRunning ? { running: true } : {}),
    };
    const res = await sortChecked(req.By, REGISTRY_IMAGE_SORT, () =>
      ctx.store.registries.listImages(ctx.account, filter, registryPage(req)),
    );
    const latest = await latestOf(ctx, res.rows);
    return { List: res.rows.map((r) => imageRepoInfo(r, latest.has(r.id))), TotalCount: res.total };
  },
};
