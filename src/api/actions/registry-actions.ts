import { registryServiceSource } from '../../registries/api-context.js';
import type { RegistryService } from '../../registries/service.js';
import type { Action } from '../action.js';
import { addAssetImageRegistryRegistryDetail } from './AddAssetImageRegistryRegistryDetail/index.js';
import { checkRepeatAssetImageRegistry } from './CheckRepeatAssetImageRegistry/index.js';
import { createAssetImageRegistryScanTask } from './CreateAssetImageRegistryScanTask/index.js';
import { describeAssetImageRegistryDetail } from './DescribeAssetImageRegistryDetail/index.js';
import { describeAssetImageRegistryList } from './DescribeAssetImageRegistryList/index.js';
import { describeAssetImageRegistryRegistryDetail } from './DescribeAssetImageRegistryRegistryDetail/index.js';
import { describeAssetImageRegistryRegistryList } from './DescribeAssetImageRegistryRegistryList/index.js';
import { describeAssetImageRegistryRiskInfoList } from './DescribeAssetImageRegistryRiskInfoList/index.js';
import { describeAssetImageRegistryScanStatusOneKey } from './DescribeAssetImageRegistryScanStatusOneKey/index.js';
import { describeAssetImageRegistrySummary } from './DescribeAssetImageRegistrySummary/index.js';
import { describeAssetImageRegistryVirusList } from './DescribeAssetImageRegistryVirusList/index.js';
import { describeAssetImageRegistryVulList } from './DescribeAssetImageRegistryVulList/index.js';
import { removeAssetImageRegistryRegistryDetail } from './RemoveAssetImageRegistryRegistryDetail/index.js';
import { syncAssetImageRegistryAsset } from './SyncAssetImageRegistryAsset/index.js';
import { updateAssetImageRegistryRegistryDetail } from './UpdateAssetImageRegistryRegistryDetail/index.js';

/**
 * The registry actions (#8): AddAssetImageRegistryRegistryDetail … DescribeAssetImageRegistrySummary.
 * They use the request context's registry service (`registries` in the context, see
 * src/registries/api-context.ts), else `service`, else one from the environment (public registry
 * addresses only, HULLSCAN_SECRETS_KEY).
 */
export function registryActions(o: { service?: RegistryService } = {}): Action[] {
  const registries = registryServiceSource(o.service);
  return [
    addAssetImageRegistryRegistryDetail(registries),
    updateAssetImageRegistryRegistryDetail(registries),
    removeAssetImageRegistryRegistryDetail,
    describeAssetImageRegistryRegistryList,
    describeAssetImageRegistryRegistryDetail,
    checkRepeatAssetImageRegistry,
    syncAssetImageRegistryAsset(registries),
    describeAssetImageRegistryList,
    describeAssetImageRegistryDetail,
    createAssetImageRegistryScanTask(registries),
    describeAssetImageRegistryScanStatusOneKey,
    describeAssetImageRegistryVulList,
    describeAssetImageRegistryRiskInfoList,
    describeAssetImageRegistryVirusList,
    describeAssetImageRegistrySummary,
  ] as Action[];
}
