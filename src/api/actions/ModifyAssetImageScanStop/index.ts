import { z } from 'zod';
import type { StopSelection } from '../../../store/tasks.js';
import type { Action } from '../../action.js';
import { ApiError } from '../../api-error.js';
import {
  imageIdList,
  invalidValue,
  MAX_LISTED_IMAGES,
  requireTasks,
} from '../CreateAssetImageScanTask/selection.js';
import { notFound, pagedList } from '../common/params.js';
import { imageFilter } from '../DescribeAssetImageList/index.js';

const request = z.strictObject({
  TaskID: z.string().min(1).max(128).optional(),
  Images: imageIdList.optional(),
  Filters: pagedList.Filters,
  // a string in the SDK model (comma-separated IDs); a list is accepted as well
  ExcludeImageIds: z.union([z.string().max(MAX_LISTED_IMAGES * 257), imageIdList]).optional(),
});
type Request = z.infer<typeof request>;

/** ExcludeImageIds as a list: the SDK's comma-separated string (blanks ignored) or an array. */
function excludedIds(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length > MAX_LISTED_IMAGES || ids.some((id) => id.length > 256))
    throw invalidValue('ExcludeImageIds', {
      en: `expected at most ${MAX_LISTED_IMAGES} comma-separated image IDs of at most 256 characters`,
      zh: `应为至多 ${MAX_LISTED_IMAGES} 个以逗号分隔、每个不超过 256 字符的镜像 ID`,
    });
  return ids;
}

/** Which scans to stop: exactly one of TaskID, Images and Filters (an empty Filters list: every image). */
function stopSelection(req: Request): StopSelection {
  const given = (['TaskID', 'Images', 'Filters'] as const).filter((k) => req[k] !== undefined);
  if (given.length === 0)
    throw new ApiError('MissingParameter', {
      en: 'The request is missing the required parameter `TaskID`, `Images` or `Filters`: give one to say which scans to stop.',
      zh: '缺少必需参数 `TaskID`、`Images` 或 `Filters`，请指定要停止的扫描。',
    });
  if (given.length > 1)
    throw invalidValue(given[1] as string, {
      en: `give one of TaskID, Images and Filters, not ${given.join(' and ')}`,
      zh: `TaskID、Images、Filters 只能三选一，不能同时传 ${given.join('、')}`,
    });
  const excludeImageIds = excludedIds(req.ExcludeImageIds);
  if (req.TaskID !== undefined) return { taskId: req.TaskID, excludeImageIds };
  if (req.Images !== undefined) return { imageIds: req.Images, excludeImageIds };
  return { filter: imageFilter(req.Filters), excludeImageIds };
}

/**
 * ModifyAssetImageScanStop: stops the waiting and running scans of one task, of the listed images, or
 * of the images Filters select (minus ExcludeImageIds); they end CANCELED with their earlier results
 * kept. Stopping what has already ended is not an error. An unknown TaskID is ResourceNotFound.
 */
export const modifyAssetImageScanStop: Action<Request, { Status: string }> = {
  name: 'ModifyAssetImageScanStop',
  request,
  async handle(req, ctx) {
    const selection = stopSelection(req);
    const tasks = requireTasks(ctx);
    if (selection.taskId !== undefined && !(await tasks.status(ctx.account, selection.taskId)))
      throw notFound('scan task', selection.taskId);
    await tasks.stop(ctx.account, selection);
    return { Status: 'Success' };
  },
};
