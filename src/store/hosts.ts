/**
 * Hosts (nodes running a hullscan agent), their images and containers (#8): what HostCnt,
 * ContainerCnt, SuperNodeCnt and the host and container lists are answered from.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the host agent work (#8)
export interface HostStore {}
