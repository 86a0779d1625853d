import { z } from 'zod';
import type { TaskRequest } from '../../../tasks/service.js';
import type { Action } from '../../action.js';
import { pagedList } from '../common/params.js';
import { imageFilter } from '../DescribeAssetImageList/index.js';
import {
  categoriesOf,
  chosenScope,
  imageIdList,
  invalidValue,
  noClusters,
  requireTasks,
  scanScope,
} from './selection.js';

/** Timeout when the request gives none: one hour, as TCSS. */
export const DEFAULT_TIMEOUT_SECONDS = 3600;

const request = z.strictObject({
  All: z.boolean().optional(),
  Images: imageIdList.optional(),
  ScanVul: z.boolean().optional(),
  ScanVirus: z.boolean().optional(),
  ScanRisk: z.boolean().optional(),
  Filters: pagedList.Filters,
  ExcludeImageIds: imageIdList.optional(),
  ContainerRunning: z.boolean().optional(),
  ScanScope: scanScope.optional(),
  Timeout: z.number().int().min(1).max(86_400).optional(),
  IsOneClickScanningTask: z.boolean().optional(),
  ClusterIDs: noClusters.optional(),
});
type Request = z.infer<typeof request>;

/** The task's selection: the listed Images (scope 1), the images Filters select, or every image. */
function selection(req: Request): Pick<TaskRequest, 'imageIds' | 'filter'> {
  const filters = req.Filters ?? [];
  if (chosenScope(req) === 1) {
    if (filters.length > 0)
      throw invalidValue('Filters', {
        en: 'a task scans the listed Images or the images Filters select, not both',
        zh: '任务扫描所列 Images 或 Filters 筛选的镜像，二者只能选其一',
      });
    return { imageIds: req.Images ?? [] };
  }
  if (filters.length === 0) return {};
  if (req.All === true)
    throw invalidValue('Filters', {
      en: 'All scans every image: omit Filters or All',
      zh: 'All 表示扫描全部镜像，请去掉 Filters 或 All',
    });
  return { filter: imageFilter(filters) };
}

/**
 * CreateAssetImageScanTask: queues a scan of the selected images (all, the listed ones, or the ones
 * Filters select, minus ExcludeImageIds, optionally only those with a running container) for the
 * chosen categories, ending SCAN_ERR `timeout` what is unfinished after Timeout seconds. A selection
 * with no image still makes a task, which ends at once. IsOneClickScanningTask changes nothing.
 */
export const createAssetImageScanTask: Action<Request, { TaskID: string }> = {
  name: 'CreateAssetImageScanTask',
  request,
  async handle(req, ctx) {
    const categories = categoriesOf(req);
    const chosen = selection(req);
    const tasks = requireTasks(ctx);
    const { taskId } = await tasks.createTask(ctx.account, {
      ...chosen,
      excludeImageIds: req.ExcludeImageIds ?? [],
      containerRunning: req.ContainerRunning === true,
      categories,
      timeoutSeconds: req.Timeout ?? DEFAULT_TIMEOUT_SECONDS,
    });
    return { TaskID: taskId };
  },
};
