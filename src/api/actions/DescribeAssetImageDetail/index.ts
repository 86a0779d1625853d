import { z } from 'zod';
import type { ImageDetail } from '../../../scan/detail.js';
import type { Action } from '../../action.js';
import { imageId, notFound } from '../common/params.js';

const request = z.strictObject({ ImageID: imageId });

/** DescribeAssetImageDetail: every field of one image of the caller's account (DESIGN §3). */
export const describeAssetImageDetail: Action<z.infer<typeof request>, ImageDetail> = {
  name: 'DescribeAssetImageDetail',
  request,
  async handle(req, ctx) {
    const detail = await ctx.store.getImage(ctx.account, req.ImageID);
    if (!detail) throw notFound('image', req.ImageID);
    return detail;
  },
};
