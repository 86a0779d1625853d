/** The host and container tables (migration 0007), merged into StoreDatabase. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the host agent work (#8)
export interface HostTables {}
