import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, REPO_ROOT } from './fixtures.js';

/** A `hullscan serve` process on 127.0.0.1 (port chosen by the OS), for tests that talk to it over HTTP. */
export interface ServerProcess {
  /** `127.0.0.1:PORT` */
  endpoint: string;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then the exit code (a graceful stop is 0) */
  stop(): Promise<number | null>;
  pid: number;
  /** SIGKILL: the process dies where it stands; resolves when it has exited */
  kill(): Promise<void>;
}

export async function startServer(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 20_000);
    const check = () => {
      const m = /listening on http:\/\/(127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    endpoint,
    url: `http://${endpoint}`,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    pid: child.pid!,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
