import { z } from 'zod';
import type { RegistryServiceSource } from '../../../registries/api-context.js';
import { notFoundRegistry, registryImageId } from '../../../registries/views.js';
import type { Action } from '../../action.js';
import {
  checkedSettings,
  type RegistryDetailResult,
  registryFields,
} from '../AddAssetImageRegistryRegistryDetail/index.js';

const request = z.strictObject({ ...registryFields, RegistryId: registryImageId });
type Request = z.infer<typeof request>;

/**
 * UpdateAssetImageRegistryRegistryDetail: replaces a registry's settings under the same checks as
 * Add (address policy, connection, unique name). An empty Password keeps the stored one (answers
 * show it empty, so a read-modify-write does not erase it).
 */
export function updateAssetImageRegistryRegistryDetail(
  registries: RegistryServiceSource,
): Action<Request, RegistryDetailResult> {
  return {
    name: 'UpdateAssetImageRegistryRegistryDetail',
    request,
    async handle(req, ctx) {
      const regs = ctx.store.registries;
      const stored = await regs.getRegistry(ctx.account, req.RegistryId);
      if (!stored) throw notFoundRegistry(req.RegistryId);
      const other = await regs.registryByName(ctx.account, req.Name);
      const repeat = {
        HealthCheckErr: '',
        NameRepeatErr: `the name ${req.Name} is already used`,
        RegistryId: req.RegistryId,
      };
      if (other && other.id !== req.RegistryId) return repeat;
      const service = await registries(ctx);
      const storedPassword = stored.sealedPassword
        ? service.secrets.open(ctx.account.uin, stored.sealedPassword)
        : '';
      const { settings, healthError } = await checkedSettings(registries, ctx, req, storedPassword);
      if (healthError) return { HealthCheckErr: healthError, NameRepeatErr: '', RegistryId: req.RegistryId };
      const res = await regs.updateRegistry(ctx.account, req.RegistryId, {
        ...settings,
        ...(req.Password !== ''
          ? { sealedPassword: service.secrets.seal(ctx.account.uin, req.Password) }
          : {}),
      });
      if (res === 'not-found') throw notFoundRegistry(req.RegistryId);
      if (res === 'name-taken') return repeat;
      await regs.setConnection(ctx.account, req.RegistryId, true, '');
      return { HealthCheckErr: '', NameRepeatErr: '', RegistryId: req.RegistryId };
    },
  };
}
