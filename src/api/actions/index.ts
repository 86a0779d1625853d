import type { Action } from '../action.js';
import { addAssetImage } from './AddAssetImage/index.js';
import { createAssetImageScanSetting } from './CreateAssetImageScanSetting/index.js';
import { createAssetImageScanTask } from './CreateAssetImageScanTask/index.js';
import { describeAssetImageComponentTopList } from './DescribeAssetImageComponentTopList/index.js';
import { describeAssetImageDetail } from './DescribeAssetImageDetail/index.js';
import { describeAssetImageList } from './DescribeAssetImageList/index.js';
import { describeAssetImageRiskList } from './DescribeAssetImageRiskList/index.js';
import { describeAssetImageScanSetting } from './DescribeAssetImageScanSetting/index.js';
import { describeAssetImageScanStatus } from './DescribeAssetImageScanStatus/index.js';
import { describeAssetImageScanTask } from './DescribeAssetImageScanTask/index.js';
import { describeAssetImageSimpleList } from './DescribeAssetImageSimpleList/index.js';
import { describeAssetImageVirusList } from './DescribeAssetImageVirusList/index.js';
import { describeAssetImageVulList } from './DescribeAssetImageVulList/index.js';
import { describeAssetSummary } from './DescribeAssetSummary/index.js';
import { describeImageComponentList } from './DescribeImageComponentList/index.js';
import { hostActions } from './host-actions.js';
import { modifyAssetImageScanStop } from './ModifyAssetImageScanStop/index.js';
import { registryActions } from './registry-actions.js';
import { submitAssetImageIndex } from './SubmitAssetImageIndex/index.js';

/** Every action the service answers. */
export function allActions(): Action[] {
  return [
    describeAssetImageDetail,
    describeAssetImageList,
    describeAssetImageSimpleList,
    describeAssetImageVulList,
    describeAssetImageRiskList,
    describeAssetImageVirusList,
    describeImageComponentList,
    describeAssetImageComponentTopList,
    describeAssetSummary,
    submitAssetImageIndex,
    createAssetImageScanTask,
    describeAssetImageScanTask,
    describeAssetImageScanStatus,
    modifyAssetImageScanStop,
    createAssetImageScanSetting,
    describeAssetImageScanSetting,
    addAssetImage,
    ...registryActions(),
    ...hostActions(),
  ] as Action[];
}
