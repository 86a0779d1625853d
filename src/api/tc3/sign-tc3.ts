import { createHash, createHmac } from 'node:crypto';

/**
 * TC3-HMAC-SHA256, the API 3.0 signature (shared/tcss-api/PROTOCOL.md §3). Pure functions: the
 * gateway's verifier and hullscan's own client compute the same strings with them.
 */

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const TCSS_SERVICE = 'tcss';
export const TCSS_VERSION = '2020-11-01';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HashedRequestPayload: hex SHA-256 of the body, or of the literal `UNSIGNED-PAYLOAD` when the client opted out. */
export function hashedPayload(body: string | Uint8Array, unsigned = false): string {
  return sha256Hex(unsigned ? UNSIGNED_PAYLOAD : body);
}

export interface CanonicalRequestParts {
  method: string;
  /** CanonicalURI: the request path, `/` for every API 3.0 call */
  path: string;
  /** CanonicalQueryString: the raw query string as sent, without `?` ('' for POST) */
  query: string;
  /** the signed headers in SignedHeaders order: lower-case name, value as sent */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  payloadHash: string;
  /**
   * Lower-cases header values as PROTOCOL §3 prescribes (default). The SDKs sign `content-type` as
   * given, so a verifier also tries false when a value has upper-case letters.
   */
  lowercaseValues?: boolean;
}

/** `Method\nURI\nQuery\nCanonicalHeaders\nSignedHeaders\nHashedPayload`; CanonicalHeaders ends in `\n`. */
export function canonicalRequest(p: CanonicalRequestParts): string {
  const lower = p.lowercaseValues !== false;
  let text = `${p.method}\n${p.path}\n${p.query}\n`;
  let names = '';
  for (const [name, value] of p.headers) {
    const v = value.trim();
    text += `${name}:${lower ? v.toLowerCase() : v}\n`;
    names = names === '' ? name : `${names};${name}`;
  }
  return `${text}\n${names}\n${p.payloadHash}`;
}

let lastDay = Number.NaN;
let lastDate = '';

/** UTC calendar date `YYYY-MM-DD` of a Unix time in seconds. */
export function utcDate(timestamp: number): string {
  const day = Math.floor(timestamp / 86_400);
  if (day !== lastDay) {
    lastDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDate;
}

export function credentialScope(date: string, service: string): string {
  return `${date}/${service}/tc3_request`;
}

export function stringToSign(
  timestamp: number | string,
  scope: string,
  canonicalRequestHash: string,
): string {
  return `${TC3_ALGORITHM}\n${timestamp}\n${scope}\n${canonicalRequestHash}`;
}

const hmac = (key: string | Uint8Array, message: string): Buffer =>
  createHmac('sha256', key).update(message).digest();

/** kDate → kService → kSigning, each an HMAC-SHA256 (PROTOCOL §3). */
export function deriveKeyChain(
  secretKey: string,
  date: string,
  service: string,
): { kDate: Buffer; kService: Buffer; kSigning: Buffer } {
  const kDate = hmac(`TC3${secretKey}`, date);
  const kService = hmac(kDate, service);
  return { kDate, kService, kSigning: hmac(kService, 'tc3_request') };
}

export function deriveSigningKey(secretKey: string, date: string, service: string): Buffer {
  return deriveKeyChain(secretKey, date, service).kSigning;
}

/** The raw 32-byte signature; its lower-case hex is the `Signature=` of the Authorization header. */
export function signatureBytes(signingKey: Uint8Array, toSign: string): Buffer {
  return hmac(signingKey, toSign);
}

export function signatureHex(signingKey: Uint8Array, toSign: string): string {
  return createHmac('sha256', signingKey).update(toSign).digest('hex');
}

/**
 * Derived signing keys by (secret key, date, service). Bounded: past `capacity` entries the oldest
 * goes, so a key costs three HMACs at most once per day and service while it stays in use.
 */
export class SigningKeyCache {
  readonly #keys = new Map<string, Buffer>();

  constructor(readonly capacity = 1024) {}

  get(secretKey: string, date: string, service: string): Buffer {
    const id = `${date}/${service}/${secretKey}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = deriveSigningKey(secretKey, date, service);
      if (this.#keys.size >= this.capacity) {
        const oldest = this.#keys.keys().next();
        if (!oldest.done) this.#keys.delete(oldest.value);
      }
      this.#keys.set(id, key);
    }
    return key;
  }

  get size(): number {
    return this.#keys.size;
  }
}

export interface Tc3Authorization {
  secretId: string;
  /** scope date, `YYYY-MM-DD` */
  date: string;
  service: string;
  /** lower-case header names in the order listed */
  signedHeaders: string[];
  /** lower-case hex, 64 digits */
  signature: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HEADER_NAME = /^[a-z0-9-]+$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=a;b,
 * Signature=<hex>` (whitespace-tolerant). Returns a reason string when malformed. SignedHeaders must
 * list `content-type` and `host`.
 */
export function parseTc3Authorization(value: string): Tc3Authorization | string {
  const text = value.trim();
  if (!text.startsWith(TC3_ALGORITHM) || !/\s/.test(text.charAt(TC3_ALGORITHM.length))) {
    return `it must start with "${TC3_ALGORITHM} "`;
  }
  let credential: string | undefined;
  let signed: string | undefined;
  let signature: string | undefined;
  for (const part of text.slice(TC3_ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return 'each element must be Name=Value';
    const name = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (name === 'Credential' && credential === undefined) credential = v;
    else if (name === 'SignedHeaders' && signed === undefined) signed = v;
    else if (name === 'Signature' && signature === undefined) signature = v;
    else return 'unexpected or repeated element';
  }
  if (credential === undefined || signed === undefined || signature === undefined) {
    return 'Credential, SignedHeaders and Signature are all required';
  }
  const scope = credential.split('/');
  if (scope.length !== 4 || scope[3] !== 'tc3_request') {
    return 'Credential must be SecretId/Date/Service/tc3_request';
  }
  const [secretId = '', date = '', service = ''] = scope;
  if (secretId === '' || service === '' || !DATE.test(date)) {
    return 'Credential must be SecretId/Date/Service/tc3_request';
  }
  const signedHeaders = signed.split(';').map((h) => h.trim().toLowerCase());
  if (
    signedHeaders.some((h) => !HEADER_NAME.test(h)) ||
    new Set(signedHeaders).size !== signedHeaders.length
  ) {
    return 'SignedHeaders must be distinct header names separated by ";"';
  }
  if (!signedHeaders.includes('content-type') || !signedHeaders.includes('host')) {
    return 'SignedHeaders must include content-type and host';
  }
  const sig = signature.toLowerCase();
  if (!HEX64.test(sig)) return 'Signature must be 64 hexadecimal digits';
  return { secretId, date, service, signedHeaders, signature: sig };
}

export interface Tc3RequestInput {
  secretId: string;
  secretKey: string;
  /** session token of a temporary credential → `X-TC-Token` */
  token?: string;
  action: string;
  /** default `2020-11-01` */
  version?: string;
  region?: string;
  language?: 'zh-CN' | 'en-US';
  /** `Host` header and signed host, as configured (port included, like the Python and Go SDKs) */
  host: string;
  /** credential-scope service, default `tcss` */
  service?: string;
  /** default POST */
  method?: 'POST' | 'GET';
  /** POST body (default `{}`) */
  body?: string | Uint8Array;
  /** GET: the query string exactly as it will be sent, without `?` */
  query?: string;
  /** default `application/json` (POST) or `application/x-www-form-urlencoded` (GET) */
  contentType?: string;
  /** Unix seconds, default now */
  timestamp?: number;
  /** send `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` and sign without hashing the body */
  unsignedPayload?: boolean;
  /** CanonicalURI, default `/` */
  path?: string;
}

/**
 * Client side of §3: the headers of one signed API 3.0 request (Authorization, Content-Type, Host,
 * X-TC-*). The caller sends `body` (POST) or `?query` (GET) unchanged.
 */
export function signTc3Request(input: Tc3RequestInput): Record<string, string> {
  const method = input.method ?? 'POST';
  const service = input.service ?? TCSS_SERVICE;
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType =
    input.contentType ?? (method === 'GET' ? 'application/x-www-form-urlencoded' : 'application/json');
  const body = method === 'GET' ? '' : (input.body ?? '{}');
  const date = utcDate(timestamp);
  const canonical = canonicalRequest({
    method,
    path: input.path ?? '/',
    query: method === 'GET' ? (input.query ?? '') : '',
    headers: [
      ['content-type', contentType],
      ['host', input.host],
    ],
    payloadHash: hashedPayload(body, input.unsignedPayload),
  });
  const scope = credentialScope(date, service);
  const signature = signatureHex(
    deriveSigningKey(input.secretKey, date, service),
    stringToSign(timestamp, scope, sha256Hex(canonical)),
  );
  const headers: Record<string, string> = {
    Authorization: `${TC3_ALGORITHM} Credential=${input.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    'Content-Type': contentType,
    Host: input.host,
    'X-TC-Action': input.action,
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': input.version ?? TCSS_VERSION,
  };
  if (input.region) headers['X-TC-Region'] = input.region;
  if (input.token) headers['X-TC-Token'] = input.token;
  if (input.language) headers['X-TC-Language'] = input.language;
  if (input.unsignedPayload) headers['X-TC-Content-SHA256'] = UNSIGNED_PAYLOAD;
  return headers;
}
