import { z } from 'zod';
import type { Action } from '../../action.js';
import { checkSort, page, pagedList } from '../common/params.js';
import { imageFilter } from '../DescribeAssetImageList/index.js';

const request = z.strictObject(pagedList);

/** The SDK's `AssetSimpleImageInfo`. */
export interface AssetSimpleImageInfo {
  ImageID: string;
  ImageName: string;
  ContainerCnt: number;
  ScanTime: string;
  Size: number;
}

const SORT_FIELDS = ['ImageID', 'ImageName', 'ContainerCnt', 'ScanTime', 'Size'] as const;

/** DescribeAssetImageSimpleList: id, name, containers, scan time and size; `Keywords` matches name or id. */
export const describeAssetImageSimpleList: Action<
  z.infer<typeof request>,
  { List: AssetSimpleImageInfo[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageSimpleList',
  request,
  async handle(req, ctx) {
    checkSort(req.By, SORT_FIELDS);
    const filter = imageFilter(req.Filters, ['Keywords', 'ImageName', 'ImageID']);
    const { total, rows } = await ctx.store.listImages(ctx.account, filter, page(req));
    return {
      List: rows.map((r) => ({
        ImageID: r.ImageID,
        ImageName: r.ImageName,
        ContainerCnt: r.ContainerCnt,
        ScanTime: r.ScanTime,
        Size: r.Size,
      })),
      TotalCount: total,
    };
  },
};
