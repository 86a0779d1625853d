import { z } from 'zod';
import { connDetect, notFoundRegistry, registryImageId } from '../../../registries/views.js';
import type { Action } from '../../action.js';

const request = z.strictObject({ RegistryId: registryImageId });

/** DescribeAssetImageRegistryRegistryDetail: one registry's settings; Password is always empty. */
export const describeAssetImageRegistryRegistryDetail: Action<
  z.infer<typeof request>,
  Record<string, unknown>
> = {
  name: 'DescribeAssetImageRegistryRegistryDetail',
  request,
  async handle(req, ctx) {
    const r = await ctx.store.registries.getRegistry(ctx.account, req.RegistryId);
    if (!r) throw notFoundRegistry(req.RegistryId);
    return {
      Name: r.name,
      Username: r.username,
      Password: '',
      Url: r.url,
      RegistryType: r.type,
      RegistryVersion: r.version,
      NetType: r.netType,
      RegistryRegion: r.region,
      SpeedLimit: r.speedLimit,
      Insecure: r.insecure ? 1 : 0,
      ConnDetectDetail: connDetect(r),
      InstanceID: r.instanceId,
      SyncMode: r.syncMode,
      NeedScan: r.needScan,
      WebhookUrl: '',
      WebhookToken: '',
    };
  },
};
