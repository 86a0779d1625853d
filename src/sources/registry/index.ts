export { addressPolicy, isPublicAddress } from './address-policy.js';
export { registryClient } from './client.js';
export { openRegistryImage, parseRegistryReference, RegistrySource } from './registry-source.js';
export * from './types.js';
