import { z } from 'zod';
import { registryInfo, registryPage } from '../../../registries/views.js';
import type { Registry } from '../../../store/registries.js';
import type { Action } from '../../action.js';
import { badFilter, badValue, pagedList } from '../common/params.js';

const request = z.strictObject({ ...pagedList });
type Request = z.infer<typeof request>;

const FILTERS = ['Name', 'RegistryType', 'Url', 'IsAuthorized'];
const SORT_FIELDS = ['RegistryId', 'Name', 'RegistryType', 'Url', 'LatestSyncTime'];
/** Registries one account may list (they are few; the list filters in memory). */
const MAX_REGISTRIES = 10_000;

/**
 * DescribeAssetImageRegistryRegistryList: the account's registries (never their credentials), with
 * connection and sync state. Filters: Name, Url (substring unless ExactMatch), RegistryType,
 * IsAuthorized (every registry is: 0 selects none).
 */
export const describeAssetImageRegistryRegistryList: Action<
  Request,
  { List: ReturnType<typeof registryInfo>[]; TotalCount: number }
> = {
  name: 'DescribeAssetImageRegistryRegistryList',
  request,
  async handle(req, ctx) {
    if (req.By && !SORT_FIELDS.includes(req.By)) throw badValue('By', req.By, SORT_FIELDS);
    const tests: ((r: Registry) => boolean)[] = [];
    for (const f of req.Filters ?? []) {
      const text = (get: (r: Registry) => string) => (r: Registry) =>
        f.Values.some((v) => (f.ExactMatch ? get(r) === v : get(r).toLowerCase().includes(v.toLowerCase())));
      if (f.Name === 'Name') tests.push(text((r) => r.name));
      else if (f.Name === 'Url') tests.push(text((r) => r.url));
      else if (f.Name === 'RegistryType') tests.push((r) => f.Values.includes(r.type));
      else if (f.Name === 'IsAuthorized') {
        if (f.Values.length > 0 && !f.Values.includes('all') && !f.Values.includes('1'))
          tests.push(() => false);
      } else throw badFilter(f.Name, FILTERS);
    }
    const page = registryPage(req);
    const all = await ctx.store.registries.listRegistries(ctx.account, {
      ...page,
      limit: MAX_REGISTRIES,
      offset: 0,
    });
    const matching = all.rows.filter((r) => tests.every((t) => t(r)));
    return {
      List: matching.slice(page.offset, page.offset + page.limit).map((r) => registryInfo(r, ctx.timeZone)),
      TotalCount: matching.length,
    };
  },
};
