import { z } from 'zod';
import { parseRegistryUrl, RegistryInputError } from '../../../registries/service.js';
import type { Action } from '../../action.js';

const request = z.strictObject({ Name: z.string().min(1).max(128), Url: z.string().max(300).optional() });

/**
 * CheckRepeatAssetImageRegistry: whether the account has a registry of that Name, or (hullscan's
 * optional Url) one at the same address.
 */
export const checkRepeatAssetImageRegistry: Action<z.infer<typeof request>, { IsRepeat: boolean }> = {
  name: 'CheckRepeatAssetImageRegistry',
  request,
  async handle(req, ctx) {
    if (await ctx.store.registries.registryByName(ctx.account, req.Name)) return { IsRepeat: true };
    if (!req.Url) return { IsRepeat: false };
    let url: string;
    try {
      url = parseRegistryUrl(req.Url).url;
    } catch (e) {
      if (e instanceof RegistryInputError) return { IsRepeat: false };
      throw e;
    }
    const all = await ctx.store.registries.listRegistries(ctx.account, { limit: 10_000, offset: 0 });
    return { IsRepeat: all.rows.some((r) => r.url === url) };
  },
};
