import type { ImageSource } from '../../core/image.js';
import type { Platform } from '../platform.js';

/**
 * The OCI distribution client's contract (#8). Implementations live beside this file; the registry
 * API (sync, check, scans) and the `docker://` transport use only what is here.
 */

/** Which hosts and addresses a registry connection may reach (no SSRF through registry settings). */
export interface AddressPolicy {
  /**
   * Whether a request may go to `host` (as in the URL) once it resolved to `address` (IPv4/IPv6
   * literal). Checked for every request and every redirect, after DNS resolution.
   */
  allows(host: string, address: string): boolean;
  /** for error messages: what is allowed */
  describe(): string;
}

/** How to reach one registry. */
export interface RegistryConnection {
  /** `host[:port]` as references name it (`registry.example.com`, `127.0.0.1:5000`); docker.io is Docker Hub */
  host: string;
  /** plain HTTP, or HTTPS without certificate verification (skopeo's --tls-verify=false) */
  insecure?: boolean;
  /** PEM CA certificates to trust besides the system's (a registry with its own CA) */
  ca?: string[];
  /** PEM client certificate and key (skopeo --cert-dir's client.cert/client.key), when the registry asks */
  clientCert?: { cert: string; key: string };
  username?: string;
  password?: string;
  /** where requests and redirects may go; undefined: anywhere (the CLI on a user's own machine) */
  policy?: AddressPolicy;
  /** per-request timeout (default 30 s) and retry attempts on 429/5xx/connection errors (default 4) */
  timeoutMs?: number;
  retries?: number;
}

/** Why a registry call failed; `code` is stable (the API maps it to its errors). */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly code:
      | 'unauthorized'
      | 'denied'
      | 'not-found'
      | 'unreachable'
      | 'forbidden-address'
      | 'bad-digest'
      | 'too-many-requests'
      | 'protocol'
      | 'tls',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface RegistryClient {
  /** GET /v2/ with authentication: resolves when the registry answers and the credentials work */
  ping(signal?: AbortSignal): Promise<void>;
  /** every repository (`/v2/_catalog`, all pages) */
  repositories(signal?: AbortSignal): Promise<string[]>;
  /** every tag of a repository (`/v2/<name>/tags/list`, all pages) */
  tags(repository: string, signal?: AbortSignal): Promise<string[]>;
  /** the digest of the manifest (or index) a tag points to, by HEAD (GET when HEAD is not answered) */
  digest(repository: string, reference: string, signal?: AbortSignal): Promise<string>;
}

/** Opens `HOST/REPO[:TAG|@DIGEST]` as an image (platform chosen from an index) through `connection`. */
export type OpenRegistryImage = (
  reference: string,
  connection: RegistryConnection,
  options?: { platform?: Platform; signal?: AbortSignal },
) => Promise<ImageSource>;

/** Added for tests and tuning: the `n=` page size of catalog and tag list requests (default 1000). */
export interface RegistryConnection {
  pageSize?: number;
}
