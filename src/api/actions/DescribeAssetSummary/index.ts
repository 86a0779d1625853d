import { z } from 'zod';
import type { Action } from '../../action.js';
import { sweepHosts } from '../ReportAssetHostState/index.js';

const request = z.strictObject({});

/** DescribeAssetSummaryResponse; process/app/port fields have no source here and stay 0. */
export interface AssetSummary {
  AppCnt: number;
  ContainerCnt: number;
  ContainerPause: number;
  ContainerRunning: number;
  ContainerStop: number;
  CreateTime: string;
  DbCnt: number;
  ImageCnt: number;
  HostOnline: number;
  HostCnt: number;
  ImageHasRiskInfoCnt: number;
  ImageHasVirusCnt: number;
  ImageHasVulsCnt: number;
  ImageUntrustCnt: number;
  ListenPortCnt: number;
  ProcessCnt: number;
  WebServiceCnt: number;
  LatestImageScanTime: string;
  ImageUnsafeCnt: number;
  HostUnInstallCnt: number;
  SuperNodeCnt: number;
  SuperNodeRunningCnt: number;
  TodayNewImageCnt: number;
  TodayUnsafeImageCnt: number;
  RecommendedFixImageCnt: number;
  ScannedImageCnt: number;
  UnScannedImageCnt: number;
}

/** DescribeAssetSummary: counts over the account's images, and its hosts and containers from agent reports. */
export const describeAssetSummary: Action<z.infer<typeof request>, AssetSummary> = {
  name: 'DescribeAssetSummary',
  request,
  async handle(_req, ctx) {
    await sweepHosts(ctx.store);
    const s = await ctx.store.summary(ctx.account, ctx.timeZone);
    const h = await ctx.store.hosts.counts(ctx.account);
    return {
      AppCnt: 0,
      ContainerCnt: h.containers,
      ContainerPause: h.paused,
      ContainerRunning: h.running,
      ContainerStop: h.stopped,
      CreateTime: '',
      DbCnt: 0,
      ImageCnt: s.imageCount,
      HostOnline: h.online,
      HostCnt: h.hosts,
      ImageHasRiskInfoCnt: s.withRisks,
      ImageHasVirusCnt: s.withVirus,
      ImageHasVulsCnt: s.withVuls,
      ImageUntrustCnt: s.untrusted,
      ListenPortCnt: 0,
      ProcessCnt: 0,
      WebServiceCnt: 0,
      LatestImageScanTime: s.latestScanTime,
      ImageUnsafeCnt: s.unsafe,
      HostUnInstallCnt: 0,
      SuperNodeCnt: h.superNodes,
      SuperNodeRunningCnt: h.superNodesOnline,
      TodayNewImageCnt: s.todayNew,
      TodayUnsafeImageCnt: s.todayUnsafe,
      RecommendedFixImageCnt: s.withVuls,
      ScannedImageCnt: s.scannedCount,
      UnScannedImageCnt: s.unscannedCount,
    };
  },
};
