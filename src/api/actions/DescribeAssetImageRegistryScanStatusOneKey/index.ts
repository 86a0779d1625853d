import { z } from 'zod';
import { imageInfo, imagesByInfo, registryImageId } from '../../../registries/views.js';
import type { RegistryImageView } from '../../../store/registries.js';
import type { Action } from '../../action.js';
import { requireTasks } from '../CreateAssetImageScanTask/selection.js';
import { notFound } from '../common/params.js';

const request = z.strictObject({
  Images: z.array(imageInfo).max(1000).optional(),
  All: z.boolean().optional(),
  Id: z.array(registryImageId).max(1000).optional(),
  TaskID: registryImageId.optional(),
});

/** Most images ImageStatus lists. */
const MAX_STATUS_ROWS = 1000;

function imageProgress(v: RegistryImageView) {
  const d = v.detail;
  return {
    ImageId: v.imageId,
    RegistryType: v.registryType,
    ImageRepoAddress: `${v.host}/${v.repository}`,
    InstanceId: '',
    InstanceName: '',
    Namespace: v.namespace,
    ImageName: v.repository,
    ImageTag: v.tag,
    ScanStatus: d?.ScanStatus ?? 'NOT_SCAN',
    CveProgress: d?.ScanVulProgress ?? 0,
    RiskProgress: d?.ScanRiskProgress ?? 0,
    VirusProgress: d?.ScanVirusProgress ?? 0,
  };
}

/**
 * DescribeAssetImageRegistryScanStatusOneKey: the progress of a registry scan task (TaskID, else the
 * account's latest), and the scan state of the images named by Id, Images or All (ImageStatus).
 */
export const describeAssetImageRegistryScanStatusOneKey: Action<
  z.infer<typeof request>,
  Record<string, unknown>
> = {
  name: 'DescribeAssetImageRegistryScanStatusOneKey',
  request,
  async handle(req, ctx) {
    const regs = ctx.store.registries;
    const task = await regs.scanTask(ctx.account, req.TaskID);
    if (!task && req.TaskID !== undefined) throw notFound('registry scan task', String(req.TaskID));
    const status = task ? await requireTasks(ctx).status(ctx.account, task.taskId) : undefined;
    let images: RegistryImageView[] = [];
    if (req.Id?.length)
      images = (await regs.listImages(ctx.account, { ids: req.Id }, { limit: MAX_STATUS_ROWS, offset: 0 }))
        .rows;
    else if (req.Images?.length) images = await imagesByInfo(ctx, req.Images, MAX_STATUS_ROWS);
    else if (req.All)
      images = (await regs.listImages(ctx.account, {}, { limit: MAX_STATUS_ROWS, offset: 0 })).rows;
    if (!status)
      return {
        ImageTotal: 0,
        ImageScanCnt: 0,
        ImageStatus: images.map(imageProgress),
        SuccessCount: 0,
        RiskCount: 0,
        Schedule: 0,
        Status: '',
        ScanRemainTime: 0,
      };
    const { counts } = status;
    const ended = status.task.status === 'END';
    return {
      ImageTotal: counts.total,
      ImageScanCnt: counts.finished,
      ImageStatus: images.map(imageProgress),
      SuccessCount: counts.scanned - counts.risky,
      RiskCount: counts.risky,
      Schedule: counts.total > 0 ? Math.floor((counts.finished * 100) / counts.total) : ended ? 100 : 0,
      Status: status.task.status,
      ScanRemainTime: ended ? 0 : Math.max(0, Math.ceil(status.leftSeconds)),
    };
  },
};
