import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.js';
import type { ImageSource } from '../core/image.js';
import { DockerArchiveSource } from './docker-archive/docker-archive.js';
import { DirFileSet, TarFileSet } from './file-set.js';
import { OciLayoutSource } from './oci/oci-layout.js';
import { hostPlatform, type Platform } from './platform.js';
import { RegistrySource } from './registry/registry-source.js';
import type { RegistryConnection } from './registry/types.js';
import { TarIndex } from './tar-index.js';

/** How to reach the registry of a `docker://` reference (skopeo's --creds, --cert-dir, --tls-verify=false). */
export interface RegistryOptions {
  username?: string;
  password?: string;
  /** `*.crt`: CA certificates; `client.cert` + `client.key`: a client certificate */
  certDir?: string;
  /** plain HTTP, or HTTPS without certificate verification */
  insecure?: boolean;
}

export interface OpenOptions {
  platform?: Platform;
  registry?: RegistryOptions;
}

const MAX_PEM = 1 << 20;

async function readPem(file: string): Promise<string> {
  const st = await stat(file);
  if (!st.isFile() || st.size > MAX_PEM) throw new BadInputError(file, 'not a PEM file of at most 1 MiB');
  return readFile(file, 'utf8');
}

/** The connection for `host` from registry options (certificates read from --cert-dir). */
export async function registryConnection(host: string, o: RegistryOptions = {}): Promise<RegistryConnection> {
  const conn: RegistryConnection = { host, insecure: o.insecure, username: o.username, password: o.password };
  if (o.certDir) {
    let entries: string[];
    try {
      entries = (await readdir(o.certDir)).sort();
    } catch {
      throw new BadInputError(o.certDir, '--cert-dir is not a readable directory');
    }
    const ca = await Promise.all(
      entries.filter((e) => e.endsWith('.crt')).map((e) => readPem(join(o.certDir!, e))),
    );
    if (ca.length) conn.ca = ca;
    const hasCert = entries.includes('client.cert');
    const hasKey = entries.includes('client.key');
    if (hasCert !== hasKey)
      throw new BadInputError(o.certDir, 'client.cert and client.key must be given together');
    if (hasCert)
      conn.clientCert = {
        cert: await readPem(join(o.certDir, 'client.cert')),
        key: await readPem(join(o.certDir, 'client.key')),
      };
  }
  return conn;
}

/** Opens `docker://HOST/REPO[:TAG|@DIGEST]`. */
async function openRegistry(input: string, opts: OpenOptions): Promise<ImageSource> {
  const rest = input.slice('docker://'.length);
  const host = rest.slice(0, Math.max(0, rest.indexOf('/')));
  if (!host) throw new BadInputError(input, 'a registry reference is docker://HOST/REPO[:TAG|@DIGEST]');
  const conn = await registryConnection(host, opts.registry);
  return new RegistrySource(rest, conn, { platform: opts.platform });
}

/** A parsed skopeo-style reference: `docker-archive:PATH[:REF]`, `oci-archive:PATH[:REF]`, `oci:DIR[:REF]`, or a bare path. */
export interface ParsedReference {
  transport: 'docker-archive' | 'oci-archive' | 'oci' | 'auto';
  path: string;
  ref?: string;
}

const TRANSPORTS = ['docker-archive', 'oci-archive', 'oci'] as const;

/** Splits `PATH[:REF]`; the path part wins when the whole string names an existing file. */
async function splitPathRef(rest: string): Promise<{ path: string; ref?: string }> {
  if (await exists(rest)) return { path: rest };
  const colon = rest.indexOf(':');
  if (colon > 0) return { path: rest.slice(0, colon), ref: rest.slice(colon + 1) || undefined };
  return { path: rest };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export async function parseReference(input: string): Promise<ParsedReference> {
  for (const t of TRANSPORTS) {
    if (input.startsWith(`${t}:`)) {
      const rest = input.slice(t.length + 1);
      if (!rest) throw new BadInputError(input, `missing path after ${t}:`);
      return { transport: t, ...(await splitPathRef(rest)) };
    }
  }
  if (input.startsWith('docker://'))
    throw new BadInputError(input, 'a registry reference has no local path (open it with openSource)');
  if (/^(docker|docker-daemon|containers-storage|dir):/.test(input)) {
    throw new BadInputError(
      input,
      'transport not supported yet (use docker://, docker-archive:, oci-archive:, oci: or a path)',
    );
  }
  return { transport: 'auto', ...(await splitPathRef(input)) };
}

/** Opens an image by reference, autodetecting bare paths (OCI layout directory, docker-archive, oci-archive). */
export async function openSource(input: string, opts: OpenOptions = {}): Promise<ImageSource> {
  if (input.startsWith('docker://')) return openRegistry(input, opts);
  const parsed = await parseReference(input);
  const platform = opts.platform ?? hostPlatform();
  const platformGiven = opts.platform !== undefined;
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(parsed.path);
  } catch {
    throw new BadInputError(parsed.path, 'no such file or directory');
  }
  let transport = parsed.transport;
  if (st.isDirectory()) {
    if (transport !== 'auto' && transport !== 'oci')
      throw new BadInputError(parsed.path, `${transport} needs a file, this is a directory`);
    const files = new DirFileSet(parsed.path);
    if (!(await files.exists('index.json')) && !(await files.exists('oci-layout'))) {
      throw new BadInputError(parsed.path, 'directory is not an OCI layout (no oci-layout or index.json)');
    }
    return new OciLayoutSource(files, {
      reference: input,
      transport: 'oci',
      ref: parsed.ref,
      platform,
      platformGiven,
    });
  }
  if (transport === 'oci')
    throw new BadInputError(parsed.path, 'oci: needs a directory; use oci-archive: for a file');
  const index = await TarIndex.open(parsed.path);
  const files = new TarFileSet(index);
  if (transport === 'auto') {
    if (index.has('manifest.json')) transport = 'docker-archive';
    else if (index.has('index.json')) transport = 'oci-archive';
    else
      throw new BadInputError(
        parsed.path,
        'archive is neither a docker-archive (manifest.json) nor an oci-archive (index.json)',
      );
  }
  if (transport === 'docker-archive')
    return new DockerArchiveSource(files, { reference: input, ref: parsed.ref });
  return new OciLayoutSource(files, {
    reference: input,
    transport: 'oci-archive',
    ref: parsed.ref,
    platform,
    platformGiven,
  });
}
