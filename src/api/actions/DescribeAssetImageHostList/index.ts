import { z } from 'zod';
import type { Action } from '../../action.js';
import { assetFilter, badFilter } from '../common/params.js';
import { sweepHosts } from '../ReportAssetHostState/index.js';

const request = z.strictObject({ Filters: z.array(assetFilter).max(20).optional() });

/** At most this many pairs in one answer (the request has no paging); TotalCount counts all. */
export const IMAGE_HOST_LIMIT = 10_000;

/** DescribeAssetImageHostList: (image, host) pairs of the account's online hosts; filters ImageID, HostID (exact). */
export const describeAssetImageHostList: Action<
  z.infer<typeof request>,
  { List: { ImageID: string; HostID: string }[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageHostList',
  request,
  async handle(req, ctx) {
    const filter: { imageId?: string[]; hostId?: string[] } = {};
    for (const f of req.Filters ?? []) {
      if (f.Name === 'ImageID') filter.imageId = [...(filter.imageId ?? []), ...f.Values];
      else if (f.Name === 'HostID') filter.hostId = [...(filter.hostId ?? []), ...f.Values];
      else throw badFilter(f.Name, ['ImageID', 'HostID']);
    }
    await sweepHosts(ctx.store);
    const r = await ctx.store.hosts.imageHosts(ctx.account, filter, IMAGE_HOST_LIMIT);
    return { List: r.rows.map((x) => ({ ImageID: x.imageId, HostID: x.hostId })), TotalCount: r.total };
  },
};
