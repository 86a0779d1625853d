import { z } from 'zod';
import { formatTime } from '../../../core/time.js';
import type { Action } from '../../action.js';
import { requireTasks } from '../CreateAssetImageScanTask/selection.js';

const request = z.strictObject({});

/** The SDK's DescribeAssetImageScanTaskResponse. */
export interface ScanTaskInfo {
  TaskID: string;
  /** when the task was created, `YYYY-MM-DD HH:MM:SS` in the server's zone */
  LastScanTime: string;
  /** READY | SCANNING | END */
  Status: string;
  /** '' until END; then Success | Timeout | Cancel | Error */
  SubStatus: string;
}

/** DescribeAssetImageScanTask: the account's latest scan task; every field empty when it has none. */
export const describeAssetImageScanTask: Action<z.infer<typeof request>, ScanTaskInfo> = {
  name: 'DescribeAssetImageScanTask',
  request,
  async handle(_req, ctx) {
    const status = await requireTasks(ctx).status(ctx.account);
    if (!status) return { TaskID: '', LastScanTime: '', Status: '', SubStatus: '' };
    const { task } = status;
    return {
      TaskID: task.taskId,
      LastScanTime: formatTime(new Date(task.createdMs), ctx.timeZone),
      Status: task.status,
      SubStatus: task.subStatus,
    };
  },
};
