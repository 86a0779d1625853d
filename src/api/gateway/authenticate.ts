import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  canonicalRequest,
  credentialScope,
  parseTc3Authorization,
  SigningKeyCache,
  sha256Hex,
  signatureBytes,
  stringToSign,
  TCSS_SERVICE,
  UNSIGNED_PAYLOAD,
  utcDate,
} from '../tc3/sign-tc3.js';
import { isV1SignatureMethod, v1SignatureBytes, v1SortedQuery } from '../tc3/sign-v1.js';
import { type Credential, type CredentialSource, SECRET_ID_PATTERN } from './credentials.js';
import { gatewayError, reasons } from './messages.js';

/** What a verified request says about itself; the business parameters stay with the caller. */
export interface Authenticated {
  credential: Credential;
  action: string;
  version: string;
}

/** Largest accepted |server time − request timestamp|, seconds (PROTOCOL §8). */
export const MAX_SKEW_SECONDS = 300;

const UNSIGNED_PAYLOAD_HASH = sha256Hex(UNSIGNED_PAYLOAD);
const TIMESTAMP = /^[0-9]{1,12}$/;
const UPPER = /[A-Z]/;

/** v1 common parameters (PROTOCOL §8); everything else in a v1 request is a business parameter. */
export const V1_COMMON_PARAMS = new Set([
  'Action',
  'Version',
  'Timestamp',
  'Nonce',
  'SecretId',
  'Signature',
  'SignatureMethod',
  'Region',
  'Token',
  'Language',
  'RequestClient',
]);

/**
 * Verifies TC3-HMAC-SHA256 and v1 signatures in the order of PROTOCOL §3 (shape, required headers,
 * clock, key, scope, signature, token), throwing the gateway's ApiErrors. Signature and token
 * comparisons are constant-time; derived TC3 keys are cached.
 */
export class Authenticator {
  readonly #keys: SigningKeyCache;

  constructor(
    readonly credentials: CredentialSource,
    readonly now: () => number,
    keyCacheSize = 1024,
  ) {
    this.#keys = new SigningKeyCache(keyCacheSize);
  }

  /** TC3: `path` and `query` as sent (query without `?`), `body` the bytes received. */
  tc3(
    headers: IncomingHttpHeaders,
    method: string,
    path: string,
    query: string,
    body: Buffer,
  ): Authenticated {
    const header = headers.authorization;
    if (!header) throw gatewayError('AuthFailure.InvalidAuthorization', reasons.missingHeader.en);
    const auth = parseTc3Authorization(header);
    if (typeof auth === 'string') throw gatewayError('AuthFailure.InvalidAuthorization', auth);
    const action = single(headers['x-tc-action']);
    if (!action) throw gatewayError('MissingParameter', 'X-TC-Action');
    const version = single(headers['x-tc-version']);
    if (!version) throw gatewayError('MissingParameter', 'X-TC-Version');
    const timestampText = single(headers['x-tc-timestamp']);
    if (!timestampText) throw gatewayError('MissingParameter', 'X-TC-Timestamp');
    const nowMs = this.now();
    const timestamp = this.#checkTimestamp('X-TC-Timestamp', timestampText, nowMs);
    const credential = this.#credential(auth.secretId, nowMs);

    const date = utcDate(timestamp);
    if (auth.date !== date) throw gatewayError('AuthFailure.SignatureFailure', reasons.scopeDate);
    const host = single(headers.host) ?? '';
    if (auth.service !== TCSS_SERVICE && auth.service !== host.split('.')[0]) {
      throw gatewayError('AuthFailure.SignatureFailure', reasons.scopeService(auth.service));
    }

    const payloadHash =
      single(headers['x-tc-content-sha256'])?.trim() === UNSIGNED_PAYLOAD
        ? UNSIGNED_PAYLOAD_HASH
        : sha256Hex(body);
    const values: (readonly [string, string])[] = [];
    let hostAt = -1;
    let upper = false;
    for (const name of auth.signedHeaders) {
      const value = name === 'host' ? host : headerText(headers[name]);
      if (name === 'host') hostAt = values.length;
      else if (!upper && UPPER.test(value)) upper = true;
      values.push([name, value]);
    }
    const key = this.#keys.get(credential.secretKey, date, auth.service);
    const scope = credentialScope(date, auth.service);
    const expected = Buffer.from(auth.signature, 'hex');
    const tryWith = (signHost: string, lowercaseValues: boolean): boolean => {
      values[hostAt] = ['host', signHost];
      const canonical = canonicalRequest({
        method,
        path,
        query,
        headers: values,
        payloadHash,
        lowercaseValues,
      });
      const actual = signatureBytes(key, stringToSign(timestampText, scope, sha256Hex(canonical)));
      return timingSafeEqual(actual, expected);
    };
    // quirk 2: the Node SDK signs the host without the port it sends, others sign Host as sent. A
    // scope service other than tcss comes from the Node SDK (quirk 1): try its form first.
    const bare = withoutPort(host);
    const [first, second] = auth.service === TCSS_SERVICE ? [host, bare] : [bare, host];
    const ok =
      tryWith(first, true) ||
      (second !== first && tryWith(second, true)) ||
      // SDKs sign content-type as given; PROTOCOL §3 says lower-case: accept both
      (upper && (tryWith(first, false) || (second !== first && tryWith(second, false))));
    if (!ok) throw gatewayError('AuthFailure.SignatureFailure', reasons.signatureMismatch);

    this.#checkToken(credential, single(headers['x-tc-token']), nowMs);
    return { credential, action, version };
  }

  /**
   * v1 (HmacSHA1 / HmacSHA256): `params` every parameter received, common and business, decoded;
   * `host` the Host header. Required: Action, Version, Timestamp, Nonce, SecretId, Signature.
   */
  v1(params: ReadonlyMap<string, string>, method: string, host: string, path: string): Authenticated {
    const need = (name: string): string => {
      const v = params.get(name);
      if (!v) throw gatewayError('MissingParameter', name);
      return v;
    };
    const action = need('Action');
    const version = need('Version');
    const timestampText = need('Timestamp');
    need('Nonce');
    const secretId = need('SecretId');
    const signature = need('Signature');
    const nowMs = this.now();
    this.#checkTimestamp('Timestamp', timestampText, nowMs);
    const credential = this.#credential(secretId, nowMs);
    const signatureMethod = params.get('SignatureMethod') || 'HmacSHA1';
    if (!isV1SignatureMethod(signatureMethod)) {
      throw gatewayError('AuthFailure.SignatureFailure', reasons.signatureMethod);
    }
    const expected = Buffer.from(signature, 'base64');
    const query = v1SortedQuery([...params]);
    const tryWith = (signHost: string): boolean => {
      const actual = v1SignatureBytes(
        credential.secretKey,
        `${method}${signHost}${path}?${query}`,
        signatureMethod,
      );
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    };
    const bare = withoutPort(host);
    if (!(tryWith(host) || (bare !== host && tryWith(bare)))) {
      throw gatewayError('AuthFailure.SignatureFailure', reasons.signatureMismatch);
    }
    this.#checkToken(credential, params.get('Token'), nowMs);
    return { credential, action, version };
  }

  #checkTimestamp(name: string, text: string, nowMs: number): number {
    if (!TIMESTAMP.test(text)) throw gatewayError('InvalidParameter', name, reasons.timestamp);
    const timestamp = Number(text);
    if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > MAX_SKEW_SECONDS) {
      throw gatewayError('AuthFailure.SignatureExpire');
    }
    return timestamp;
  }

  #credential(secretId: string, nowMs: number): Credential {
    if (!SECRET_ID_PATTERN.test(secretId)) throw gatewayError('AuthFailure.InvalidSecretId');
    const c = this.credentials.find(secretId);
    if (
      c === undefined ||
      c.disabled === true ||
      (c.token === undefined && c.expiresAt !== undefined && nowMs >= c.expiresAt)
    ) {
      throw gatewayError('AuthFailure.SecretIdNotFound');
    }
    return c;
  }

  #checkToken(credential: Credential, token: string | undefined, nowMs: number): void {
    if (credential.token === undefined) {
      if (token) throw gatewayError('AuthFailure.TokenFailure', reasons.tokenUnexpected);
      return;
    }
    if (!token) throw gatewayError('AuthFailure.TokenFailure', reasons.tokenMissing);
    if (!sameSecret(token, credential.token))
      throw gatewayError('AuthFailure.TokenFailure', reasons.tokenInvalid);
    if (credential.expiresAt !== undefined && nowMs >= credential.expiresAt) {
      throw gatewayError('AuthFailure.TokenFailure', reasons.tokenExpired);
    }
  }
}

/** Constant-time equality of two strings of any lengths (compares their SHA-256). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function headerText(v: string | string[] | undefined): string {
  return v === undefined ? '' : Array.isArray(v) ? v.join(',') : v;
}

/** `host:port` → `host`, `[v6]:port` → `[v6]`; anything else unchanged. */
export function withoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(0, end + 1) : host;
  }
  const colon = host.indexOf(':');
  return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.slice(0, colon) : host;
}
