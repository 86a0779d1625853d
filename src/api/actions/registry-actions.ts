import type { Action } from '../action.js';

/** The registry actions (#8): AddAssetImageRegistryRegistryDetail … DescribeAssetImageRegistrySummary. */
export function registryActions(): Action[] {
  return [];
}
