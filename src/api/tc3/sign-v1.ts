import { createHmac, randomInt } from 'node:crypto';
import { flattenParams } from './flat-params.js';
import { TCSS_VERSION } from './sign-tc3.js';

/**
 * API signature v1, HmacSHA1 / HmacSHA256 (shared/tcss-api/PROTOCOL.md §5): every parameter, common
 * and business, signed as `METHOD host path ? k=v&…` with raw values and keys sorted.
 */

export type V1SignatureMethod = 'HmacSHA1' | 'HmacSHA256';

export function isV1SignatureMethod(m: string): m is V1SignatureMethod {
  return m === 'HmacSHA1' || m === 'HmacSHA256';
}

/**
 * `METHOD + host + path + "?" + k=v&…` over the raw (decoded) values, keys sorted by UTF-16 code unit
 * like the Node SDK, `Signature` left out.
 */
export function v1SignString(
  method: string,
  host: string,
  path: string,
  params: Record<string, string> | ReadonlyArray<readonly [string, string]>,
): string {
  return `${method}${host}${path}?${v1SortedQuery(params)}`;
}

/** The `k=v&…` part of the sign string. */
export function v1SortedQuery(
  params: Record<string, string> | ReadonlyArray<readonly [string, string]>,
): string {
  const all: ReadonlyArray<readonly [string, string]> = Array.isArray(params)
    ? params
    : Object.entries(params as Record<string, string>);
  const pairs = all.filter(([k]) => k !== 'Signature');
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let query = '';
  for (const [k, v] of pairs) query = query === '' ? `${k}=${v}` : `${query}&${k}=${v}`;
  return query;
}

/** The raw HMAC of the sign string; its base64 is the `Signature` parameter. */
export function v1SignatureBytes(secretKey: string, signString: string, method: V1SignatureMethod): Buffer {
  return createHmac(method === 'HmacSHA256' ? 'sha256' : 'sha1', secretKey)
    .update(signString, 'utf8')
    .digest();
}

export function v1Signature(secretKey: string, signString: string, method: V1SignatureMethod): string {
  return v1SignatureBytes(secretKey, signString, method).toString('base64');
}

export interface V1RequestInput {
  secretId: string;
  secretKey: string;
  token?: string;
  action: string;
  /** business parameters, nested; flattened here */
  params?: Record<string, unknown>;
  /** the `Host` header as sent (port included) */
  host: string;
  /** default POST (form body) */
  method?: 'POST' | 'GET';
  /** default HmacSHA256, as tccli */
  signatureMethod?: V1SignatureMethod;
  /** default `2020-11-01` */
  version?: string;
  region?: string;
  language?: 'zh-CN' | 'en-US';
  /** Unix seconds, default now */
  timestamp?: number;
  /** default random 1…65535 */
  nonce?: number;
  /** default `/` */
  path?: string;
  requestClient?: string;
}

/**
 * Client side of §5: every parameter of one v1 request, `Signature` included, as strings. Send them
 * URL-encoded in the query (GET) or as an `application/x-www-form-urlencoded` body (POST).
 */
export function signV1Request(input: V1RequestInput): Record<string, string> {
  const method = input.method ?? 'POST';
  const signatureMethod = input.signatureMethod ?? 'HmacSHA256';
  const params = flattenParams(input.params ?? {});
  params.Action = input.action;
  params.Nonce = String(input.nonce ?? randomInt(1, 65_536));
  params.Timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  params.Version = input.version ?? TCSS_VERSION;
  params.SecretId = input.secretId;
  params.SignatureMethod = signatureMethod;
  if (input.requestClient) params.RequestClient = input.requestClient;
  if (input.region) params.Region = input.region;
  if (input.token) params.Token = input.token;
  if (input.language) params.Language = input.language;
  params.Signature = v1Signature(
    input.secretKey,
    v1SignString(method, input.host, input.path ?? '/', params),
    signatureMethod,
  );
  return params;
}
