import { z } from 'zod';
import type { ImageRecord } from '../../../store/store.js';
import type { Action } from '../../action.js';

const str = z.string().max(64 * 1024);
const count = z.number().int().min(0);

const detail = z.strictObject({
  ImageID: z.string().regex(/^sha256:[a-f0-9]{64}$/),
  ImageName: str,
  ImageDigest: str,
  CreateTime: str,
  Size: count,
  HostCnt: count,
  ContainerCnt: count,
  SuperNodeCnt: count,
  ScanTime: str,
  VulCnt: count,
  RiskCnt: count,
  SensitiveInfoCnt: count,
  IsTrustImage: z.boolean(),
  OsName: str,
  AgentError: str,
  ScanError: str,
  Architecture: str,
  Author: str,
  BuildHistory: z.string().max(4 * 1024 * 1024),
  ScanVirusProgress: count.max(100),
  ScanVulProgress: count.max(100),
  ScanRiskProgress: count.max(100),
  ScanVirusError: str,
  ScanVulError: str,
  ScanRiskError: str,
  ScanStatus: z.enum(['NOT_SCAN', 'WAIT_SCAN', 'SCANNING', 'SCAN_ERR', 'CANCELED', 'SCANNED']),
  VirusCnt: count,
  Status: z.number().int().min(0).max(5),
  RemainScanTime: count,
  IsAuthorized: z.number().int().min(0).max(1),
  Solution: str,
  Reason: str,
  RepoDigests: z.array(str).max(1000),
});

const component = z.strictObject({
  name: z.string().min(1).max(1024),
  version: z.string().max(1024),
  type: z.string().min(1).max(32),
  arch: z.string().max(64).optional(),
  sourceName: z.string().max(1024).optional(),
  sourceVersion: z.string().max(1024).optional(),
  epoch: z.number().int().min(0).optional(),
  release: z.string().max(1024).optional(),
  licenses: z.array(z.string().max(1024)).max(1000).optional(),
  maintainer: z.string().max(4096).optional(),
  vendor: z.string().max(4096).optional(),
  modularityLabel: z.string().max(4096).optional(),
  purl: z.string().max(4096).optional(),
  layer: z.string().max(128).optional(),
  path: z.string().max(4096).optional(),
  lockfile: z.literal(true).optional(),
  dev: z.literal(true).optional(),
});

const level = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
const diffId = z.string().regex(/^sha256:[a-f0-9]{64}$/);

/** A risk row as the scan made it; secrets arrive masked (a clear secret has no field to travel in). */
const risk = z.strictObject({
  type: z.union([z.literal(1), z.literal(2)]),
  behavior: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  level,
  rule: z.string().min(1).max(256),
  desc: str,
  instruction: str,
  solution: str,
  path: z.string().max(4096).optional(),
  historyIndex: z.number().int().min(0).optional(),
  layer: diffId.optional(),
  masked: z.string().max(256).optional(),
  secretHash: z.string().max(128).optional(),
});

const virus = z.strictObject({
  path: z.string().min(1).max(4096),
  fileName: z.string().max(4096),
  md5: z.string().regex(/^[a-f0-9]{32}$/),
  size: count,
  virusName: z.string().min(1).max(1024),
  level,
  category: z.string().max(256),
  tags: z.array(z.string().max(256)).max(100),
  desc: str,
  solution: str,
  engine: z.enum(['builtin', 'clamd']),
  layer: diffId.optional(),
});

const request = z.strictObject({
  Detail: detail,
  Components: z.array(component).max(200_000),
  Names: z.array(z.string().max(1024)).max(1000),
  Layers: z
    .array(
      z.strictObject({
        DiffID: z.string().regex(/^sha256:[a-f0-9]{64}$/),
        Size: count,
        /** index of the config history entry that created the layer, when known */
        HistoryIndex: z.number().int().min(0).max(100_000).optional(),
      }),
    )
    .max(10_000),
  /** present when the secret/risk scanners ran (an empty list: they found nothing) */
  Risks: z.array(risk).max(100_000).optional(),
  /** present when the virus scanner ran */
  Viruses: z.array(virus).max(100_000).optional(),
});
export type SubmitAssetImageIndexRequest = z.infer<typeof request>;

/** The request that carries a scan result made elsewhere (the CLI, later the host agent). */
export function submitRequest(r: ImageRecord): SubmitAssetImageIndexRequest {
  return {
    Detail: r.detail as SubmitAssetImageIndexRequest['Detail'],
    Components: r.components,
    Names: r.names,
    Layers: r.layers.map((l) => ({
      DiffID: l.diffID,
      Size: l.size,
      ...(l.historyIndex === undefined ? {} : { HistoryIndex: l.historyIndex }),
    })),
    ...(r.risks ? { Risks: r.risks } : {}),
    ...(r.viruses ? { Viruses: r.viruses } : {}),
  };
}

/**
 * SubmitAssetImageIndex (a hullscan extension, not a TCSS action): stores an image index scanned
 * elsewhere — `hullscan submit` scans where the image is and sends the result — under the caller's
 * account. The server never reads the submitter's files.
 */
export const submitAssetImageIndex: Action<SubmitAssetImageIndexRequest, { ImageID: string }> = {
  name: 'SubmitAssetImageIndex',
  request,
  async handle(req, ctx) {
    await ctx.store.saveImage(ctx.account, {
      detail: req.Detail,
      components: req.Components,
      names: req.Names,
      layers: req.Layers.map((l) => ({
        diffID: l.DiffID,
        size: l.Size,
        ...(l.HistoryIndex === undefined ? {} : { historyIndex: l.HistoryIndex }),
      })),
      ...(req.Risks ? { risks: req.Risks } : {}),
      ...(req.Viruses ? { viruses: req.Viruses } : {}),
    });
    return { ImageID: req.Detail.ImageID };
  },
};
