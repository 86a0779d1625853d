import { z } from 'zod';
import type { RegistryServiceSource } from '../../../registries/api-context.js';
import { notFoundRegistry, registryImageId } from '../../../registries/views.js';
import type { Registry } from '../../../store/registries.js';
import type { Action } from '../../action.js';

const request = z.strictObject({
  All: z.boolean().optional(),
  RegistryIds: z.array(registryImageId).max(1000).optional(),
});

/** How long the call waits for its syncs; longer ones go on, and the registry list shows how they end. */
export const SYNC_WAIT_MS = 60_000;

/**
 * SyncAssetImageRegistryAsset: lists the repositories and tags of the chosen registries (All, or
 * RegistryIds; neither means all) and stores what each tag points to, per registry SyncMode: full
 * (tags gone are removed) or incremental (new and moved tags only). Answers when the syncs end or
 * after SYNC_WAIT_MS; DescribeAssetImageRegistryRegistryList shows SyncStatus and SyncMessage.
 */
export function syncAssetImageRegistryAsset(
  registries: RegistryServiceSource,
): Action<z.infer<typeof request>, Record<string, never>> {
  return {
    name: 'SyncAssetImageRegistryAsset',
    request,
    async handle(req, ctx) {
      const regs = ctx.store.registries;
      let chosen: Registry[];
      if (req.All === true || !req.RegistryIds || req.RegistryIds.length === 0) {
        chosen = (await regs.listRegistries(ctx.account, { limit: 10_000, offset: 0 })).rows;
      } else {
        chosen = [];
        for (const id of new Set(req.RegistryIds)) {
          const r = await regs.getRegistry(ctx.account, id);
          if (!r) throw notFoundRegistry(id);
          chosen.push(r);
        }
      }
      const service = await registries(ctx);
      const all = Promise.all(chosen.map((r) => service.sync(ctx.store, ctx.account, r, ctx.timeZone)));
      all.catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        all,
        new Promise((resolve) => {
          timer = setTimeout(resolve, SYNC_WAIT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      return {};
    },
  };
}
