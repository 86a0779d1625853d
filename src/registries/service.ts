import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ImageManifest } from '../core/image.js';
import { formatTime } from '../core/time.js';
import {
  registryClient as defaultClient,
  openRegistryImage as defaultOpenImage,
} from '../sources/registry/index.js';
import type {
  AddressPolicy,
  OpenRegistryImage,
  RegistryClient,
  RegistryConnection,
} from '../sources/registry/types.js';
import type { Registry, RegistryImage, SyncCounts, SyncedTag } from '../store/registries.js';
import type { Account, ImageRecord, Store } from '../store/store.js';
import { notScannedDetail } from '../tasks/add-images.js';
import type { SecretBox } from './secrets.js';

/** Bounds of one sync: what a registry may make the server hold or ask. */
export const SYNC_LIMITS = { repositories: 10_000, tags: 100_000, concurrency: 4 } as const;
/** A sync that has not ended after this long is stopped (what it found is not stored). */
export const SYNC_TIMEOUT_MS = 30 * 60_000;

/** A registry URL or address the API refuses: the message says why (InvalidParameterValue). */
export class RegistryInputError extends Error {
  override name = 'RegistryInputError';
}

export interface RegistryServiceOptions {
  /** where registries may be reached (the server's `registryAllow`) */
  policy: AddressPolicy;
  secrets: SecretBox;
  /** the OCI client and image opener (src/sources/registry) unless a test swaps them */
  client?: (conn: RegistryConnection) => RegistryClient & { close(): void };
  openImage?: OpenRegistryImage;
  /** per-request timeout and retries of registry calls */
  timeoutMs?: number;
  retries?: number;
}

/** What one sync did. */
export interface SyncReport {
  registryId: number;
  status: 'SUCCESS' | 'FAILED';
  message: string;
  counts?: SyncCounts;
  failedRepositories: { repository: string; error: string }[];
}

/** `host[:port]` and canonical URL of a registry address (`https://host[:port]`, `http://…`, or a bare host). */
export function parseRegistryUrl(raw: string): {
  url: string;
  host: string;
  hostname: string;
  plain: boolean;
} {
  const text = raw.trim();
  if (text === '' || text.length > 300)
    throw new RegistryInputError('the registry URL must have 1 to 300 characters');
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new RegistryInputError(`"${text}" is not a URL (scheme://host[:port])`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new RegistryInputError(`the registry URL must be http:// or https://, not ${u.protocol}//`);
  if (u.username || u.password)
    throw new RegistryInputError('the registry URL must not carry credentials (use Username and Password)');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash)
    throw new RegistryInputError(
      'the registry URL is scheme://host[:port], without a path, query or fragment',
    );
  if (!u.hostname) throw new RegistryInputError('the registry URL has no host');
  return {
    url: `${u.protocol}//${u.host}`,
    host: u.host.toLowerCase(),
    hostname: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(),
    plain: u.protocol === 'http:',
  };
}

/** Runs `f` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await f(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** The image info a sync keeps of a described manifest. */
function imageInfo(m: ImageManifest, timeZone: string) {
  const c = m.config;
  return {
    imageId: m.imageID,
    size: m.layers.reduce((s, l) => s + (l.size ?? 0), 0),
    createTime: formatTime(c.created, timeZone),
    architecture: c.architecture ? `${c.architecture}${c.variant ? `/${c.variant}` : ''}` : '',
  };
}

/**
 * The registry logic behind the API: address checks (no SSRF), connections with the decrypted
 * password, connectivity checks, syncs (full and incremental, one at a time per registry) and the
 * registration of registry images for scan tasks.
 */
export class RegistryService {
  readonly #o: RegistryServiceOptions;
  readonly #client: (conn: RegistryConnection) => RegistryClient & { close(): void };
  readonly #openImage: OpenRegistryImage;
  readonly #syncing = new Map<string, Promise<SyncReport>>();

  constructor(o: RegistryServiceOptions) {
    this.#o = o;
    this.#client = o.client ?? defaultClient;
    this.#openImage = o.openImage ?? defaultOpenImage;
  }

  get policy(): AddressPolicy {
    return this.#o.policy;
  }

  get secrets(): SecretBox {
    return this.#o.secrets;
  }

  /**
   * The URL checked against the address policy: every address its host resolves to must be allowed.
   * RegistryInputError says why not.
   */
  async checkUrl(raw: string): Promise<{ url: string; host: string; plain: boolean }> {
    const parsed = parseRegistryUrl(raw);
    let addresses: string[];
    if (isIP(parsed.hostname)) addresses = [parsed.hostname];
    else {
      try {
        addresses = (await lookup(parsed.hostname, { all: true, verbatim: true })).map((a) => a.address);
      } catch {
        throw new RegistryInputError(`the registry host ${parsed.hostname} does not resolve`);
      }
    }
    const refused = addresses.find((a) => !this.#o.policy.allows(parsed.hostname, a));
    if (addresses.length === 0 || refused !== undefined)
      throw new RegistryInputError(
        `the registry host ${parsed.hostname} resolves to ${refused ?? 'no address'}, which this server does not allow registries at (allowed: ${this.#o.policy.describe()}; see "registryAllow" in the server config)`,
      );
    return { url: parsed.url, host: parsed.host, plain: parsed.plain };
  }

  /** How to reach a stored registry: its host, TLS mode, decrypted credentials and the address policy. */
  connection(account: Account, r: Registry): RegistryConnection {
    return this.connectionTo(r, r.sealedPassword ? this.#o.secrets.open(account.uin, r.sealedPassword) : '');
  }

  /** How to reach a registry of these settings with this (clear) password: plain HTTP for http:// URLs. */
  connectionTo(
    r: Pick<Registry, 'url' | 'host' | 'insecure' | 'username'>,
    password: string,
  ): RegistryConnection {
    const plain = r.url.startsWith('http://');
    return {
      host: r.host,
      insecure: r.insecure || plain,
      ...(r.username ? { username: r.username } : {}),
      ...(password ? { password } : {}),
      policy: this.#o.policy,
      ...(this.#o.timeoutMs !== undefined ? { timeoutMs: this.#o.timeoutMs } : {}),
      ...(this.#o.retries !== undefined ? { retries: this.#o.retries } : {}),
    };
  }

  /** Whether the registry answers with these credentials: undefined when it does, else the error. */
  async ping(conn: RegistryConnection, signal?: AbortSignal): Promise<Error | undefined> {
    const client = this.#client(conn);
    try {
      await client.ping(signal);
      return undefined;
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    } finally {
      client.close();
    }
  }

  /**
   * Syncs one registry (its SyncMode: 0 full, 1 incremental); a sync of the same registry already
   * running is joined, not repeated. Never throws for what the registry answers: the report and the
   * registry's sync state say what failed.
   */
  sync(store: Store, account: Account, registry: Registry, timeZone: string): Promise<SyncReport> {
    const key = `${account.uin}\0${registry.id}`;
    const running = this.#syncing.get(key);
    if (running) return running;
    const p = this.#sync(store, account, registry, timeZone).finally(() => this.#syncing.delete(key));
    this.#syncing.set(key, p);
    return p;
  }

  async #sync(store: Store, account: Account, registry: Registry, timeZone: string): Promise<SyncReport> {
    const regs = store.registries;
    const full = registry.syncMode !== 1;
    const signal = AbortSignal.timeout(SYNC_TIMEOUT_MS);
    await regs.setSyncState(account, registry.id, 'SYNCING', '', Date.now());
    let conn: RegistryConnection | undefined;
    const failed: { repository: string; error: string }[] = [];
    const fail = async (message: string): Promise<SyncReport> => {
      await regs.setSyncState(account, registry.id, 'FAILED', message, Date.now());
      return { registryId: registry.id, status: 'FAILED', message, failedRepositories: failed };
    };
    try {
      conn = this.connection(account, registry);
    } catch (e) {
      return fail(`the stored password cannot be read: ${(e as Error).message}`);
    }
    const client = this.#client(conn);
    try {
      let repositories: string[];
      try {
        repositories = await client.repositories(signal);
      } catch (e) {
        await regs.setConnection(account, registry.id, false, redact((e as Error).message, conn.password));
        return fail(`listing repositories failed: ${redact((e as Error).message, conn.password)}`);
      }
      await regs.setConnection(account, registry.id, true, '');
      let truncated = '';
      if (repositories.length > SYNC_LIMITS.repositories) {
        truncated = `; only the first ${SYNC_LIMITS.repositories} of ${repositories.length} repositories were synced`;
        repositories = repositories.slice(0, SYNC_LIMITS.repositories);
      }
      const known = new Map<string, RegistryImage>();
      for (const r of await regs.registryImages(account, registry.id))
        known.set(`${r.repository}\0${r.tag}`, r);

      const failedRepos = new Set<string>();
      const markFailed = (repository: string, e: unknown) => {
        if (failedRepos.has(repository)) return;
        failedRepos.add(repository);
        failed.push({ repository, error: redact((e as Error).message, conn?.password) });
      };
      const work: { repository: string; tag: string }[] = [];
      await pool(repositories, SYNC_LIMITS.concurrency, async (repository) => {
        try {
          const tags = await client.tags(repository, signal);
          for (const tag of tags) {
            if (work.length >= SYNC_LIMITS.tags) {
              truncated ||= `; only the first ${SYNC_LIMITS.tags} tags were synced`;
              failedRepos.add(repository); // keep what is stored of it: not every tag was seen
              break;
            }
            work.push({ repository, tag });
          }
        } catch (e) {
          markFailed(repository, e);
        }
      });

      const seen: SyncedTag[] = [];
      await pool(work, SYNC_LIMITS.concurrency, async ({ repository, tag }) => {
        if (failedRepos.has(repository) && failed.some((f) => f.repository === repository)) return;
        try {
          const digest = await client.digest(repository, tag, signal);
          const old = known.get(`${repository}\0${tag}`);
          if (old && old.digest === digest && old.imageId !== '') {
            seen.push({ repository, tag, digest });
            return;
          }
          const source = await this.#openImage(`${registry.host}/${repository}@${digest}`, conn!, { signal });
          try {
            seen.push({ repository, tag, digest, image: imageInfo(await source.describe(signal), timeZone) });
          } finally {
            await source.close();
          }
        } catch (e) {
          markFailed(repository, e);
        }
      });
      // a repository with a failed tag keeps its stored rows (seen tags of it are still stored)
      const counts = await regs.applySync(account, registry.id, {
        full,
        nowMs: Date.now(),
        seen,
        failedRepositories: [...failedRepos],
      });
      if (counts === false)
        return {
          registryId: registry.id,
          status: 'FAILED',
          message: 'the registry was removed',
          failedRepositories: failed,
        };
      if (failed.length > 0) {
        const first = failed
          .slice(0, 3)
          .map((f) => `${f.repository}: ${f.error}`)
          .join('; ');
        const report = await fail(
          `${failed.length} of ${repositories.length} repositories failed (${first}${failed.length > 3 ? '; …' : ''})${truncated}`,
        );
        return { ...report, counts };
      }
      const message = truncated.replace(/^; /, '');
      await regs.setSyncState(account, registry.id, 'SUCCESS', message, Date.now());
      return { registryId: registry.id, status: 'SUCCESS', message, counts, failedRepositories: [] };
    } catch (e) {
      return fail(`sync failed: ${redact((e as Error).message, conn.password)}`);
    } finally {
      client.close();
    }
  }

  /**
   * Registers registry images so the job system can scan them: each becomes (when the account does
   * not have it yet) a NOT_SCAN image built from what the sync learnt, and its source
   * `docker://HOST/REPO:TAG@DIGEST`. Images whose ID is not known yet are described first. Returns the
   * ImageIDs, and the images that could not be registered with why.
   */
  async register(
    store: Store,
    account: Account,
    images: RegistryImage[],
    timeZone: string,
  ): Promise<{ imageIds: string[]; failed: { id: number; error: string }[] }> {
    const imageIds: string[] = [];
    const failed: { id: number; error: string }[] = [];
    const registries = new Map<number, Promise<Registry | undefined>>();
    const registryOf = (id: number) => {
      let r = registries.get(id);
      if (!r) {
        r = store.registries.getRegistry(account, id);
        registries.set(id, r);
      }
      return r;
    };
    await pool(images, SYNC_LIMITS.concurrency, async (image) => {
      try {
        const ref = `${image.host}/${image.repository}:${image.tag}@${image.digest}`;
        const name = `${image.host}/${image.repository}:${image.tag}`;
        let record: ImageRecord;
        if (image.imageId !== '') {
          const m: ImageManifest = {
            reference: ref,
            transport: 'docker',
            names: [name],
            repoDigests: [`${image.host}/${image.repository}@${image.digest}`],
            manifestDigest: image.digest,
            imageID: image.imageId,
            config: {},
            layers: [],
          };
          record = {
            detail: {
              ...notScannedDetail(m, timeZone),
              Size: image.size,
              CreateTime: image.createTime,
              Architecture: image.architecture,
            },
            components: [],
            names: [name],
            layers: [],
          };
        } else {
          const registry = await registryOf(image.registryId);
          if (!registry) throw new Error('the registry was removed');
          const source = await this.#openImage(ref, this.connection(account, registry));
          try {
            const m = await source.describe();
            const names = m.names.length > 0 ? m.names : [name];
            record = {
              detail: { ...notScannedDetail({ ...m, names }, timeZone), ImageName: names[0] ?? name },
              components: [],
              names,
              layers: m.layers.map((l) => ({ diffID: l.diffID, size: l.size ?? 0 })),
            };
          } finally {
            await source.close();
          }
        }
        await store.registerImage(account, record);
        await store.setImageSource(account, { imageId: record.detail.ImageID, reference: `docker://${ref}` });
        imageIds.push(record.detail.ImageID);
      } catch (e) {
        failed.push({ id: image.id, error: (e as Error).message });
      }
    });
    return { imageIds, failed };
  }
}

/** `message` with `secret` (when any) replaced: registry errors never carry a password out. */
export function redact(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join('***') : message;
}
