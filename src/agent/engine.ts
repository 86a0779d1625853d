import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The Engine API version the agent speaks (Docker ≥ 20.10, podman's compatible service). */
export const ENGINE_API = 'v1.41';

/** Largest JSON answer read from the Engine (image and container lists). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export interface EngineImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size?: number;
  Created?: number;
}

export interface EngineContainer {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  State?: string;
  Status?: string;
  Created?: number;
}

export interface EngineEvent {
  Type?: string;
  Action?: string;
}

/** The socket path of `unix:///path` (the only DOCKER_HOST form the agent accepts). */
export function socketPathOf(dockerHost: string): string {
  const m = /^unix:\/\/(\/.+)$/.exec(dockerHost);
  if (!m) throw new Error(`docker host "${dockerHost}" is not unix:///PATH`);
  return m[1]!;
}

/** A Docker Engine API client over a Unix socket; every answer is bounded and checked. */
export class EngineClient {
  constructor(
    readonly socketPath: string,
    readonly timeoutMs = 30_000,
  ) {}

  #request(path: string, signal?: AbortSignal, timeout = true): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { socketPath: this.socketPath, path: `/${ENGINE_API}${path}`, method: 'GET', signal },
        (res) => {
          if (res.statusCode !== 200) {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => {
              if (body.length < 512) body += d;
            });
            res.on('end', () =>
              reject(
                new Error(
                  `engine: GET ${path} answered HTTP ${res.statusCode}: ${body.slice(0, 200).trim()}`,
                ),
              ),
            );
            res.on('error', reject);
            return;
          }
          resolve(res);
        },
      );
      if (timeout)
        req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`engine: GET ${path} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  async #json<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.#request(path, signal);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_JSON_BYTES) {
        res.destroy();
        throw new Error(`engine: GET ${path} answered more than ${MAX_JSON_BYTES} bytes`);
      }
      chunks.push(c);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
    } catch (cause) {
      throw new Error(`engine: GET ${path} answered invalid JSON`, { cause });
    }
  }

  version(signal?: AbortSignal): Promise<{ Version?: string }> {
    return this.#json('/version', signal);
  }

  async images(signal?: AbortSignal): Promise<EngineImage[]> {
    const r = await this.#json<unknown>('/images/json', signal);
    if (!Array.isArray(r)) throw new Error('engine: /images/json is not a list');
    return r as EngineImage[];
  }

  async containers(signal?: AbortSignal): Promise<EngineContainer[]> {
    const r = await this.#json<unknown>('/containers/json?all=1', signal);
    if (!Array.isArray(r)) throw new Error('engine: /containers/json is not a list');
    return r as EngineContainer[];
  }

  /**
   * Streams image and container events to `onEvent` until the stream ends, fails or `signal` aborts;
   * resolves when it ended, rejects when it could not start or broke.
   */
  async events(onEvent: (e: EngineEvent) => void, signal: AbortSignal): Promise<void> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['image', 'container'] }));
    const res = await this.#request(`/events?filters=${filters}`, signal, false);
    let buffered = '';
    res.setEncoding('utf8');
    for await (const chunk of res as AsyncIterable<string>) {
      buffered += chunk;
      if (buffered.length > 1024 * 1024) throw new Error('engine: an event longer than 1 MiB');
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) {
          try {
            onEvent(JSON.parse(line) as EngineEvent);
          } catch {
            // a line that is not an event is skipped
          }
        }
        nl = buffered.indexOf('\n');
      }
    }
  }

  /** Writes `docker save` of one image (a docker-archive tar) to `file`; over `maxBytes` fails and removes it. */
  async exportImage(imageId: string, file: string, maxBytes: number, signal?: AbortSignal): Promise<number> {
    const res = await this.#request(`/images/${encodeURIComponent(imageId)}/get`, signal, false);
    let size = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) done(new Error(`export-too-large: over ${maxBytes} bytes`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(res, cap, createWriteStream(file, { mode: 0o600 }), { signal });
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    }
    return size;
  }
}
