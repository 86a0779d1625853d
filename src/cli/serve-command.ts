import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allActions } from '../api/actions/index.js';
import { sweepHosts } from '../api/actions/ReportAssetHostState/index.js';
import {
  CredentialConfigError,
  loadCredentials,
  readCredentialsFile,
  type ServiceConfig,
} from '../api/gateway/credentials.js';
import { createApiServer } from '../api/gateway/server.js';
import { consoleHandler } from '../console/serve.js';
import { BadInputError } from '../core/errors.js';
import { checkTimeZone } from '../core/time.js';
import { startBackgroundRematch } from '../match/rematch-worker.js';
import { registryImageOpener } from '../registries/open-image.js';
import { loadSecretsKey, secretBox } from '../registries/secrets.js';
import { RegistryService } from '../registries/service.js';
import { addressPolicy } from '../sources/registry/address-policy.js';
import { openStore } from '../store/open-store.js';
import { type RunningTaskSystem, startTaskSystem, timingFrom } from '../tasks/index.js';
import { defaultDataDir } from './data-dir.js';
import { ensureGeneratedCredential, generatedCredentialsFile, localAccount } from './local-account.js';

export const SERVE_USAGE = `usage: hullscan serve [--listen HOST:PORT] [--data DIR] [--config FILE] [--timezone ZONE] [--workers N]
  --listen   address to listen on (default 127.0.0.1:8080)
  --workers  scan workers in this process (default 2; 0: only answer the API and queue scans)
  --config   JSON file: {"accounts":[{"appId","uin","credentials":[{"secretId","secretKey"}]}],
             "rateLimits":{"default":20,"perAction":{"DescribeAssetImageList":50}}, "timeZone":"UTC",
             "database":"postgres://…", "workers":2, "imageRoots":["/srv/images"], "tasks":{"leaseMs":15000}}
  Scan tasks (CreateAssetImageScanTask, schedules) run on the in-process queue, or with a database on
  a PostgreSQL queue shared with every \`hullscan worker\`. AddAssetImage registers images found under
  "imageRoots" (default DIR/images).
  Store: PostgreSQL at the config's "database", else at HULLSCAN_DATABASE_URL, else DIR/hullscan.db (SQLite).
  Credentials: --config, else HULLSCAN_SECRET_ID/HULLSCAN_SECRET_KEY, else one generated on first
  start into DIR/credentials.json and printed once. HULLSCAN_RATE_LIMIT=0 lifts all rate limits.
  Every HULLSCAN_REMATCH_INTERVAL seconds (default 10, 0 disables) the server checks DIR/vulndb.sqlite
  and re-matches every stored image in the background when its version changed since the last match.`;

function parseListen(s: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(s);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new BadInputError('--listen', `"${s}" is not HOST:PORT`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Config and credential problems are bad input (exit 2), named by file and field. */
function asBadInput<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CredentialConfigError) throw new BadInputError(what, e.message, { cause: e });
    throw e;
  }
}

/** `hullscan serve`: the TCSS API over TC3 for the data directory's store, until SIGTERM/SIGINT. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      timezone: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  const configFile = values.config;
  const config: Partial<ServiceConfig> = configFile
    ? asBadInput(configFile, () => readCredentialsFile(configFile))
    : {};
  const { host, port } = parseListen(values.listen ?? config.listen ?? '127.0.0.1:8080');
  const timeZone = values.timezone ?? config.timeZone ?? process.env.HULLSCAN_TIMEZONE ?? 'UTC';
  try {
    checkTimeZone(timeZone);
  } catch {
    throw new BadInputError('--timezone', `"${timeZone}" is not an IANA time zone`);
  }
  const interval = Number(process.env.HULLSCAN_REMATCH_INTERVAL || '10');
  if (!Number.isFinite(interval) || interval < 0)
    throw new BadInputError(
      'HULLSCAN_REMATCH_INTERVAL',
      `"${process.env.HULLSCAN_REMATCH_INTERVAL}" is not a number of seconds`,
    );
  const dataDir = values.data ?? defaultDataDir();
  const workers = values.workers === undefined ? (config.workers ?? 2) : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64)
    throw new BadInputError('--workers', `"${values.workers}" is not a number of workers (0–64)`);
  const timing = timingFrom(config.tasks);
  const databaseUrl = config.database || process.env.HULLSCAN_DATABASE_URL || undefined;
  const store = await openStore(dataDir, { databaseUrl });

  let file = values.config;
  if (!file && !process.env.HULLSCAN_SECRET_ID) {
    const account = localAccount();
    const created = await ensureGeneratedCredential(dataDir, account);
    file = generatedCredentialsFile(dataDir);
    if (created) {
      process.stdout.write(
        `Created a credential for the local account (AppId ${account.appId}, Uin ${account.uin}); it is shown only now:\n` +
          `  SecretId:  ${created.secretId}\n  SecretKey: ${created.secretKey}\n` +
          `(kept in ${file}, mode 0600)\n`,
      );
    }
  }
  // a variable set to the empty string counts as unset, as in most tools
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
  const credentials = asBadInput(file ?? 'environment', () => loadCredentials({ file, env }));
  const lifted = process.env.HULLSCAN_RATE_LIMIT === '0';
  // registry passwords are sealed with this key (HULLSCAN_SECRETS_KEY, else DIR/secrets.key): every
  // node that opens registry images needs the same one
  let registries: RegistryService;
  let policy: ReturnType<typeof addressPolicy>;
  let secretsKey: Buffer;
  try {
    secretsKey = await loadSecretsKey({ env: process.env, dataDir });
    policy = addressPolicy(config.registryAllow ?? []);
    registries = new RegistryService({ policy, secrets: secretBox(secretsKey) });
  } catch (e) {
    await store.close();
    throw new BadInputError(configFile ?? 'HULLSCAN_SECRETS_KEY', (e as Error).message, { cause: e });
  }
  let tasks: RunningTaskSystem;
  try {
    tasks = await startTaskSystem({
      openImage: registryImageOpener(store, secretsKey, policy),
      store,
      dataDir,
      timeZone,
      databaseUrl,
      workers,
      imageRoots: config.imageRoots ?? [join(dataDir, 'images')],
      timing,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  // hosts whose agents stopped reporting while no node was up are offline from the start; then every 5 s
  await sweepHosts(store, 5_000);
  let server: ReturnType<typeof createApiServer>;
  try {
    server = createApiServer({
      tasks: tasks.service,
      registries,
      hostOfflineSeconds: config.hostOfflineSeconds,
      console: consoleHandler(),
      actions: allActions(),
      credentials,
      store,
      timeZone,
      rateLimits: {
        default: lifted ? 0 : (config.rateLimits?.default ?? 20),
        perAction: lifted ? {} : config.rateLimits?.perAction,
      },
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (e) {
    await tasks.stop(0);
    await store.close();
    throw new BadInputError(configFile ?? 'config', (e as Error).message, { cause: e });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostPort = `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  process.stdout.write(
    `hullscan API (tcss 2020-11-01) listening on http://${hostPort}\n` +
      `  console: http://${hostPort}/ (sign in with an account credential)\n` +
      `  SDK: new tcss.v20201101.Client({ credential: { secretId, secretKey }, profile: { httpProfile: { endpoint: '${hostPort}', protocol: 'http://' } } })\n` +
      `  CLI: hullscan submit IMAGE --server http://${hostPort}\n`,
  );
  const rematcher =
    interval > 0
      ? startBackgroundRematch({
          dataDir,
          store,
          timeZone,
          intervalMs: interval * 1000,
          log: (line) => process.stderr.write(`${line}\n`),
        })
      : undefined;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await rematcher?.stop();
  await tasks.stop();
  await store.close();
  process.stderr.write('hullscan: stopped\n');
  return 0;
}
