import type { z } from 'zod';
import type { RegistryService } from '../registries/service.js';
import type { Account, Store } from '../store/store.js';
import type { TaskService } from '../tasks/service.js';

/** What a handler knows about the request it serves; built by the gateway after authentication. */
export interface RequestContext {
  account: Account;
  requestId: string;
  language: 'zh-CN' | 'en-US';
  region?: string;
  store: Store;
  /** the job system (tasks, stop, settings, AddAssetImage); undefined where none runs */
  tasks?: TaskService;
  /** registries: address policy, sealed passwords, sync (the registry actions) */
  registries?: RegistryService;
  /** a host whose agent has not reported for this long is offline (serve's `hostOfflineSeconds`) */
  hostOfflineSeconds?: number;
  /** IANA zone for `YYYY-MM-DD HH:MM:SS` times (DESIGN §3) */
  timeZone: string;
}

/**
 * One API action. `request` validates the parameters (the gateway maps its issues to
 * MissingParameter / InvalidParameter / InvalidParameterValue / UnknownParameter); `handle` returns the
 * response fields without RequestId, or throws ApiError.
 */
export interface Action<Req = unknown, Res = unknown> {
  name: string;
  request: z.ZodType<Req>;
  handle(req: Req, ctx: RequestContext): Promise<Res>;
}
