import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type HttpRequest, HttpTransport, readBody } from './http.js';
import { type RegistryClient, type RegistryConnection, RegistryError } from './types.js';

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

const MAX_JSON = 4 << 20;
const MAX_TOKEN = 1 << 20;
const MAX_ENTRIES = 100_000;
const MAX_PAGES = 10_000;
const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;

/** Parses `Bearer realm="…",service="…",scope="…"` (or Basic …) from WWW-Authenticate. */
export function parseChallenge(
  header: string | undefined,
): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!))
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1]!.toLowerCase(), params };
}

/** Where `docker.io` references are served from. */
export function registryEndpoint(host: string): string {
  return host === 'docker.io' || host === 'index.docker.io' ? 'registry-1.docker.io' : host;
}

export function checkRepository(repo: string): void {
  if (repo.length > 255 || !REPO_RE.test(repo))
    throw new RegistryError('protocol', `"${repo}" is not a repository name`);
}

interface CachedToken {
  token: string;
  expires: number;
}

/**
 * The OCI distribution client: authentication (anonymous, basic, bearer tokens cached per realm,
 * service and scope), the base URL (https; plain http only when `insecure` and https fails), and the
 * registry API calls. RegistrySource builds on `get`.
 */
export class DistributionClient implements RegistryClient {
  readonly http: HttpTransport;
  private base?: Promise<URL>;
  private readonly tokens = new Map<string, CachedToken>();
  /** the registry's auth scheme, learnt from its first 401 */
  private challenge?: { scheme: string; params: Record<string, string> };
  /** token requests made (for tests and diagnostics) */
  tokenRequests = 0;

  constructor(readonly conn: RegistryConnection) {
    if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(conn.host) && !/^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(conn.host))
      throw new RegistryError('protocol', `"${conn.host}" is not a registry host[:port]`);
    this.http = new HttpTransport(conn);
  }

  close(): void {
    this.http.close();
  }

  /** https://HOST/, or with `insecure` http://HOST/ when https does not answer (skopeo's --tls-verify=false). */
  baseUrl(signal?: AbortSignal): Promise<URL> {
    this.base ??= (async () => {
      const host = registryEndpoint(this.conn.host);
      const https = new URL(`https://${host}/`);
      if (!this.conn.insecure) return https;
      try {
        const res = await this.http.request({ method: 'GET', url: new URL('/v2/', https), signal });
        res.resume();
        return https;
      } catch (e) {
        if (e instanceof RegistryError && (e.code === 'tls' || e.code === 'unreachable'))
          return new URL(`http://${host}/`);
        throw e;
      }
    })();
    this.base.catch(() => {
      this.base = undefined;
    });
    return this.base;
  }

  private basic(): string | undefined {
    const { username, password } = this.conn;
    if (username === undefined && password === undefined) return undefined;
    return `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  }

  private tokenKey(realm: string, service: string, scope: string): string {
    return JSON.stringify([realm, service, scope]);
  }

  private async fetchToken(
    params: Record<string, string>,
    scope: string,
    signal?: AbortSignal,
  ): Promise<{ token: string; key: string }> {
    let realm: URL;
    try {
      realm = new URL(params.realm ?? '');
    } catch {
      throw new RegistryError('protocol', 'the registry named no valid token realm');
    }
    const service = params.service ?? '';
    const key = this.tokenKey(realm.href, service, scope);
    const cached = this.tokens.get(key);
    if (cached && cached.expires > Date.now()) return { token: cached.token, key };
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.set('scope', scope);
    this.tokenRequests++;
    const basic = this.basic();
    const res = await this.http.request(
      { method: 'GET', url, headers: { accept: 'application/json' }, signal },
      (u) => (u.origin === realm.origin ? basic : undefined),
    );
    const body = await readBody(res, MAX_TOKEN, 'token answer');
    if (res.statusCode === 401)
      throw new RegistryError(
        'unauthorized',
        `${realm.host} refused the credentials for ${scope || 'a token'}`,
      );
    if (res.statusCode === 403)
      throw new RegistryError('denied', `${realm.host} denied a token for ${scope}`);
    if (res.statusCode !== 200)
      throw new RegistryError('protocol', `token realm ${realm.host} answered HTTP ${res.statusCode}`);
    let json: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError('protocol', `token realm ${realm.host} answered no JSON`);
    }
    const token = typeof json.token === 'string' && json.token ? json.token : json.access_token;
    if (typeof token !== 'string' || !token || token.length > MAX_TOKEN || /[\r\n]/.test(token))
      throw new RegistryError('protocol', `token realm ${realm.host} answered no token`);
    const ttl = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    // a little before the realm's own expiry
    this.tokens.set(key, { token, expires: Date.now() + Math.max(1, ttl - 5) * 1000 });
    return { token, key };
  }

  /** The Authorization header to send for `scope` (and the token cache key used), from what the registry asked before. */
  private async authHeader(
    scope: string,
    signal?: AbortSignal,
  ): Promise<{ header?: string; tokenKey?: string }> {
    const ch = this.challenge;
    if (!ch) return {};
    if (ch.scheme === 'bearer') {
      const { token, key } = await this.fetchToken(ch.params, scope, signal);
      return { header: `Bearer ${token}`, tokenKey: key };
    }
    if (ch.scheme === 'basic') return { header: this.basic() };
    return {};
  }

  /**
   * GET (or HEAD) `path` on the registry with authentication for `scope`: answers 401 by following the
   * challenge (a cached token refused: dropped and fetched again once). Returns any non-401 response.
   */
  async send(
    method: HttpRequest['method'],
    pathOrUrl: string | URL,
    scope: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    const base = await this.baseUrl(signal);
    const url = typeof pathOrUrl === 'string' ? new URL(pathOrUrl, base) : pathOrUrl;
    if (url.origin !== base.origin)
      throw new RegistryError('protocol', `refusing to follow a link to ${url.host}`);
    let retried = false;
    for (;;) {
      const { header: auth, tokenKey } = await this.authHeader(scope, signal);
      const res = await this.http.request({ method, url, headers, signal }, (u) =>
        u.origin === base.origin ? auth : undefined,
      );
      if (res.statusCode !== 401) return res;
      res.resume();
      const www = res.headers['www-authenticate'];
      const ch = parseChallenge(Array.isArray(www) ? www[0] : www);
      if (!ch || (ch.scheme !== 'bearer' && ch.scheme !== 'basic'))
        throw new RegistryError('unauthorized', `${this.conn.host} answered 401 without a usable challenge`);
      if (ch.scheme === 'basic' && this.basic() === undefined)
        throw new RegistryError('unauthorized', `${this.conn.host} needs a user name and password`);
      if (tokenKey) this.tokens.delete(tokenKey);
      // once more: with the challenge now known, or with a fresh token instead of a refused cached one
      if (retried || (ch.scheme === 'basic' && auth))
        throw new RegistryError(
          'unauthorized',
          `${this.conn.host} refused ${auth ? 'the credentials' : 'anonymous access'} for ${scope || 'the registry'}`,
        );
      this.challenge = ch;
      retried = true;
    }
  }

  /** GETs a JSON document (catalog, tags list) with a size cap; 404 → not-found. */
  async getJson<T>(
    path: string | URL,
    scope: string,
    what: string,
    signal?: AbortSignal,
  ): Promise<{ json: T; res: IncomingMessage }> {
    const res = await this.send('GET', path, scope, { accept: 'application/json' }, signal);
    const body = await readBody(res, MAX_JSON, what);
    checkStatus(res, what, this.conn.host);
    try {
      return { json: JSON.parse(body.toString('utf8')) as T, res };
    } catch {
      throw new RegistryError('protocol', `${what} is not JSON`);
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    const res = await this.send('GET', '/v2/', '', { accept: 'application/json' }, signal);
    await readBody(res, MAX_JSON, 'ping answer');
    checkStatus(res, '/v2/', this.conn.host);
  }

  private async paged(
    first: string,
    scope: string,
    key: 'repositories' | 'tags',
    check: (s: string) => boolean,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const out: string[] = [];
    const seen = new Set<string>();
    let next: string | URL | undefined = first;
    for (let page = 0; next; page++) {
      if (page >= MAX_PAGES) throw new RegistryError('protocol', `more than ${MAX_PAGES} pages of ${key}`);
      const { json, res } = await this.getJson<Record<string, unknown>>(next, scope, `${key} list`, signal);
      const list = json[key];
      if (list !== null && list !== undefined && !Array.isArray(list))
        throw new RegistryError('protocol', `${key} list is malformed`);
      for (const v of (list as unknown[] | null) ?? []) {
        if (typeof v !== 'string' || !check(v))
          throw new RegistryError('protocol', `${key} list names "${String(v).slice(0, 80)}"`);
        if (seen.has(v)) continue;
        seen.add(v);
        out.push(v);
        if (out.length > MAX_ENTRIES) throw new RegistryError('protocol', `more than ${MAX_ENTRIES} ${key}`);
      }
      next = nextLink(res.headers.link, await this.baseUrl(signal));
    }
    return out;
  }

  private pageQuery(): string {
    const n = this.conn.pageSize;
    return n && Number.isInteger(n) && n > 0 ? `?n=${n}` : '?n=1000';
  }

  repositories(signal?: AbortSignal): Promise<string[]> {
    return this.paged(
      `/v2/_catalog${this.pageQuery()}`,
      'registry:catalog:*',
      'repositories',
      (s) => REPO_RE.test(s),
      signal,
    );
  }

  tags(repository: string, signal?: AbortSignal): Promise<string[]> {
    checkRepository(repository);
    return this.paged(
      `/v2/${repository}/tags/list${this.pageQuery()}`,
      `repository:${repository}:pull`,
      'tags',
      (s) => TAG_RE.test(s),
      signal,
    );
  }

  async digest(repository: string, reference: string, signal?: AbortSignal): Promise<string> {
    checkRepository(repository);
    const path = `/v2/${repository}/manifests/${encodeURIComponent(reference)}`;
    const scope = `repository:${repository}:pull`;
    const head = await this.send('HEAD', path, scope, { accept: MANIFEST_ACCEPT }, signal);
    head.resume();
    const h = head.headers['docker-content-digest'];
    if (head.statusCode === 200 && typeof h === 'string' && /^sha256:[a-f0-9]{64}$/.test(h)) return h;
    if (head.statusCode === 404) throw new RegistryError('not-found', `${repository}:${reference} not found`);
    const { digest } = await this.manifest(repository, reference, signal);
    return digest;
  }

  /** A manifest or index by tag or digest, size-capped and digest-checked (schema 1 refused). */
  async manifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    checkRepository(repository);
    const isDigest = reference.startsWith('sha256:');
    if (isDigest ? !/^sha256:[a-f0-9]{64}$/.test(reference) : !TAG_RE.test(reference))
      throw new RegistryError('protocol', `"${reference}" is not a tag or sha256 digest`);
    const res = await this.send(
      'GET',
      `/v2/${repository}/manifests/${reference}`,
      `repository:${repository}:pull`,
      { accept: MANIFEST_ACCEPT },
      signal,
    );
    const what = `manifest ${repository}:${reference}`;
    const body = await readBody(res, MAX_JSON, what);
    checkStatus(res, what, this.conn.host);
    const digest = sha256hex(body);
    const header = res.headers['docker-content-digest'];
    if (isDigest && digest !== reference)
      throw new RegistryError('bad-digest', `${what}: content hashes to ${digest}`);
    if (typeof header === 'string' && header.startsWith('sha256:') && header !== digest)
      throw new RegistryError(
        'bad-digest',
        `${what}: the registry says ${header}, content hashes to ${digest}`,
      );
    let mediaType = String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    let json: { mediaType?: unknown; schemaVersion?: unknown };
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError('protocol', `${what} is not JSON`);
    }
    if (
      json.schemaVersion === 1 ||
      /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/.test(mediaType)
    )
      throw new RegistryError('protocol', `${what} is a Docker schema 1 manifest, which is not supported`);
    if (typeof json.mediaType === 'string') mediaType = json.mediaType;
    return { body, mediaType, digest };
  }

  /** A small blob (a config), size-capped and digest-checked. */
  async smallBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Buffer> {
    const res = await this.blob(repository, digest, signal);
    const body = await readBody(res, MAX_JSON, `blob ${digest}`);
    const got = sha256hex(body);
    if (got !== digest)
      throw new RegistryError('bad-digest', `blob digest mismatch: expected ${digest}, got ${got}`);
    return body;
  }

  /** The response of a blob GET (redirects followed, credentials kept from other hosts), status checked. */
  async blob(repository: string, digest: string, signal?: AbortSignal): Promise<IncomingMessage> {
    checkRepository(repository);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest))
      throw new RegistryError('protocol', `"${digest}" is not a sha256 digest`);
    const res = await this.send(
      'GET',
      `/v2/${repository}/blobs/${digest}`,
      `repository:${repository}:pull`,
      {},
      signal,
    );
    if (res.statusCode !== 200) {
      res.resume();
      checkStatus(res, `blob ${digest}`, this.conn.host);
    }
    return res;
  }
}

export function sha256hex(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

function checkStatus(res: IncomingMessage, what: string, host: string): void {
  const s = res.statusCode ?? 0;
  if (s >= 200 && s < 300) return;
  if (s === 401) throw new RegistryError('unauthorized', `${host}: ${what}: unauthorized`);
  if (s === 403) throw new RegistryError('denied', `${host}: ${what}: access denied`);
  if (s === 404) throw new RegistryError('not-found', `${host}: ${what}: not found`);
  if (s === 429) throw new RegistryError('too-many-requests', `${host}: ${what}: too many requests`);
  throw new RegistryError(s >= 500 ? 'unreachable' : 'protocol', `${host}: ${what}: HTTP ${s}`);
}

/** The `rel="next"` target of a Link header, on the registry's own origin. */
function nextLink(link: string | string[] | undefined, base: URL): URL | undefined {
  const header = Array.isArray(link) ? link.join(', ') : link;
  if (!header) return undefined;
  const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(header);
  if (!m) return undefined;
  let url: URL;
  try {
    url = new URL(m[1]!, base);
  } catch {
    throw new RegistryError('protocol', 'malformed Link header');
  }
  if (url.origin !== base.origin)
    throw new RegistryError('protocol', `paging link to another host (${url.host})`);
  return url;
}

/** A client for one registry (see DistributionClient). */
export function registryClient(conn: RegistryConnection): RegistryClient & { close(): void } {
  return new DistributionClient(conn);
}
