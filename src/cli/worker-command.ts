import { parseArgs } from 'node:util';
import { readCredentialsFile, type ServiceConfig } from '../api/gateway/credentials.js';
import { BadInputError } from '../core/errors.js';
import { checkTimeZone } from '../core/time.js';
import { registryImageOpener } from '../registries/open-image.js';
import { loadSecretsKey } from '../registries/secrets.js';
import { addressPolicy } from '../sources/registry/address-policy.js';
import { openStore } from '../store/open-store.js';
import { isPostgresUrl, maskUrl } from '../store/postgres/postgres-store.js';
import { startTaskSystem, timingFrom } from '../tasks/index.js';
import { defaultDataDir } from './data-dir.js';

export const WORKER_USAGE = `usage: hullscan worker [--database URL] [--data DIR] [--config FILE] [--concurrency N] [--timezone ZONE]
  Takes scan jobs from the PostgreSQL queue that \`hullscan serve\` nodes fill, scans the images (layers
  already analysed by any worker are not read again) and stores the results, until SIGTERM/SIGINT.
  --database     postgres://… (else the config's "database", else HULLSCAN_DATABASE_URL); required
  --concurrency  images scanned at once (default 2)
  DIR keeps this worker's vulnerability database (hullscan db import) and signatures.`;

/** `hullscan worker`: scan jobs from the shared PostgreSQL queue, until SIGTERM/SIGINT. */
export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      database: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      concurrency: { type: 'string' },
      timezone: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  let config: Partial<ServiceConfig> = {};
  if (values.config) {
    const file = values.config;
    try {
      config = readCredentialsFile(file);
    } catch (e) {
      throw new BadInputError(file, (e as Error).message, { cause: e });
    }
  }
  const databaseUrl = values.database || config.database || process.env.HULLSCAN_DATABASE_URL || '';
  if (!databaseUrl)
    throw new BadInputError('--database', 'a worker needs the PostgreSQL database the serve nodes use');
  if (!isPostgresUrl(databaseUrl))
    throw new BadInputError('--database', `${maskUrl(databaseUrl)} is not a postgres:// URL`);
  const concurrency = Number(values.concurrency ?? '2');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new BadInputError('--concurrency', `"${values.concurrency}" is not a number of scans (1–64)`);
  const timeZone = values.timezone ?? config.timeZone ?? process.env.HULLSCAN_TIMEZONE ?? 'UTC';
  try {
    checkTimeZone(timeZone);
  } catch {
    throw new BadInputError('--timezone', `"${timeZone}" is not an IANA time zone`);
  }
  const timing = timingFrom(config.tasks);
  const dataDir = values.data ?? defaultDataDir();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const store = await openStore(dataDir, { databaseUrl });
  let openImage: ReturnType<typeof registryImageOpener>;
  try {
    // the serve nodes' key (HULLSCAN_SECRETS_KEY) opens the registries' sealed passwords
    openImage = registryImageOpener(
      store,
      await loadSecretsKey({ env: process.env, dataDir }),
      addressPolicy(config.registryAllow ?? []),
    );
  } catch (e) {
    await store.close();
    throw new BadInputError('HULLSCAN_SECRETS_KEY', (e as Error).message, { cause: e });
  }
  const tally = { images: 0, layersRead: 0, layersCached: 0, bytesRead: 0 };
  let system: Awaited<ReturnType<typeof startTaskSystem>>;
  try {
    system = await startTaskSystem({
      store,
      dataDir,
      timeZone,
      databaseUrl,
      workers: concurrency,
      openImage,
      timing,
      log,
      onScanned: (r) => {
        tally.images++;
        tally.layersRead += r.layersRead;
        tally.layersCached += r.layersCached;
        tally.bytesRead += r.bytesRead;
      },
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  process.stdout.write(
    `hullscan worker ${system.worker}: ${concurrency} scans at once from ${maskUrl(databaseUrl)}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await system.stop();
  await store.close();
  process.stderr.write(
    `hullscan worker: stopped after ${tally.images} images: ${tally.layersRead} layers read (${tally.bytesRead} bytes), ${tally.layersCached} taken from the layer cache\n`,
  );
  return 0;
}
