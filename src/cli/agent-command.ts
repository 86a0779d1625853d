import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startAgent } from '../agent/agent.js';
import { EngineClient, socketPathOf } from '../agent/engine.js';
import { BadInputError } from '../core/errors.js';
import { defaultDataDir } from './data-dir.js';
import { callAction } from './submit-command.js';

export const AGENT_USAGE = `usage: hullscan agent --server URL [--credential ID:KEY|@FILE | --secret-id ID --secret-key KEY] [--docker-host unix:///PATH]
       [--interval SECONDS] [--super-node] [--host-id ID] [--data DIR] [--scans-per-cycle N]
       [--max-export-bytes N] [--once]
  Reports this host's Engine images and containers (Docker or podman API) to the server on start,
  every --interval seconds (default 60) and on Engine events, and scans the images the server has no
  scan of here (at most --scans-per-cycle, default 2, per cycle; an export over --max-export-bytes,
  default 4 GiB, is refused and reported as the image's AgentError). Docker host: the flag, else
  DOCKER_HOST, else unix:///var/run/docker.sock. Credential: the flags, else HULLSCAN_SECRET_ID/KEY.`;

function agentVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

/**
 * `--credential ID:KEY`, or `--credential @FILE` whose first line is `ID:KEY` (a file keeps the key out
 * of the process list).
 */
async function readCredential(v: string): Promise<{ secretId: string; secretKey: string }> {
  let text = v;
  if (v.startsWith('@')) {
    try {
      text = (await readFile(v.slice(1), 'utf8')).split(/\r?\n/)[0] ?? '';
    } catch (e) {
      throw new BadInputError(
        '--credential',
        `cannot read ${v.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1)
    throw new BadInputError('--credential', 'must be SECRETID:SECRETKEY or @FILE holding that');
  return { secretId: text.slice(0, colon).trim(), secretKey: text.slice(colon + 1).trim() };
}

/** `hullscan agent`: runs until SIGINT/SIGTERM (or one cycle with --once). */
export async function agentCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      'secret-id': { type: 'string' },
      'secret-key': { type: 'string' },
      credential: { type: 'string' },
      'docker-host': { type: 'string' },
      interval: { type: 'string' },
      'super-node': { type: 'boolean' },
      'host-id': { type: 'string' },
      data: { type: 'string' },
      'scans-per-cycle': { type: 'string' },
      'max-export-bytes': { type: 'string' },
      timezone: { type: 'string' },
      once: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${AGENT_USAGE}\n`);
    return 0;
  }
  if (!values.server) throw new BadInputError('usage', `agent needs --server\n${AGENT_USAGE}`);
  let server: URL;
  try {
    server = new URL(values.server);
  } catch {
    throw new BadInputError('--server', `"${values.server}" is not a URL`);
  }
  const fromFlag = values.credential ? await readCredential(values.credential) : undefined;
  const secretId = fromFlag?.secretId ?? values['secret-id'] ?? process.env.HULLSCAN_SECRET_ID;
  const secretKey = fromFlag?.secretKey ?? values['secret-key'] ?? process.env.HULLSCAN_SECRET_KEY;
  if (!secretId || !secretKey)
    throw new BadInputError(
      'credential',
      'give --secret-id/--secret-key or HULLSCAN_SECRET_ID/HULLSCAN_SECRET_KEY',
    );
  const interval = Number(values.interval ?? '60');
  if (!Number.isInteger(interval) || interval < 1 || interval > 86_400)
    throw new BadInputError('--interval', 'must be whole seconds, 1–86400');
  const scans = Number(values['scans-per-cycle'] ?? '2');
  if (!Number.isInteger(scans) || scans < 0 || scans > 100)
    throw new BadInputError('--scans-per-cycle', 'must be 0–100');
  const maxExport = Number(values['max-export-bytes'] ?? String(4 * 1024 ** 3));
  if (!Number.isSafeInteger(maxExport) || maxExport < 1)
    throw new BadInputError('--max-export-bytes', 'must be a positive number of bytes');
  const hostId = values['host-id'];
  if (hostId !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(hostId))
    throw new BadInputError('--host-id', 'must be 1–128 of A-Z a-z 0-9 . _ : -');
  const dockerHost = values['docker-host'] ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  let socketPath: string;
  try {
    socketPath = socketPathOf(dockerHost);
  } catch (e) {
    throw new BadInputError('--docker-host', (e as Error).message);
  }
  const cred = { secretId, secretKey };
  const agent = await startAgent({
    engine: new EngineClient(socketPath),
    call: (action, params) => callAction(server, cred, action, params),
    dataDir: values.data ?? defaultDataDir(),
    intervalSeconds: interval,
    superNode: values['super-node'] === true,
    hostId,
    agentVersion: agentVersion(),
    scansPerCycle: scans,
    maxExportBytes: maxExport,
    timeZone: values.timezone ?? process.env.HULLSCAN_TIMEZONE ?? 'UTC',
    once: values.once === true,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const stop = () => void agent.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await agent.done;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (values.once) process.stdout.write(`reported to ${server.origin}\n`);
  return 0;
}
