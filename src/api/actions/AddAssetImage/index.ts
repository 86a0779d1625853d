import { z } from 'zod';
import { BadInputError } from '../../../core/errors.js';
import type { Action } from '../../action.js';
import { invalidValue, requireTasks } from '../CreateAssetImageScanTask/selection.js';

const reference = z
  .string()
  .min(1)
  .max(4096)
  .refine((v) => [...v].every((c) => c >= ' ' && c !== '\x7f'), 'no control characters');

const request = z.strictObject({ Images: z.array(reference).min(1).max(100) });

/** One registered image: the reference as sent, the image's ID and the name it is listed under. */
export interface AddedImage {
  Reference: string;
  ImageID: string;
  ImageName: string;
}

/**
 * AddAssetImage (a hullscan extension, not a TCSS action): registers images by reference
 * (`oci:DIR[:TAG]`, `docker-archive:FILE`, …) so scan tasks can scan them; each is opened to learn its
 * ID and name and listed NOT_SCAN until a task scans it (an image already known keeps its results).
 * A reference the server cannot or may not open (outside its image roots) is InvalidParameterValue.
 */
export const addAssetImage: Action<z.infer<typeof request>, { Images: AddedImage[] }> = {
  name: 'AddAssetImage',
  request,
  async handle(req, ctx) {
    const tasks = requireTasks(ctx);
    try {
      const added = await tasks.addImages(ctx.account, req.Images);
      return {
        Images: added.map((a) => ({ Reference: a.reference, ImageID: a.imageId, ImageName: a.imageName })),
      };
    } catch (e) {
      if (e instanceof BadInputError) throw invalidValue('Images', { en: e.message, zh: e.message });
      throw e;
    }
  },
};
