import { z } from 'zod';
import { notFoundRegistry, registryImageId } from '../../../registries/views.js';
import type { Action } from '../../action.js';

const request = z.strictObject({ RegistryId: registryImageId });

/** RemoveAssetImageRegistryRegistryDetail: removes a registry and its image list (scan results stay). */
export const removeAssetImageRegistryRegistryDetail: Action<
  z.infer<typeof request>,
  Record<string, never>
> = {
  name: 'RemoveAssetImageRegistryRegistryDetail',
  request,
  async handle(req, ctx) {
    if (!(await ctx.store.registries.removeRegistry(ctx.account, req.RegistryId)))
      throw notFoundRegistry(req.RegistryId);
    return {};
  },
};
