import { readFileSync } from 'node:fs';
import { BadInputError } from '../core/errors.js';
import { RegistryError } from '../sources/registry/types.js';
import { AGENT_USAGE, agentCommand } from './agent-command.js';
import { DB_USAGE, dbCommand } from './db-command.js';
import { SCAN_USAGE, scanCommand } from './scan-command.js';
import { SERVE_USAGE, serveCommand } from './serve-command.js';
import { SUBMIT_USAGE, submitCommand } from './submit-command.js';
import { WORKER_USAGE, workerCommand } from './worker-command.js';

const USAGE = `hullscan — container image security scanner

commands:
  scan REF      inventory an image (OS, packages, build history) into the data directory's store
  serve         answer the TCSS API (tcss 2020-11-01, TC3 and v1 signatures) for that store
  submit REF    scan an image here and store the result in a running server's inventory
  worker        scan queued images from the PostgreSQL queue serve nodes share
  agent         report this host's images and containers (Docker Engine API) to a server, scan them here
  db            import advisories (OSV, Debian tracker, Alpine secdb) and re-match stored images
  version       print the version

${SCAN_USAGE}

${SERVE_USAGE}

${SUBMIT_USAGE}

${WORKER_USAGE}

${AGENT_USAGE}

${DB_USAGE}

exit codes: 0 success, N (--exit-code N) vulnerabilities left after the filters, 2 bad input or usage, 3 internal error`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function oneLine(s: string): string {
  return s.split('\n')[0]!;
}

/** Runs the CLI; returns the process exit code and never throws. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'scan':
        return await scanCommand(rest);
      case 'serve':
        return await serveCommand(rest);
      case 'submit':
        return await submitCommand(rest);
      case 'worker':
        return await workerCommand(rest);
      case 'agent':
        return await agentCommand(rest);
      case 'db':
        return await dbCommand(rest);
      case 'version':
      case '--version':
        process.stdout.write(`hullscan ${version()}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        throw new BadInputError('usage', `unknown command "${cmd}" (try hullscan help)`);
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof RegistryError) {
      // a registry that refused or failed: the user's input or the registry, not hullscan
      process.stderr.write(`hullscan: registry ${e.code}: ${oneLine(e.message)}\n`);
      return 2;
    }
    if (e instanceof BadInputError) {
      process.stderr.write(
        `hullscan: ${e.message.startsWith('usage: ') ? e.message.slice(7) : oneLine(e.message)}\n`,
      );
      return 2;
    }
    if (err.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`hullscan: ${oneLine(err.message)}\n`);
      return 2;
    }
    if (err.name === 'AbortError') {
      process.stderr.write('hullscan: interrupted\n');
      return 130;
    }
    process.stderr.write(`hullscan: internal error: ${err.stack ?? err.message}\n`);
    return 3;
  }
}
