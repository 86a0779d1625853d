import { z } from 'zod';
import type { RegistryServiceSource } from '../../../registries/api-context.js';
import {
  imageInfo,
  imagesByInfo,
  MAX_SELECTED,
  registryImageFilter,
  registryImageId,
} from '../../../registries/views.js';
import type { RegistryImage, RegistryImageFilter } from '../../../store/registries.js';
import type { ScanCategories } from '../../../store/tasks.js';
import type { Action } from '../../action.js';
import { ApiError } from '../../api-error.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../CreateAssetImageScanTask/index.js';
import { invalidValue, requireTasks } from '../CreateAssetImageScanTask/selection.js';
import { pagedList } from '../common/params.js';

/** ScanType values (any case) and the category each stands for. */
const SCAN_TYPES: Record<string, keyof ScanCategories> = {
  CVE: 'vul',
  VUL: 'vul',
  MALWARE: 'virus',
  VIRUS: 'virus',
  RISK: 'risk',
};

const request = z.strictObject({
  All: z.boolean().optional(),
  Images: z.array(imageInfo).max(1000).optional(),
  ScanType: z
    .array(
      z.string().refine((t) => t.toUpperCase() in SCAN_TYPES, `one of ${Object.keys(SCAN_TYPES).join(', ')}`),
    )
    .max(10)
    .optional(),
  Id: z.array(registryImageId).max(MAX_SELECTED).optional(),
  Filters: pagedList.Filters,
  ExcludeImageList: z.array(registryImageId).max(MAX_SELECTED).optional(),
  OnlyScanLatest: z.boolean().optional(),
  Timeout: z.number().int().min(1).max(86_400).optional(),
});
type Request = z.infer<typeof request>;

/** ScanType as categories; none given means every category. */
export function scanCategories(types: string[] | undefined): ScanCategories {
  if (!types || types.length === 0) return { vul: true, virus: true, risk: true };
  const c = { vul: false, virus: false, risk: false };
  for (const t of types) c[SCAN_TYPES[t.toUpperCase()] as keyof ScanCategories] = true;
  return c;
}

/** The registry images a request selects: Id, else Images, else All / Filters (minus ExcludeImageList). */
async function selected(req: Request, ctx: Parameters<Action['handle']>[1]): Promise<RegistryImage[]> {
  const exclude = new Set(req.ExcludeImageList ?? []);
  const given = [req.Id?.length ? 'Id' : '', req.Images?.length ? 'Images' : ''].filter(Boolean);
  if (given.length > 1)
    throw invalidValue('Id', { en: 'give Id or Images, not both', zh: 'Id 与 Images 只能选其一' });
  let rows: RegistryImage[];
  if (req.Images?.length) rows = await imagesByInfo(ctx, req.Images);
  else {
    const filter: RegistryImageFilter = req.Id?.length
      ? { ids: req.Id }
      : {
          ...(req.All === true ? {} : registryImageFilter(req.Filters ?? [])),
          ...(req.OnlyScanLatest ? { onlyLatest: true } : {}),
        };
    if (!req.Id?.length && req.All !== true && (req.Filters ?? []).length === 0 && !req.OnlyScanLatest)
      throw invalidValue('All', {
        en: 'say which images to scan: All, Id, Images, Filters or OnlyScanLatest',
        zh: '请指定要扫描的镜像:All、Id、Images、Filters 或 OnlyScanLatest',
      });
    const res = await ctx.store.registries.listImages(ctx.account, filter, {
      limit: MAX_SELECTED,
      offset: 0,
    });
    rows = res.rows;
  }
  return rows.filter((r) => !exclude.has(r.id));
}

/**
 * CreateAssetImageRegistryScanTask: registers each selected registry image as an image of the
 * account (NOT_SCAN until scanned, earlier results kept) read from `docker://HOST/REPO:TAG@DIGEST`, and
 * queues one scan task over them for the ScanType categories (CVE, MALWARE, RISK; none: all).
 * TaskID is the registry task number DescribeAssetImageRegistryScanStatusOneKey takes.
 */
export function createAssetImageRegistryScanTask(
  registries: RegistryServiceSource,
): Action<Request, { TaskID: number }> {
  return {
    name: 'CreateAssetImageRegistryScanTask',
    request,
    async handle(req, ctx) {
      const categories = scanCategories(req.ScanType);
      const tasks = requireTasks(ctx);
      const rows = await selected(req, ctx);
      const service = await registries(ctx);
      const { imageIds, failed } = await service.register(ctx.store, ctx.account, rows, ctx.timeZone);
      if (rows.length > 0 && imageIds.length === 0)
        throw new ApiError('FailedOperation', {
          en: `none of the selected registry images could be registered (${failed[0]?.error ?? ''})`,
          zh: `所选仓库镜像均无法登记(${failed[0]?.error ?? ''})`,
        });
      const { taskId } = await tasks.createTask(ctx.account, {
        imageIds,
        excludeImageIds: [],
        containerRunning: false,
        categories,
        timeoutSeconds: req.Timeout ?? DEFAULT_TIMEOUT_SECONDS,
      });
      const id = await ctx.store.registries.recordScanTask(ctx.account, taskId, Date.now());
      return { TaskID: id };
    },
  };
}
