/**
 * Image registries of an account and the images found in them (#8): the durable state behind the
 * AddAssetImageRegistryRegistryDetail … DescribeAssetImageRegistrySummary actions.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the registry work (#8)
export interface RegistryStore {}
