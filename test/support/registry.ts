/**
 * A real Debian `docker-registry` (CNCF distribution 2.8) on a free 127.0.0.1 port in a temp dir:
 * plain HTTP, htpasswd basic auth, TLS with a self-signed CA, or token auth with a small token server
 * (JWTs signed RS256 with node:crypto). `push` copies images in with skopeo.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, createSign, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type RegistryAuth = 'none' | 'basic' | 'token';

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  dir: string;
  tls: boolean;
  /** PEM of the CA (TLS only) and a --cert-dir holding it as ca.crt */
  caPem?: string;
  certDir?: string;
  user: string;
  password: string;
  /** token server (token auth only): requests it answered */
  tokenServer?: TokenServer;
  /** skopeo copy SRC docker://HOST/DEST (with the registry's credentials and CA) */
  push(src: string, dest: string, extra?: string[]): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface TokenServer {
  url: string;
  requests: number;
  /** scopes asked, in order */
  scopes: string[];
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** libtrust's key ID of a public key: what distribution matches a JWT's `kid` against. */
function libtrustKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const hash = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of hash) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join(':');
}

/** A token server for `auth.token`: grants what is asked to anyone knowing the user/password (or anonymously for pull). */
async function startTokenServer(opts: {
  keyPem: string;
  certPem: string;
  service: string;
  issuer: string;
  user: string;
  password: string;
  expiresIn: number;
}): Promise<TokenServer> {
  const key = createPrivateKey(opts.keyPem);
  const kid = libtrustKeyId(
    new X509Certificate(opts.certPem).publicKey.export({ type: 'spki', format: 'pem' }) as string,
  );
  const state = { requests: 0, scopes: [] as string[] };
  const server = http.createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    const want = `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString('base64')}`;
    if (auth !== undefined && auth !== want) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    state.scopes.push(...scopes);
    const access = scopes.flatMap((s) => {
      const [type, ...rest] = s.split(':');
      const actions = rest.pop() ?? '';
      const name = rest.join(':');
      // anonymous: pull only
      const granted = actions.split(',').filter((a) => auth !== undefined || a === 'pull');
      return type && name ? [{ type, name, actions: granted }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid };
    const claims = {
      iss: opts.issuer,
      sub: auth ? opts.user : '',
      aud: opts.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: `${now}-${state.requests}`,
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = createSign('RSA-SHA256').update(input).sign(key);
    const token = `${input}.${b64url(sig)}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: opts.expiresIn }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/token`,
    get requests() {
      return state.requests;
    },
    get scopes() {
      return state.scopes;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A self-signed certificate (CA:TRUE) for IP:127.0.0.1 and its key. */
async function selfSigned(dir: string, name: string, cn: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  return { cert, key };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not listen on ${port}: ${stderr()}`);
}

/** Starts a registry; `tokenExpiresIn` is what the token server's answers say (default 300 s). */
export async function startRegistry(
  opts: { auth?: RegistryAuth; tls?: boolean; clientCert?: boolean; tokenExpiresIn?: number } = {},
): Promise<TestRegistry> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-registry-'));
  // a free port is only free until someone takes it: another test file's server may bind it first
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRegistryOn(await freePort(), dir, opts);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof PortTaken)) {
        await rm(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
}

/** docker-registry could not bind its port (taken between freePort and its start). */
class PortTaken extends Error {}

async function startRegistryOn(
  port: number,
  dir: string,
  opts: { auth?: RegistryAuth; tls?: boolean; clientCert?: boolean; tokenExpiresIn?: number },
): Promise<TestRegistry> {
  const auth = opts.auth ?? 'none';
  const user = 'tester';
  const password = 's3cret-pa55';
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  let caPem: string | undefined;
  let certDir: string | undefined;
  if (opts.tls) {
    const { cert, key } = await selfSigned(dir, 'server', 'hullscan test registry');
    lines.push('  tls:', `    certificate: ${cert}`, `    key: ${key}`);
    caPem = execFileSync('cat', [cert], { encoding: 'utf8' });
    certDir = path.join(dir, 'certs');
    await mkdir(certDir);
    await writeFile(path.join(certDir, 'ca.crt'), caPem);
    if (opts.clientCert) {
      // the registry asks for a client certificate signed by this (self-signed) one
      const client = await selfSigned(dir, 'client', 'hullscan test client');
      lines.push('    clientcas:', `      - ${client.cert}`);
      await writeFile(path.join(certDir, 'client.cert'), execFileSync('cat', [client.cert]));
      await writeFile(path.join(certDir, 'client.key'), execFileSync('cat', [client.key]));
    }
  }
  let tokenServer: TokenServer | undefined;
  if (auth === 'basic') {
    const htpasswd = path.join(dir, 'htpasswd');
    const { stdout } = await run('htpasswd', ['-Bbn', user, password]);
    await writeFile(htpasswd, stdout);
    lines.push('auth:', '  htpasswd:', '    realm: hullscan-test', `    path: ${htpasswd}`);
  } else if (auth === 'token') {
    const { cert, key } = await selfSigned(dir, 'token', 'hullscan token issuer');
    const keyPem = execFileSync('cat', [key], { encoding: 'utf8' });
    const certPem = execFileSync('cat', [cert], { encoding: 'utf8' });
    tokenServer = await startTokenServer({
      keyPem,
      certPem,
      service: 'hullscan-registry',
      issuer: 'hullscan-token-issuer',
      user,
      password,
      expiresIn: opts.tokenExpiresIn ?? 300,
    });
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${tokenServer.url}`,
      '    service: hullscan-registry',
      '    issuer: hullscan-token-issuer',
      `    rootcertbundle: ${cert}`,
    );
  }
  const cfg = path.join(dir, 'config.yml');
  await writeFile(cfg, `${lines.join('\n')}\n`);
  let child: ChildProcess | undefined;
  let err = '';
  const host = `127.0.0.1:${port}`;
  const reg: TestRegistry = {
    host,
    port,
    dir,
    tls: opts.tls ?? false,
    caPem,
    certDir,
    user,
    password,
    tokenServer,
    async start() {
      err = '';
      child = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-4000);
      });
      try {
        await waitForPort(port, child, () => err);
      } catch (e) {
        if (/address already in use/i.test(err)) throw new PortTaken(`port ${port} was taken: ${err}`);
        throw e;
      }
      // the port answering may be someone else's: ours is alive and did not fail to bind
      await new Promise((r) => setTimeout(r, 300));
      if (child.exitCode !== null || /address already in use/i.test(err)) {
        const e = err;
        await this.stop();
        if (/address already in use/i.test(e)) throw new PortTaken(`port ${port} was taken: ${e}`);
        throw new Error(`docker-registry exited: ${e}`);
      }
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((r) => {
        c.once('exit', () => r());
        c.kill('SIGKILL');
      });
    },
    async push(src, dest, extra = []) {
      const args = ['copy', '--quiet', '--dest-tls-verify=false', ...extra];
      if (auth !== 'none') args.push('--dest-creds', `${user}:${password}`);
      if (certDir) args.push('--dest-cert-dir', certDir);
      await run('skopeo', [...args, src, `docker://${host}/${dest}`], { timeout: 60_000 });
    },
  };
  try {
    await reg.start();
  } catch (e) {
    await tokenServer?.close();
    throw e;
  }
  const stop = reg.stop;
  reg.stop = async () => {
    await stop();
  };
  return Object.assign(reg, {
    async close() {
      await stop();
      await tokenServer?.close();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** Stops a registry for good: process, token server, temp dir. */
export async function closeRegistry(r: TestRegistry | undefined): Promise<void> {
  if (!r) return;
  await (r as TestRegistry & { close(): Promise<void> }).close();
}

export const REGISTRY_TOOLS = ['docker-registry', 'skopeo', 'htpasswd', 'openssl'];
