import { z } from 'zod';
import type { Action } from '../../action.js';

const request = z.strictObject({});

/** The image-related fields of DescribeAssetSummaryResponse; host/process/app fields come with the agent. */
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

/** DescribeAssetSummary: counts over the account's images (hosts and containers: from agents, later). */
export const describeAssetSummary: Action<z.infer<typeof request>, AssetSummary> = {
  name: 'DescribeAssetSummary',
  request,
  async handle(_req, ctx) {
    const s = await ctx.store.summary(ctx.account, ctx.timeZone);
    return {
      AppCnt: 0,
      ContainerCnt: s.containerCount,
      ContainerPause: 0,
      ContainerRunning: 0,
      ContainerStop: 0,
      CreateTime: '',
      DbCnt: 0,
      ImageCnt: s.imageCount,
      HostOnline: 0,
      HostCnt: s.hostCount,
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
      SuperNodeCnt: s.superNodeCount,
      SuperNodeRunningCnt: 0,
      TodayNewImageCnt: s.todayNew,
      TodayUnsafeImageCnt: s.todayUnsafe,
      RecommendedFixImageCnt: s.withVuls,
      ScannedImageCnt: s.scannedCount,
      UnScannedImageCnt: s.unscannedCount,
    };
  },
};
