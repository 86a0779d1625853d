import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

/** The tools a podman-backed Engine API needs on this machine. */
export const PODMAN_TOOLS = ['podman', 'runc', 'catatonit', 'skopeo'];

/** A `podman system service` answering the Docker Engine API on a Unix socket in a temp dir. */
export interface PodmanService {
  socket: string;
  /** `unix:///…/podman.sock` */
  dockerHost: string;
  /** one Engine API call (JSON in and out); rejects on a status ≥ 400 */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** POST /images/load of a docker-archive tar; returns the loaded image's ID (`sha256:…`) */
  load(archive: string, name: string): Promise<string>;
  /** creates and (unless `start` is false) starts a container; returns its id */
  run(image: string, name: string, cmd: string[], start?: boolean): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts podman's Docker-compatible service with its own storage (vfs), runtime config (runc,
 * cgroupfs, no network namespace, low ulimits) and registries file under `dir`; resolves once
 * `/_ping` answers. Only the process started here is ever stopped.
 */
export async function startPodman(dir: string): Promise<PodmanService> {
  await mkdir(path.join(dir, 'runroot'), { recursive: true });
  await mkdir(path.join(dir, 'graphroot'), { recursive: true });
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  const storage = path.join(dir, 'storage.conf');
  const containers = path.join(dir, 'containers.conf');
  const registries = path.join(dir, 'registries.conf');
  await writeFile(
    storage,
    `[storage]\ndriver = "vfs"\nrunroot = "${dir}/runroot"\ngraphroot = "${dir}/graphroot"\n`,
  );
  await writeFile(
    containers,
    [
      '[containers]',
      'netns = "none"',
      'log_driver = "k8s-file"',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${dir}/events.log"`,
      `tmp_dir = "${dir}/tmp"`,
      '[network]',
      'network_backend = "cni"',
      '',
    ].join('\n'),
  );
  await writeFile(registries, 'unqualified-search-registries = []\n');
  const socket = path.join(dir, 'podman.sock');
  await rm(socket, { force: true });
  const env = {
    ...process.env,
    CONTAINERS_STORAGE_CONF: storage,
    CONTAINERS_CONF: containers,
    CONTAINERS_REGISTRIES_CONF: registries,
    XDG_RUNTIME_DIR: path.join(dir, 'tmp'),
  };
  const child: ChildProcess = spawn(
    'podman',
    [
      '--root',
      `${dir}/graphroot`,
      '--runroot',
      `${dir}/runroot`,
      'system',
      'service',
      '--time=0',
      `unix://${socket}`,
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 10_000) stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const request = (method: string, p: string, body?: Buffer | NodeJS.ReadableStream, type?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          socketPath: socket,
          path: `/v1.41${p}`,
          method,
          headers: type ? { 'content-type': type } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.setTimeout(120_000, () => req.destroy(new Error(`podman: ${method} ${p} timed out`)));
      req.on('error', reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else body.pipe(req);
    });

  const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const r = await request(
      method,
      p,
      body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      body === undefined ? undefined : 'application/json',
    );
    if (r.status >= 400)
      throw new Error(`podman: ${method} ${p} answered ${r.status}: ${r.text.slice(0, 500)}`);
    return (r.text ? JSON.parse(r.text) : undefined) as T;
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await request('GET', '/_ping').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`podman service did not start: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    socket,
    dockerHost: `unix://${socket}`,
    api,
    async load(archive, name) {
      const r = await request('POST', '/images/load', createReadStream(archive), 'application/x-tar');
      if (r.status >= 400) throw new Error(`podman: load answered ${r.status}: ${r.text.slice(0, 500)}`);
      const image = await api<{ Id: string }>('GET', `/images/${encodeURIComponent(name)}/json`);
      return image.Id.startsWith('sha256:') ? image.Id : `sha256:${image.Id}`;
    },
    async run(image, name, cmd, start = true) {
      const c = await api<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(name)}`, {
        Image: image,
        Cmd: cmd,
        HostConfig: { NetworkMode: 'none' },
      });
      if (start) await api('POST', `/containers/${c.Id}/start`);
      return c.Id;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // running containers first, so no conmon is left behind
        const list = await api<{ Id: string }[]>('GET', '/containers/json?all=1').catch(() => []);
        for (const c of list) await api('DELETE', `/containers/${c.Id}?force=1`).catch(() => undefined);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
