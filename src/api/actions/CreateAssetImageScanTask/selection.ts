import { z } from 'zod';
import type { ScanCategories } from '../../../store/tasks.js';
import type { TaskService } from '../../../tasks/service.js';
import type { RequestContext } from '../../action.js';
import { ApiError } from '../../api-error.js';
import { imageId } from '../common/params.js';

/**
 * What the scan-task actions (CreateAssetImageScanTask, ModifyAssetImageScanStop, the scan setting)
 * share: which images a request selects, which categories it scans, and the job system it needs.
 */

/** Most image IDs one request may list (Images, ExcludeImageIds, ExcludeImages). */
export const MAX_LISTED_IMAGES = 10_000;

export const imageIdList = z.array(imageId).max(MAX_LISTED_IMAGES);

/** ScanScope: 0 every image, 1 the listed Images; 2 (recommended) and 3 (clusters) are refused with the reason. */
export const scanScope = z
  .number()
  .int()
  .min(0)
  .max(3)
  .superRefine((v, ctx) => {
    if (v === 2)
      ctx.addIssue({
        code: 'custom',
        message:
          '2 ("recommended images") has no meaning on hullscan; use 0 (all images) or 1 (the listed Images)',
      });
    if (v === 3)
      ctx.addIssue({
        code: 'custom',
        message:
          '3 selects images by cluster, and hullscan has no clusters; use 0 (all images) or 1 (the listed Images)',
      });
  });

/** ClusterIDs: accepted only empty, since hullscan knows images and hosts, not Kubernetes clusters. */
export const noClusters = z
  .array(z.string().max(256))
  .max(1000)
  .refine((ids) => ids.length === 0, 'clusters are not supported: hullscan selects images, not clusters');

/** InvalidParameterValue naming the parameter and why (cross-parameter rules the schema cannot state). */
export function invalidValue(param: string, why: { en: string; zh: string }): ApiError {
  return new ApiError('InvalidParameterValue', {
    en: `The value of parameter \`${param}\` is not acceptable: ${why.en}.`,
    zh: `参数 \`${param}\` 取值错误：${why.zh}。`,
  });
}

/** The job system of the server, or FailedOperation when this server runs none. */
export function requireTasks(ctx: RequestContext): TaskService {
  if (!ctx.tasks)
    throw new ApiError('FailedOperation', {
      en: 'this server runs no scan workers: start it with the job system to create, stop or schedule scans',
      zh: '此服务未运行扫描任务系统，无法创建、停止或定时扫描任务',
    });
  return ctx.tasks;
}

/** ScanVul / ScanVirus / ScanRisk as categories; at least one must be true. */
export function categoriesOf(req: {
  ScanVul?: boolean;
  ScanVirus?: boolean;
  ScanRisk?: boolean;
}): ScanCategories {
  const categories = {
    vul: req.ScanVul === true,
    virus: req.ScanVirus === true,
    risk: req.ScanRisk === true,
  };
  if (!categories.vul && !categories.virus && !categories.risk)
    throw invalidValue('ScanVul', {
      en: 'at least one of ScanVul, ScanVirus and ScanRisk must be true',
      zh: 'ScanVul、ScanVirus、ScanRisk 至少需一项为 true',
    });
  return categories;
}

/**
 * The scope a request means: ScanScope when given, else 1 when it lists Images, else 0. All (deprecated)
 * means scope 0. Scope 1 needs Images; scope 0 takes none.
 */
export function chosenScope(req: { All?: boolean; ScanScope?: number; Images?: string[] }): 0 | 1 {
  const listed = (req.Images ?? []).length > 0;
  const scope = req.ScanScope ?? (req.All === true ? 0 : listed ? 1 : 0);
  if (req.All === true && scope !== 0)
    throw invalidValue('All', {
      en: 'All selects every image, which contradicts ScanScope 1; give one of them',
      zh: 'All 表示全部镜像，与 ScanScope 1 矛盾，请只传其一',
    });
  if (scope === 1 && !listed)
    throw invalidValue('Images', {
      en: 'ScanScope 1 scans the listed images: give at least one image ID',
      zh: 'ScanScope 1 扫描自选镜像，请至少提供一个镜像 ID',
    });
  if (scope === 0 && listed)
    throw invalidValue('Images', {
      en: 'ScanScope 0 (or All) scans every image: omit Images, or set ScanScope 1 to scan only them',
      zh: 'ScanScope 0(或 All)扫描全部镜像：请去掉 Images，或设 ScanScope 为 1 只扫描所列镜像',
    });
  return scope === 1 ? 1 : 0;
}
