import { z } from 'zod';
import { registryImageFilter } from '../../../registries/views.js';
import type { Action } from '../../action.js';
import { pagedList } from '../common/params.js';

const request = z.strictObject({ Filters: pagedList.Filters });

/**
 * DescribeAssetImageRegistrySummary: how many registry images (matching Filters, as
 * DescribeAssetImageRegistryList's) have no scan result yet (ScanStatus NOT_SCAN).
 */
export const describeAssetImageRegistrySummary: Action<
  z.infer<typeof request>,
  { UnScannedImageCnt: number }
> = {
  name: 'DescribeAssetImageRegistrySummary',
  request,
  async handle(req, ctx) {
    const filter = registryImageFilter(req.Filters ?? []);
    if (filter.scanStatus && !filter.scanStatus.includes('NOT_SCAN')) return { UnScannedImageCnt: 0 };
    const res = await ctx.store.registries.listImages(
      ctx.account,
      { ...filter, scanStatus: ['NOT_SCAN'] },
      { limit: 0, offset: 0 },
    );
    return { UnScannedImageCnt: res.total };
  },
};
