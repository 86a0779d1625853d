import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, REPO_ROOT } from './fixtures.js';

/** A `hullscan worker` process, for tests that kill workers where they stand. */
export interface WorkerProcess {
  pid: number;
  stderr: () => string;
  /** resolves when stderr has printed a line matching `re` (a failpoint, say), or rejects after `ms` */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** SIGKILL, then wait for the exit */
  kill(): Promise<void>;
  /** SIGTERM (graceful), then the exit code */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts `hullscan worker ARGS`; resolves once it says it is ready, or at once with `ready: false`
 * (a worker stopped by a failpoint during its start never says so).
 */
export async function startWorker(
  args: string[],
  env: Record<string, string> = {},
  options: { ready?: boolean } = {},
): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'worker', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = w.re.exec(err);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    check();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (options.ready !== false)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}\n${err}`)), 20_000);
      child.stdout!.on('data', () => {
        if (/^hullscan worker /m.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with ${code}:\n${out}\n${err}`));
      });
    });
  return {
    pid: child.pid!,
    stderr: () => err,
    exited,
    waitFor(re, ms = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker never printed ${re}:\n${err}`)), ms);
        waiters.push({
          re,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
