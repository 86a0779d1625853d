// A `hullscan serve` child process for the benchmarks (pinned to core 0 when taskset exists, this
// process to core 1) and TC3-signed requests to it.
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signTc3Request } from '../dist/api/tc3/sign-tc3.js';

export const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/** Pins this process to core 1 (the server gets core 0). */
export function pinSelf() {
  if (hasTaskset) spawnSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
}

/** Starts `hullscan serve` on `dataDir` for `account` with `cred`; resolves with the child and its host:port. */
export async function startServer(dataDir, account, cred, extraEnv = {}) {
  const config = join(tmpdir(), `hullscan-bench-${process.pid}.json`);
  await writeFile(config, JSON.stringify({ accounts: [{ ...account, credentials: [cred] }] }));
  const cmd = [
    process.execPath,
    new URL('../bin/hullscan.js', import.meta.url).pathname,
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--data',
    dataDir,
    '--config',
    config,
  ];
  const child = spawn(hasTaskset ? 'taskset' : cmd[0], hasTaskset ? ['-c', '0', ...cmd] : cmd.slice(1), {
    env: { ...process.env, HULLSCAN_RATE_LIMIT: '0', ...extraEnv },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const endpoint = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/(127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { child, endpoint };
}

/** A signed POST for `action` (method, path, headers, body), as fetch and autocannon take it. */
export function signed(endpoint, cred, action, params) {
  const body = JSON.stringify(params);
  const headers = signTc3Request({
    ...cred,
    action,
    version: '2020-11-01',
    body,
    host: endpoint,
    service: 'tcss',
    timestamp: Math.floor(Date.now() / 1000),
  });
  return { method: 'POST', path: '/', headers, body };
}
