/** The registry tables (migration 0006), merged into StoreDatabase. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the registry work (#8)
export interface RegistryTables {}
