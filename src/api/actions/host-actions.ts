import type { Action } from '../action.js';
import { describeAssetContainerList } from './DescribeAssetContainerList/index.js';
import { describeAssetHostList } from './DescribeAssetHostList/index.js';
import { describeAssetImageHostList } from './DescribeAssetImageHostList/index.js';
import { reportAssetHostState } from './ReportAssetHostState/index.js';

/** The host agent's report action and the host and container lists (#8). */
export function hostActions(): Action[] {
  return [
    reportAssetHostState,
    describeAssetImageHostList,
    describeAssetHostList,
    describeAssetContainerList,
  ] as Action[];
}
