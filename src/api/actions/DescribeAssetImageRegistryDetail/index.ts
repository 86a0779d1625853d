import { z } from 'zod';
import { imageRepoInfo, notFoundImage, registryImageId } from '../../../registries/views.js';
import type { Action } from '../../action.js';

const request = z.strictObject({
  Id: registryImageId.optional(),
  ImageId: z.string().min(1).max(256).optional(),
});

/**
 * DescribeAssetImageRegistryDetail: one registry image by Id (or the first one with ImageId), with
 * its stored scan result. LayerInfo is the image's build history (one block per history entry).
 */
export const describeAssetImageRegistryDetail: Action<z.infer<typeof request>, Record<string, unknown>> = {
  name: 'DescribeAssetImageRegistryDetail',
  request,
  async handle(req, ctx) {
    const regs = ctx.store.registries;
    let view = req.Id !== undefined ? await regs.getImage(ctx.account, req.Id) : undefined;
    if (req.Id === undefined && req.ImageId !== undefined) {
      const res = await regs.listImages(
        ctx.account,
        { imageId: { values: [req.ImageId], exact: true } },
        { limit: 1, offset: 0 },
      );
      view = res.rows[0];
    }
    if (!view) throw notFoundImage(String(req.Id ?? req.ImageId ?? ''));
    const i = imageRepoInfo(view, false);
    return {
      ImageDigest: i.ImageDigest,
      ImageRepoAddress: i.ImageRepoAddress,
      RegistryType: i.RegistryType,
      ImageName: i.ImageName,
      ImageTag: i.ImageTag,
      ScanTime: i.ScanTime,
      ScanStatus: i.ScanStatus,
      VulCnt: i.VulCnt,
      VirusCnt: i.VirusCnt,
      RiskCnt: i.RiskCnt,
      SentiveInfoCnt: i.SentiveInfoCnt,
      OsName: i.OsName,
      ScanVirusError: i.ScanVirusError,
      ScanVulError: i.ScanVulError,
      LayerInfo: view.detail?.BuildHistory ?? '',
      InstanceId: i.InstanceId,
      InstanceName: i.InstanceName,
      Namespace: i.Namespace,
      ScanRiskError: i.ScanRiskError,
      ScanVirusProgress: i.ScanVirusProgress,
      ScanVulProgress: i.ScanVulProgress,
      ScanRiskProgress: i.ScanRiskProgress,
      ScanRemainTime: i.ScanRemainTime,
      CveStatus: i.CveStatus,
      RiskStatus: i.RiskStatus,
      VirusStatus: i.VirusStatus,
      Progress: i.Progress,
      IsAuthorized: i.IsAuthorized,
      ImageSize: i.ImageSize,
      ImageId: i.ImageId,
      RegistryRegion: i.RegistryRegion,
      ImageCreateTime: i.ImageCreateTime,
      SensitiveInfoCnt: i.SensitiveInfoCnt,
      Id: i.Id,
      Solution: i.Solution,
      Reason: i.Reason,
    };
  },
};
