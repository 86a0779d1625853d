import { z } from 'zod';
import { asApiError, type RegistryServiceSource } from '../../../registries/api-context.js';
import { redact } from '../../../registries/service.js';
import type { RegistrySettings } from '../../../store/registries.js';
import type { Action, RequestContext } from '../../action.js';

/** RegistryType values the SDK documents (and `tcr`, which its answers use). */
export const REGISTRY_TYPES = ['harbor', 'quay', 'jfrog', 'aws', 'azure', 'other-tcr', 'tcr'];

const connDetectConfig = z
  .array(z.strictObject({ Quuid: z.string().max(128).optional(), Uuid: z.string().max(128).optional() }))
  .max(100);

/** The settings Add and Update share. */
export const registryFields = {
  Name: z.string().min(1).max(128),
  Username: z.string().max(256),
  Password: z.string().max(1024),
  Url: z.string().min(1).max(300),
  RegistryType: z
    .string()
    .refine((t) => REGISTRY_TYPES.includes(t), `must be one of ${REGISTRY_TYPES.join(', ')}`),
  NetType: z.string().max(32),
  RegistryVersion: z.string().max(64).optional(),
  RegistryRegion: z.string().max(64).optional(),
  SpeedLimit: z.number().int().min(0).max(1_000_000_000).optional(),
  Insecure: z.number().int().min(0).max(1).optional(),
  ConnDetectConfig: connDetectConfig.optional(),
  NeedScan: z.boolean().optional(),
  SyncMode: z.number().int().min(0).max(1).optional(),
  InstanceId: z.string().max(128).optional(),
};

const request = z.strictObject({
  ...registryFields,
  WebhookUrl: z.string().max(1024).optional(),
  WebhookToken: z.string().max(1024).optional(),
});
type Request = z.infer<typeof request>;

export interface RegistryDetailResult {
  HealthCheckErr: string;
  NameRepeatErr: string;
  RegistryId: number;
}

/** The checked settings of a request (URL through the address policy) and a connection check. */
export async function checkedSettings(
  registries: RegistryServiceSource,
  ctx: RequestContext,
  req: z.infer<z.ZodObject<typeof registryFields>>,
  storedPassword?: string,
): Promise<{ settings: Omit<RegistrySettings, 'sealedPassword'>; healthError: string }> {
  const service = await registries(ctx);
  let checked: Awaited<ReturnType<typeof service.checkUrl>>;
  try {
    checked = await service.checkUrl(req.Url);
  } catch (e) {
    throw asApiError('Url', e);
  }
  const settings = {
    name: req.Name,
    type: req.RegistryType,
    url: checked.url,
    host: checked.host,
    username: req.Username,
    netType: req.NetType,
    region: req.RegistryRegion ?? 'default',
    version: req.RegistryVersion ?? '',
    speedLimit: req.SpeedLimit ?? 0,
    insecure: req.Insecure === 1,
    syncMode: req.SyncMode ?? 0,
    needScan: req.NeedScan === true,
    instanceId: req.InstanceId ?? '',
  };
  const password = req.Password !== '' ? req.Password : (storedPassword ?? '');
  const error = await service.ping(service.connectionTo(settings, password));
  if (error && 'code' in error && error.code === 'forbidden-address') throw asApiError('Url', error);
  return { settings, healthError: error ? redact(error.message, password) : '' };
}

/**
 * AddAssetImageRegistryRegistryDetail: stores a registry once its URL passes the address policy
 * (else InvalidParameterValue naming why) and it answers with the credentials. A repeated name
 * answers NameRepeatErr, a failed connection HealthCheckErr, and nothing is stored then (RegistryId 0).
 * The password is stored sealed (AES-256-GCM) and never answered. NeedScan and the webhook fields are
 * kept as given / accepted without effect: scans start with CreateAssetImageRegistryScanTask.
 */
export function addAssetImageRegistryRegistryDetail(
  registries: RegistryServiceSource,
): Action<Request, RegistryDetailResult> {
  return {
    name: 'AddAssetImageRegistryRegistryDetail',
    request,
    async handle(req, ctx) {
      const regs = ctx.store.registries;
      const repeat = {
        HealthCheckErr: '',
        NameRepeatErr: `the name ${req.Name} is already used`,
        RegistryId: 0,
      };
      if (await regs.registryByName(ctx.account, req.Name)) return repeat;
      const { settings, healthError } = await checkedSettings(registries, ctx, req);
      if (healthError) return { HealthCheckErr: healthError, NameRepeatErr: '', RegistryId: 0 };
      const service = await registries(ctx);
      const id = await regs.addRegistry(ctx.account, {
        ...settings,
        sealedPassword: service.secrets.seal(ctx.account.uin, req.Password),
      });
      if (id === undefined) return repeat;
      await regs.setConnection(ctx.account, id, true, '');
      return { HealthCheckErr: '', NameRepeatErr: '', RegistryId: id };
    },
  };
}
