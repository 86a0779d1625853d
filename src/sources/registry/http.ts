import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { type AddressPolicy, type RegistryConnection, RegistryError } from './types.js';

/** What one HTTP exchange with a registry (or its token realm, or blob storage) needs. */
export interface HttpRequest {
  method: 'GET' | 'HEAD';
  url: URL;
  headers?: OutgoingHttpHeaders;
  signal?: AbortSignal;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const RETRY_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
]);
const MAX_REDIRECTS = 5;
const MAX_RETRY_WAIT_MS = 10_000;

/** Resolves a host name and keeps only addresses the policy allows: the socket connects to a checked address. */
function policyLookup(policy: AddressPolicy): LookupFunction {
  return ((
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: (...a: unknown[]) => void,
  ) => {
    dnsLookup(hostname, { all: true, family: options?.family ?? 0 }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const ok = addresses.filter((a) => policy.allows(hostname, a.address));
      if (ok.length === 0) {
        const addrs = addresses.map((a) => a.address).join(', ');
        return callback(
          new RegistryError(
            'forbidden-address',
            `${hostname} resolves to ${addrs}, not allowed (allowed: ${policy.describe()})`,
          ),
        );
      }
      if (options?.all) return callback(null, ok);
      callback(null, ok[0]!.address, ok[0]!.family);
    });
  }) as LookupFunction;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads a body up to `max` bytes; longer is a protocol error. */
export async function readBody(res: IncomingMessage, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.destroy();
    throw new RegistryError('protocol', `${what} is ${declared} bytes, more than the ${max}-byte limit`);
  }
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of res) {
      n += (chunk as Buffer).length;
      if (n > max) {
        res.destroy();
        throw new RegistryError('protocol', `${what} is more than the ${max}-byte limit`);
      }
      parts.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    throw new RegistryError(
      'unreachable',
      `${what}: connection lost while reading (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  return Buffer.concat(parts);
}

/** Sends requests to one registry: TLS settings, the address policy, timeouts, retries and redirects. */
export class HttpTransport {
  private readonly httpsAgent: https.Agent;
  private readonly httpAgent: http.Agent;
  readonly timeoutMs: number;
  readonly retries: number;

  constructor(private readonly conn: RegistryConnection) {
    this.timeoutMs = conn.timeoutMs ?? 30_000;
    this.retries = conn.retries ?? 4;
    const lookup = conn.policy ? policyLookup(conn.policy) : undefined;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      rejectUnauthorized: !conn.insecure,
      ...(conn.ca?.length ? { ca: [...rootCertificates, ...conn.ca] } : {}),
      ...(conn.clientCert ? { cert: conn.clientCert.cert, key: conn.clientCert.key } : {}),
      ...(lookup ? { lookup } : {}),
    });
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8, ...(lookup ? { lookup } : {}) });
  }

  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  /** Refuses a URL the policy does not allow before any connection (IP literals skip DNS, so check here). */
  private checkUrl(url: URL): void {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RegistryError(
        'forbidden-address',
        `${url.protocol} URLs are not followed (only http and https)`,
      );
    if (url.username || url.password)
      throw new RegistryError('protocol', 'URLs with credentials in them are not followed');
    const policy = this.conn.policy;
    if (!policy) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !policy.allows(host, host))
      throw new RegistryError(
        'forbidden-address',
        `${host} is not an allowed address (allowed: ${policy.describe()})`,
      );
  }

  /** One exchange, no retry, no redirect; resolves with the response once its headers arrived. */
  private once(req: HttpRequest): Promise<IncomingMessage> {
    this.checkUrl(req.url);
    const isHttps = req.url.protocol === 'https:';
    const mod = isHttps ? https : http;
    return new Promise((resolve, reject) => {
      const r = mod.request(req.url, {
        method: req.method,
        headers: { 'user-agent': 'hullscan', ...req.headers },
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        signal: req.signal,
      });
      const host = req.url.host;
      r.setTimeout(this.timeoutMs, () => {
        r.destroy(
          Object.assign(
            new RegistryError('unreachable', `${host} did not answer within ${this.timeoutMs} ms`),
            {
              retryable: true,
            },
          ),
        );
      });
      r.on('error', (e: Error & { code?: string }) => reject(toRegistryError(e, host)));
      r.on('response', (res) => {
        // the socket's idle timeout keeps running while the body streams: a stalled body fails too
        res.on('error', () => {});
        resolve(res);
      });
      r.end();
    });
  }

  /**
   * Sends with retries (429/502/503/504, connection errors, timeouts: exponential backoff with jitter,
   * Retry-After honoured up to 10 s) and follows redirects, each target checked again. `authFor`
   * gives the Authorization header for a URL (none for another host: blob storage).
   */
  async request(req: HttpRequest, authFor?: (url: URL) => string | undefined): Promise<IncomingMessage> {
    let url = req.url;
    for (let hop = 0; ; hop++) {
      const auth = authFor?.(url);
      const res = await this.withRetries({
        ...req,
        url,
        headers: { ...req.headers, ...(auth ? { authorization: auth } : {}) },
      });
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
        res.resume();
        if (hop >= MAX_REDIRECTS) throw new RegistryError('protocol', `more than ${MAX_REDIRECTS} redirects`);
        let next: URL;
        try {
          next = new URL(res.headers.location, url);
        } catch {
          throw new RegistryError('protocol', 'redirect to a malformed location');
        }
        if (url.protocol === 'https:' && next.protocol === 'http:' && !this.conn.insecure)
          throw new RegistryError('protocol', `refusing a redirect from https to http (${next.host})`);
        this.checkUrl(next);
        // a different origin (blob storage) gets no registry credentials
        if (next.origin !== url.origin) authFor = undefined;
        url = next;
        continue;
      }
      return res;
    }
  }

  private async withRetries(req: HttpRequest): Promise<IncomingMessage> {
    for (let attempt = 0; ; attempt++) {
      let res: IncomingMessage | undefined;
      let err: RegistryError | undefined;
      try {
        res = await this.once(req);
      } catch (e) {
        if (!(e instanceof RegistryError) || !(e as { retryable?: boolean }).retryable) throw e;
        err = e;
      }
      if (res && !RETRY_STATUS.has(res.statusCode ?? 0)) return res;
      if (attempt >= this.retries) {
        if (err) throw err;
        res!.resume();
        const s = res!.statusCode;
        if (s === 429)
          throw new RegistryError(
            'too-many-requests',
            `${req.url.host} answered 429 Too Many Requests ${attempt + 1} times`,
          );
        throw new RegistryError('unreachable', `${req.url.host} answered HTTP ${s} ${attempt + 1} times`);
      }
      let wait = Math.min(MAX_RETRY_WAIT_MS, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
      if (res) {
        const ra = res.headers['retry-after'];
        res.resume();
        if (ra) {
          const secs = Number(ra);
          const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(ra) - Date.now();
          if (Number.isFinite(ms) && ms >= 0) wait = Math.min(MAX_RETRY_WAIT_MS, ms);
        }
      }
      await sleep(wait, req.signal);
    }
  }
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|EPROTO|ERR_OSSL)/;

function toRegistryError(e: Error & { code?: string }, host: string): Error {
  if (e instanceof RegistryError) return e;
  if (e.name === 'AbortError') return e;
  const code = e.code ?? '';
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(e.message))
    return new RegistryError('tls', `TLS with ${host} failed: ${e.message}${code ? ` (${code})` : ''}`, {
      cause: e,
    });
  const err = new RegistryError(
    'unreachable',
    `cannot reach ${host}: ${e.message}${code ? ` (${code})` : ''}`,
    {
      cause: e,
    },
  );
  if (RETRY_ERRORS.has(code)) Object.assign(err, { retryable: true });
  return err;
}
