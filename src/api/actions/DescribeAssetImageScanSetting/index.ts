import { z } from 'zod';
import { formatTime } from '../../../core/time.js';
import type { Action } from '../../action.js';
import { requireTasks } from '../CreateAssetImageScanTask/selection.js';

const request = z.strictObject({});

/** The SDK's DescribeAssetImageScanSettingResponse. */
export interface ScanSettingInfo {
  Enable: boolean;
  /** `HH:MM`, UTC */
  ScanTime: string;
  ScanPeriod: number;
  ScanVirus: boolean;
  ScanRisk: boolean;
  ScanVul: boolean;
  /** ScanScope 0 (deprecated spelling) */
  All: boolean;
  Images: string[];
  ContainerRunning: boolean;
  ScanScope: number;
  /** `HH:MM`, UTC; '' without an end */
  ScanEndTime: string;
  ExcludeImages: string[];
  /** the last firing, `YYYY-MM-DD HH:MM:SS` in the server's zone; '' before the first */
  LastScanTime: string;
  /** the last firing's outcome: Success | ImageNeedIsEmpty | InternalError; '' before the first */
  ScanResult: string;
  ClusterIDs: string[];
}

/**
 * DescribeAssetImageScanSetting: the account's periodic scan setting, or the defaults (disabled, daily
 * at 00:00 UTC, no category, every image) when none was saved.
 */
export const describeAssetImageScanSetting: Action<z.infer<typeof request>, ScanSettingInfo> = {
  name: 'DescribeAssetImageScanSetting',
  request,
  async handle(_req, ctx) {
    const s = await requireTasks(ctx).getSetting(ctx.account);
    if (!s)
      return {
        Enable: false,
        ScanTime: '00:00',
        ScanPeriod: 1,
        ScanVirus: false,
        ScanRisk: false,
        ScanVul: false,
        All: true,
        Images: [],
        ContainerRunning: false,
        ScanScope: 0,
        ScanEndTime: '',
        ExcludeImages: [],
        LastScanTime: '',
        ScanResult: '',
        ClusterIDs: [],
      };
    return {
      Enable: s.enable,
      ScanTime: s.scanTime,
      ScanPeriod: s.periodDays,
      ScanVirus: s.categories.virus,
      ScanRisk: s.categories.risk,
      ScanVul: s.categories.vul,
      All: s.scope === 0,
      Images: s.images,
      ContainerRunning: s.containerRunning,
      ScanScope: s.scope,
      ScanEndTime: s.scanEndTime,
      ExcludeImages: s.excludeImages,
      LastScanTime: s.lastRunMs === undefined ? '' : formatTime(new Date(s.lastRunMs), ctx.timeZone),
      ScanResult: s.lastResult ?? '',
      ClusterIDs: [],
    };
  },
};
