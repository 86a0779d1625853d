import { z } from 'zod';
import type { Action } from '../../action.js';
import { requireTasks } from '../CreateAssetImageScanTask/selection.js';
import { notFound } from '../common/params.js';

const request = z.strictObject({ TaskID: z.string().min(1).max(128).optional() });

/** The SDK's DescribeAssetImageScanStatusResponse. */
export interface ScanStatusInfo {
  ImageTotal: number;
  /** images whose scan ended (scanned, failed or stopped) */
  ImageScanCnt: number;
  /** READY | SCANNING | END; '' when the account has no task */
  Status: string;
  /** ImageScanCnt / ImageTotal × 100, rounded down (100 for a finished task without images) */
  Schedule: number;
  /** scanned without any vulnerability, risk or virus */
  SuccessCount: number;
  /** scanned with at least one vulnerability, risk or virus */
  RiskCount: number;
  LeftSeconds: number;
}

/**
 * DescribeAssetImageScanStatus: the progress of one task (TaskID) or of the account's latest. An
 * unknown TaskID is ResourceNotFound; an account without any task gets zeros and an empty Status.
 */
export const describeAssetImageScanStatus: Action<z.infer<typeof request>, ScanStatusInfo> = {
  name: 'DescribeAssetImageScanStatus',
  request,
  async handle(req, ctx) {
    const status = await requireTasks(ctx).status(ctx.account, req.TaskID);
    if (!status) {
      if (req.TaskID !== undefined) throw notFound('scan task', req.TaskID);
      return {
        ImageTotal: 0,
        ImageScanCnt: 0,
        Status: '',
        Schedule: 0,
        SuccessCount: 0,
        RiskCount: 0,
        LeftSeconds: 0,
      };
    }
    const { task, counts } = status;
    const schedule =
      counts.total > 0 ? Math.floor((counts.finished * 100) / counts.total) : task.status === 'END' ? 100 : 0;
    return {
      ImageTotal: counts.total,
      ImageScanCnt: counts.finished,
      Status: task.status,
      Schedule: schedule,
      SuccessCount: counts.scanned - counts.risky,
      RiskCount: counts.risky,
      LeftSeconds: task.status === 'END' ? 0 : Math.max(0, Math.ceil(status.leftSeconds)),
    };
  },
};
