import { z } from 'zod';
import type { ImageDetail } from '../../../scan/detail.js';
import type { Action } from '../../action.js';
import { imageId, notFound } from '../common/params.js';

const request = z.strictObject({ ImageID: imageId });

/**
 * One layer of the image (a hullscan extra): its diffID, uncompressed size, and the index (0-based,
 * oldest first) of the BuildHistory entry that created it, null when the history does not say.
 */
export interface ImageLayer {
  LayerID: string;
  Size: number;
  HistoryIndex: number | null;
}

/** The detail of DESIGN §3 plus hullscan's Layers, bottom layer first ([] when none are stored). */
export type ImageDetailWithLayers = ImageDetail & { Layers: ImageLayer[] };

/** DescribeAssetImageDetail: every field of one image of the caller's account (DESIGN §3), and its layers. */
export const describeAssetImageDetail: Action<z.infer<typeof request>, ImageDetailWithLayers> = {
  name: 'DescribeAssetImageDetail',
  request,
  async handle(req, ctx) {
    const detail = await ctx.store.getImage(ctx.account, req.ImageID);
    if (!detail) throw notFound('image', req.ImageID);
    // the image may go between the two reads: then it has no layers left to show
    const layers = (await ctx.store.listLayers(ctx.account, req.ImageID)) ?? [];
    return {
      ...detail,
      Layers: layers.map((l) => ({ LayerID: l.diffID, Size: l.size, HistoryIndex: l.historyIndex })),
    };
  },
};
