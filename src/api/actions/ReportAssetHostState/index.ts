import { z } from 'zod';
import type { HostReport } from '../../../store/hosts.js';
import type { Store } from '../../../store/store.js';
import type { Action, RequestContext } from '../../action.js';
import { ApiError } from '../../api-error.js';

/** Bounds of one report: anything beyond them is refused, never truncated. */
export const REPORT_LIMITS = { images: 5_000, containers: 10_000, ips: 64, tags: 256 } as const;

function hasControlCharacter(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 0x20) return true;
  return false;
}

const imageId = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be sha256:<64 hex>');
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasControlCharacter(v), 'no control characters');
const hostId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 of A-Z a-z 0-9 . _ : -');
const epochSeconds = z.number().int().min(0).max(253_402_300_799);

const image = z.strictObject({
  ImageID: imageId,
  RepoTags: z.array(text(1024)).max(REPORT_LIMITS.tags),
  RepoDigests: z.array(text(1024)).max(REPORT_LIMITS.tags),
  Size: z
    .number()
    .int()
    .min(0)
    .max(2 ** 50),
  Created: epochSeconds,
  AgentError: text(1024).optional(),
});

const container = z.strictObject({
  ContainerID: z.string().regex(/^[a-f0-9]{12,64}$/, 'must be 12–64 hex'),
  Name: text(256),
  ImageID: imageId,
  ImageName: text(1024),
  State: z.enum(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']),
  Status: text(256),
  Created: epochSeconds,
});

const request = z.strictObject({
  HostID: hostId,
  HostName: text(256).min(1),
  HostIPs: z.array(z.union([z.ipv4(), z.ipv6()])).max(REPORT_LIMITS.ips),
  NodeType: z.enum(['NORMAL', 'SUPER']),
  AgentVersion: text(64),
  DockerVersion: text(64),
  /** grows with every report of this agent (replay protection) */
  Seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** the agent's report interval; the host is offline after 3 of them without a report */
  IntervalSeconds: z.number().int().min(1).max(86_400),
  Images: z.array(image).max(REPORT_LIMITS.images),
  Containers: z.array(container).max(REPORT_LIMITS.containers),
});

export type ReportRequest = z.infer<typeof request>;

export interface ReportResponse {
  /** false: the report was not newer than the last one applied for this host and changed nothing */
  Applied: boolean;
  LastSeq: number;
}

function duplicate(what: string, id: string): ApiError {
  return new ApiError('InvalidParameterValue', {
    en: `${what}: ${id} is listed twice`,
    zh: `${what}: ${id} 重复`,
  });
}

/** The report's store form; a duplicate image or container is InvalidParameterValue. */
export function hostReport(req: ReportRequest): HostReport {
  const seen = new Set<string>();
  for (const i of req.Images) {
    if (seen.has(i.ImageID)) throw duplicate('Images.ImageID', i.ImageID);
    seen.add(i.ImageID);
  }
  const containers = new Set<string>();
  for (const c of req.Containers) {
    if (containers.has(c.ContainerID)) throw duplicate('Containers.ContainerID', c.ContainerID);
    containers.add(c.ContainerID);
  }
  return {
    hostId: req.HostID,
    hostName: req.HostName,
    ips: req.HostIPs,
    nodeType: req.NodeType === 'SUPER' ? 'super' : 'normal',
    agentVersion: req.AgentVersion,
    dockerVersion: req.DockerVersion,
    seq: req.Seq,
    images: req.Images.map((i) => ({
      imageId: i.ImageID,
      repoTags: i.RepoTags,
      repoDigests: i.RepoDigests,
      size: i.Size,
      created: i.Created,
      agentError: i.AgentError ?? '',
    })),
    containers: req.Containers.map((c) => ({
      containerId: c.ContainerID,
      name: c.Name,
      imageId: c.ImageID,
      imageName: c.ImageName,
      state: c.State,
      status: c.Status,
      created: c.Created,
    })),
  };
}

const sweepers = new WeakMap<Store, { timer: NodeJS.Timeout; everyMs: number }>();

/**
 * Marks hosts past their deadline offline now, and keeps doing so every `everyMs` in this process
 * (unref'd; it stops when the store refuses, i.e. once closed), so image counters follow hosts that
 * stopped reporting even when nobody reports or reads.
 */
export async function sweepHosts(store: Store, everyMs?: number): Promise<void> {
  await store.hosts.sweep(Date.now());
  if (everyMs === undefined) return;
  const current = sweepers.get(store);
  if (current && current.everyMs <= everyMs) return;
  if (current) clearInterval(current.timer);
  const timer = setInterval(() => {
    store.hosts.sweep(Date.now()).catch(() => {
      clearInterval(timer);
      sweepers.delete(store);
    });
  }, everyMs);
  timer.unref();
  sweepers.set(store, { timer, everyMs });
}

/** The configured offline delay, when the context carries one (serve's `hostOfflineSeconds`). */
function configuredOfflineSeconds(ctx: RequestContext): number | undefined {
  const v = (ctx as RequestContext & { hostOfflineSeconds?: unknown }).hostOfflineSeconds;
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/**
 * ReportAssetHostState (hullscan's own): a host agent's whole state — host, images, containers.
 * Applied only when its Seq is above the host's last applied one (a replay changes nothing).
 */
export const reportAssetHostState: Action<ReportRequest, ReportResponse> = {
  name: 'ReportAssetHostState',
  request,
  async handle(req, ctx) {
    const report = hostReport(req);
    const offlineAfterMs = (configuredOfflineSeconds(ctx) ?? 3 * req.IntervalSeconds) * 1000;
    const result = await ctx.store.hosts.applyReport(ctx.account, report, {
      nowMs: Date.now(),
      offlineAfterMs,
      timeZone: ctx.timeZone,
    });
    await sweepHosts(ctx.store, Math.min(30_000, Math.max(250, Math.floor(offlineAfterMs / 4))));
    return { Applied: result.applied, LastSeq: result.lastSeq };
  },
};
