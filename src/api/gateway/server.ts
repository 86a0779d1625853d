import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RegistryService } from '../../registries/service.js';
import type { Store } from '../../store/store.js';
import type { TaskService } from '../../tasks/service.js';
import type { Action, RequestContext } from '../action.js';
import { ApiError } from '../api-error.js';
import { TCSS_VERSION } from '../tc3/sign-tc3.js';
import { type Authenticated, Authenticator, V1_COMMON_PARAMS } from './authenticate.js';
import type { Credential, CredentialSource } from './credentials.js';
import { errorBody, successBody } from './envelope.js';
import { gatewayError, type Language, parseLanguage, reasons } from './messages.js';
import { compileFlatCoercion, type FlatTree, issueToApiError, parseJsonParams, unflatten } from './params.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import { BodyAborted, BodyTooLarge, discardRest, readBody } from './read-body.js';

export interface ApiServerOptions {
  actions: Action[];
  credentials: CredentialSource;
  store: Store;
  /** the job system; actions that start or stop scans answer FailedOperation without it */
  tasks?: TaskService;
  /** the registry service the registry actions use (address policy, password key) */
  registries?: RegistryService;
  /**
   * The web console: answers (and returns true for) the requests that are its own — GETs of its pages
   * and assets carrying no API action or signature; its pages call the API like any client.
   */
  console?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** the config's hostOfflineSeconds, for the host report action */
  hostOfflineSeconds?: number;
  /** IANA zone handed to actions (RequestContext.timeZone) */
  timeZone: string;
  /** requests per second per (account uin, action); 0 = unlimited; default 20 */
  rateLimits?: { default: number; perAction?: Record<string, number> };
  /** wall clock in ms (timestamps, token expiry, log time, and the rate limiter when given) */
  now?: () => number;
  /** one line per request; never carries a secret, signature or token */
  log?: (line: string) => void;
}

/** Request size caps (PROTOCOL §1): GET request line + headers, v1 POST body, TC3 POST body. */
export const SIZE_LIMITS = { get: 32 * 1024, v1Post: 1024 * 1024, tc3Post: 10 * 1024 * 1024 } as const;
export const DEFAULT_RATE_LIMIT = 20;
/** Language of messages when the request names none. */
export const DEFAULT_LANGUAGE: Language = 'en-US';
/** Header block cap of the HTTP parser: above SIZE_LIMITS.get so the gateway answers that case itself. */
const MAX_HEADER_SIZE = 64 * 1024;
const KEEP_ALIVE_MS = 15_000;

const REGION = /^[a-z0-9-]{1,64}$/;
const LOGGABLE_ACTION = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const TRACE_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The tcss 2020-11-01 API over HTTP (PROTOCOL.md): TC3-HMAC-SHA256 and v1 signatures, size caps,
 * sliding-window rate limits, parameter validation by each action's schema, the Response envelope
 * with HTTP 200. The caller listens on the returned server.
 */
export function createApiServer(opts: ApiServerOptions): Server {
  const gateway = new Gateway(opts);
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (req, res) => {
    // the web console's pages and assets (plain GETs that are not API calls); everything else is the API
    if (opts.console?.(req, res)) return;
    gateway.serve(req, res).catch(() => res.destroy());
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => gateway.clientError(err, socket));
  // longer than the idle timeout of Node's global agent (5 s), so the client closes idle sockets first
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

interface CompiledAction {
  action: Action;
  /** flattened parameters → the value the schema validates (GET / v1) */
  coerce: (tree: FlatTree) => unknown;
  limit: number;
}

/** What one call has established so far, for the reply and the log line. */
interface CallState {
  requestId: string;
  language: Language;
  action?: string;
  credential?: Credential;
}

class Gateway {
  readonly #actions = new Map<string, CompiledAction>();
  readonly #auth: Authenticator;
  readonly #limiter = new SlidingWindowLimiter();
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #log: ((line: string) => void) | undefined;
  readonly #store: Store;
  readonly #tasks: TaskService | undefined;
  readonly #registries: RegistryService | undefined;
  readonly #hostOfflineSeconds: number | undefined;
  readonly #timeZone: string;

  constructor(opts: ApiServerOptions) {
    const limits = opts.rateLimits ?? { default: DEFAULT_RATE_LIMIT };
    checkLimit('rateLimits.default', limits.default);
    for (const action of opts.actions) {
      if (this.#actions.has(action.name)) throw new Error(`action ${action.name} is registered twice`);
      const limit = limits.perAction?.[action.name] ?? limits.default;
      this.#actions.set(action.name, { action, coerce: compileFlatCoercion(action.request), limit });
    }
    for (const [name, limit] of Object.entries(limits.perAction ?? {})) {
      if (!this.#actions.has(name)) throw new Error(`rateLimits.perAction names unknown action ${name}`);
      checkLimit(`rateLimits.perAction.${name}`, limit);
    }
    this.#now = opts.now ?? Date.now;
    this.#monotonic = opts.now ?? (() => performance.now());
    this.#auth = new Authenticator(opts.credentials, this.#now);
    this.#log = opts.log;
    this.#store = opts.store;
    this.#tasks = opts.tasks;
    this.#registries = opts.registries;
    this.#hostOfflineSeconds = opts.hostOfflineSeconds;
    this.#timeZone = opts.timeZone;
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const call: CallState = {
      requestId: randomUUID(),
      language: parseLanguage(single(req.headers['x-tc-language'])) ?? DEFAULT_LANGUAGE,
    };
    let code = 'OK';
    let body: string;
    try {
      body = successBody(await this.#run(req, call), call.requestId);
    } catch (e) {
      if (e instanceof BodyAborted) {
        this.#logLine(call, 'ClientClosedRequest', started);
        return;
      }
      const err = this.#asApiError(e, call);
      code = err.code;
      body = errorBody(err.code, err.messageFor(call.language), call.requestId);
    }
    const traceId = single(req.headers['x-tc-traceid']);
    res.writeHead(
      200,
      traceId !== undefined && TRACE_ID.test(traceId)
        ? {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'X-TC-TraceId': traceId,
          }
        : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    );
    res.end(body);
    if (!req.complete) res.once('finish', () => discardRest(req));
    this.#logLine(call, code, started);
  }

  /** A request the HTTP parser refused: header block over MAX_HEADER_SIZE gets the API's answer. */
  clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      const call: CallState = { requestId: randomUUID(), language: DEFAULT_LANGUAGE };
      const e = gatewayError('RequestSizeLimitExceeded', '32 KB');
      const body = errorBody(e.code, e.messageFor(call.language), call.requestId);
      socket.end(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      this.#logLine(call, e.code, performance.now());
      return;
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }

  async #run(req: IncomingMessage, call: CallState): Promise<unknown> {
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'POST') throw gatewayError('UnsupportedProtocol', loggable(method));
    const headers = req.headers;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const contentType = single(headers['content-type']);
    const media = contentType === undefined ? undefined : mediaType(contentType);
    // an Authorization header, or a POST body that is not a form, means TC3; otherwise v1
    const tc3 =
      headers.authorization !== undefined ||
      (method === 'POST' && media !== undefined && media !== 'application/x-www-form-urlencoded');

    let cap: number;
    let capText: string;
    if (method === 'GET') {
      const head = requestHeadSize(req);
      cap = SIZE_LIMITS.get - head;
      capText = '32 KB';
      if (cap < 0) throw gatewayError('RequestSizeLimitExceeded', capText);
    } else {
      cap = tc3 ? SIZE_LIMITS.tc3Post : SIZE_LIMITS.v1Post;
      capText = tc3 ? '10 MB' : '1 MB';
    }
    let body: Buffer;
    try {
      body = await readBody(req, cap);
    } catch (e) {
      if (e instanceof BodyTooLarge) throw gatewayError('RequestSizeLimitExceeded', capText);
      throw e;
    }

    let auth: Authenticated;
    let region: string | undefined;
    /** business parameters in flattened form (GET, v1); undefined: the TC3 POST JSON body */
    let flat: (readonly [string, string])[] | undefined;
    if (tc3) {
      call.action = single(headers['x-tc-action']);
      auth = this.#auth.tc3(headers, method, path, query, body);
      region = single(headers['x-tc-region']);
      if (method === 'GET') flat = formPairs(query);
    } else {
      const pairs = formPairs(method === 'GET' ? query : body.toString('utf8'));
      const params = new Map<string, string>();
      for (const [k, v] of pairs) {
        if (params.has(k)) throw gatewayError('InvalidParameter', k, reasons.flatConflict);
        params.set(k, v);
      }
      call.language = parseLanguage(params.get('Language')) ?? call.language;
      call.action = params.get('Action');
      auth = this.#auth.v1(params, method, single(headers.host) ?? '', path);
      region = params.get('Region');
      flat = pairs.filter(([k]) => !V1_COMMON_PARAMS.has(k));
    }
    call.credential = auth.credential;

    if (auth.version !== TCSS_VERSION) throw gatewayError('NoSuchVersion', loggable(auth.version));
    const compiled = this.#actions.get(auth.action);
    if (compiled === undefined) throw gatewayError('InvalidAction', loggable(auth.action));
    if (region === '') region = undefined;
    if (region !== undefined && !REGION.test(region)) throw gatewayError('UnsupportedRegion');
    const account = auth.credential.account;
    if (!this.#limiter.tryAcquire(`${account.uin}\n${auth.action}`, compiled.limit, this.#monotonic())) {
      throw gatewayError('RequestLimitExceeded', compiled.limit);
    }

    let input: unknown;
    if (flat !== undefined) {
      input = compiled.coerce(unflatten(flat));
    } else {
      if (media !== 'application/json') {
        throw gatewayError(
          'InvalidParameter',
          'Content-Type',
          reasons.contentType(loggable(contentType ?? '')),
        );
      }
      input = parseJsonParams(body);
    }
    const parsed = compiled.action.request.safeParse(input);
    if (!parsed.success) throw issueToApiError(parsed.error.issues, input);

    const ctx: RequestContext = {
      account,
      requestId: call.requestId,
      language: call.language,
      store: this.#store,
      tasks: this.#tasks,
      registries: this.#registries,
      hostOfflineSeconds: this.#hostOfflineSeconds,
      timeZone: this.#timeZone,
      ...(region !== undefined && { region }),
    };
    return await compiled.action.handle(parsed.data, ctx);
  }

  #asApiError(e: unknown, call: CallState): ApiError {
    if (e instanceof ApiError) return e;
    const stack = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    if (this.#log) {
      const time = new Date(this.#now()).toISOString();
      this.#log(
        `time=${time} requestId=${call.requestId} error=${JSON.stringify(redact(stack, call.credential))}`,
      );
    }
    return gatewayError('InternalError');
  }

  #logLine(call: CallState, code: string, started: number): void {
    if (!this.#log) return;
    const time = new Date(this.#now()).toISOString();
    const action = call.action === undefined ? '-' : LOGGABLE_ACTION.test(call.action) ? call.action : '?';
    const uin = call.credential?.account.uin ?? '-';
    const ms = (performance.now() - started).toFixed(2);
    this.#log(`time=${time} requestId=${call.requestId} action=${action} uin=${uin} code=${code} ms=${ms}`);
  }
}

function checkLimit(name: string, limit: number): void {
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${limit}`);
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `application/json; charset=utf-8` → `application/json` */
function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Bytes of the request target and header lines, as the client sent them (approximately: `: ` and CRLF). */
function requestHeadSize(req: IncomingMessage): number {
  let size = (req.url ?? '').length;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2)
    size += (raw[i] as string).length + (raw[i + 1] as string).length + 4;
  return size;
}

function formPairs(text: string): [string, string][] {
  return text === '' ? [] : [...new URLSearchParams(text)];
}

/** A client-supplied name safe to echo in a message: printable ASCII, at most 64 characters. */
function loggable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

/** The stack without the caller's secret key or token, should a message have picked them up. */
function redact(text: string, credential: Credential | undefined): string {
  let out = text;
  for (const secret of [credential?.secretKey, credential?.token]) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  return out;
}
