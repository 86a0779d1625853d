import type { ConsoleApi, Lang } from './contract.js';
import { hex, hmacSha256, sha256, utf8 } from './sha256.js';

/**
 * The console's API client: every call is a TC3-HMAC-SHA256 signed JSON POST to `/`, exactly as the
 * Tencent Cloud SDKs make it (shared/tcss-api/PROTOCOL.md §3), signed here in the browser. The SecretKey
 * only ever feeds the HMAC; the request carries the SecretId and the signature.
 */

export const VERSION = '2020-11-01';
const SERVICE = 'tcss';

/** An error answer of the API (`Response.Error`), or a transport failure (`Code` NetworkError). */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export interface Credential {
  secretId: string;
  secretKey: string;
}

function utcDate(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 10);
}

/** The Authorization header value for one POST of `body` with the given headers. */
export async function authorization(
  cred: Credential,
  host: string,
  contentType: string,
  body: string,
  timestamp: number,
): Promise<string> {
  const payloadHash = hex(await sha256(utf8(body)));
  const canonical = `POST\n/\n\ncontent-type:${contentType.toLowerCase()}\nhost:${host.toLowerCase()}\n\ncontent-type;host\n${payloadHash}`;
  const date = utcDate(timestamp);
  const scope = `${date}/${SERVICE}/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${hex(await sha256(utf8(canonical)))}`;
  const kDate = await hmacSha256(utf8(`TC3${cred.secretKey}`), date);
  const kService = await hmacSha256(kDate, SERVICE);
  const kSigning = await hmacSha256(kService, 'tc3_request');
  const signature = hex(await hmacSha256(kSigning, toSign));
  return `TC3-HMAC-SHA256 Credential=${cred.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

/** Seconds the server's clock is ahead of ours, learned from a SignatureExpire answer's Date header. */
let clockSkew = 0;

export function createApi(cred: Credential, lang: () => Lang): ConsoleApi {
  return {
    async call<T = Record<string, unknown>>(
      action: string,
      params: Record<string, unknown> = {},
    ): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const body = JSON.stringify(params);
        const timestamp = Math.floor(Date.now() / 1000) + clockSkew;
        const contentType = 'application/json';
        const headers: Record<string, string> = {
          'Content-Type': contentType,
          'X-TC-Action': action,
          'X-TC-Version': VERSION,
          'X-TC-Timestamp': String(timestamp),
          'X-TC-Language': lang(),
          Authorization: await authorization(cred, location.host, contentType, body, timestamp),
        };
        let res: Response;
        try {
          res = await fetch('/', {
            method: 'POST',
            headers,
            body,
            credentials: 'omit',
            cache: 'no-store',
            referrerPolicy: 'no-referrer',
          });
        } catch (e) {
          throw new ApiCallError('NetworkError', e instanceof Error ? e.message : String(e));
        }
        let json: { Response?: { Error?: { Code?: string; Message?: string }; RequestId?: string } };
        try {
          json = await res.json();
        } catch {
          throw new ApiCallError('InternalError', `HTTP ${res.status}`);
        }
        const r = json.Response;
        if (!r) throw new ApiCallError('InternalError', `HTTP ${res.status}`);
        if (r.Error) {
          const code = r.Error.Code ?? 'InternalError';
          const serverDate = Date.parse(res.headers.get('Date') ?? '');
          if (code === 'AuthFailure.SignatureExpire' && attempt === 0 && Number.isFinite(serverDate)) {
            clockSkew = Math.round(serverDate / 1000 - Date.now() / 1000);
            continue;
          }
          throw new ApiCallError(code, r.Error.Message ?? code, r.RequestId);
        }
        return r as T;
      }
    },
  };
}
