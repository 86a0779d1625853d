import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import { BadInputError } from '../core/errors.js';
import { rematchAll, vulnDbFile } from '../match/match-image.js';
import { writeMatchedVersion } from '../match/rematch-worker.js';
import { openStore } from '../store/open-store.js';
import { openVulnDb, type VulnDb } from '../vulndb/vulndb.js';
import { defaultDataDir } from './data-dir.js';

export const DB_USAGE = `usage: hullscan db import PATH... [--data DIR] [--no-rematch]
           import OSV (folders, files, all.zip), Debian Security Tracker JSON or Alpine secdb JSON as a
           new database version, then re-match every stored image (--no-rematch leaves that to a
           running \`hullscan serve\`, which re-matches in the background when the version changes)
       hullscan db update [--data DIR] [--config FILE] [--no-rematch]
           fetch the configured feed URLs (http/https; config {"feeds":[{"url":"https://…/all.zip",
           "format":"osv"}]}, else HULLSCAN_FEEDS=url,url) and import them like \`db import\`; a
           failed or truncated download changes nothing (HULLSCAN_FEED_MAX_BYTES, default 1 GiB;
           HULLSCAN_FEED_TIMEOUT seconds per feed, default 300)
       hullscan db status [--data DIR] [--format table|json]`;

interface FeedConfig {
  url: string;
  format?: string;
}

/** Feed URLs from `--config` (`{"feeds":[{"url","format"?}]}`), else HULLSCAN_FEEDS (comma list). */
async function configuredFeeds(configFile: string | undefined): Promise<FeedConfig[]> {
  let feeds: FeedConfig[];
  if (configFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(configFile, 'utf8'));
    } catch (e) {
      throw new BadInputError(configFile, (e as Error).message, { cause: e });
    }
    const list = (parsed as { feeds?: unknown })?.feeds;
    if (!Array.isArray(list) || list.some((f) => typeof (f as FeedConfig)?.url !== 'string'))
      throw new BadInputError(configFile, 'feeds must be a list of {"url": "...", "format"?: "osv"}');
    feeds = list as FeedConfig[];
  } else {
    feeds = (process.env.HULLSCAN_FEEDS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean)
      .map((url) => ({ url }));
  }
  if (feeds.length === 0)
    throw new BadInputError('db update', 'no feeds configured (--config FILE or HULLSCAN_FEEDS)');
  for (const f of feeds) {
    let u: URL;
    try {
      u = new URL(f.url);
    } catch {
      throw new BadInputError(f.url, 'not a URL');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new BadInputError(f.url, 'only http and https feeds are fetched');
    if (f.format !== undefined && !['osv', 'debian-tracker', 'alpine-secdb'].includes(f.format))
      throw new BadInputError(f.url, `unknown feed format "${f.format}"`);
  }
  return feeds;
}

/** The URL without credentials or query, for messages. */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** Downloads `url` to `file`, refusing redirects off http(s), bodies over `maxBytes` and short bodies. */
async function download(url: string, file: string, maxBytes: number, timeoutMs: number): Promise<number> {
  const fail = (why: string, cause?: unknown): never => {
    throw new BadInputError(shown(url), `feed download failed: ${why}`, { cause });
  };
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (e) {
    return fail((e as Error).message, e);
  }
  if (!/^https?:$/.test(new URL(res.url || url).protocol)) fail('redirected off http(s)');
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return fail(`HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body.cancel();
    fail(`${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new Error(`over the ${maxBytes}-byte limit`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      count,
      createWriteStream(file),
    );
  } catch (e) {
    const cause = (e as Error & { cause?: Error }).cause;
    fail(cause?.message ?? (e as Error).message, e);
  }
  if (Number.isFinite(declared) && bytes !== declared) fail(`truncated: ${bytes} of ${declared} bytes`);
  return bytes;
}

/** Imports `paths`, prints the report, and re-matches the stored images unless told not to. */
async function importAndRematch(
  db: VulnDb,
  paths: string[],
  dataDir: string,
  timeZone: string,
  rematch: boolean,
): Promise<void> {
  const report = await db.importFeeds(paths);
  process.stdout.write(
    `imported version ${report.version}: ${report.advisories} advisories, ${report.ranges} affected ranges in ${(report.durationMs / 1000).toFixed(1)} s\n`,
  );
  for (const n of report.notices.slice(0, 20)) process.stdout.write(`  note: ${n}\n`);
  if (!rematch) return;
  const store = await openStore(dataDir);
  try {
    const t = Date.now();
    const r = await rematchAll(store, db, timeZone);
    await writeMatchedVersion(dataDir, report.version);
    process.stdout.write(
      `re-matched ${r.images} stored images: ${r.vulnerabilities} vulnerabilities (${((Date.now() - t) / 1000).toFixed(1)} s)\n`,
    );
  } finally {
    await store.close();
  }
}

/** `hullscan db`: the offline advisory database of the data directory. */
export async function dbCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      format: { type: 'string', default: 'table' },
      timezone: { type: 'string' },
      config: { type: 'string' },
      'no-rematch': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || sub === undefined) {
    process.stdout.write(`${DB_USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  const dataDir = values.data ?? defaultDataDir();
  await mkdir(dataDir, { recursive: true });
  const timeZone = values.timezone ?? process.env.HULLSCAN_TIMEZONE ?? 'UTC';
  const db = await openVulnDb(vulnDbFile(dataDir));
  try {
    if (sub === 'status') {
      const s = await db.status();
      if (values.format === 'json') process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else {
        const lines = [
          `version     ${s.currentVersion || 'none (nothing imported)'}`,
          `imported    ${s.importedAt ?? '-'}${s.ageSeconds !== undefined ? ` (${Math.round(s.ageSeconds / 3600)} h ago)` : ''}`,
          `advisories  ${s.advisories} (${s.ranges} affected ranges)`,
          ...s.advisoryCounts.map((c) => `  ${JSON.stringify(c)}`),
          ...s.ecosystemCounts.slice(0, 30).map((c) => `  ${JSON.stringify(c)}`),
        ];
        if (s.lastFailure)
          lines.push(`last failed import ${s.lastFailure.finishedAt}: ${s.lastFailure.error}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      return 0;
    }
    if (sub === 'import') {
      if (positionals.length === 0)
        throw new BadInputError('usage', `db import needs at least one PATH\n${DB_USAGE}`);
      await importAndRematch(db, positionals, dataDir, timeZone, !values['no-rematch']);
      return 0;
    }
    if (sub === 'update') {
      const feeds = await configuredFeeds(values.config);
      const maxBytes = Number(process.env.HULLSCAN_FEED_MAX_BYTES || 2 ** 30);
      const timeoutMs = Number(process.env.HULLSCAN_FEED_TIMEOUT || 300) * 1000;
      const dir = await mkdtemp(join(tmpdir(), 'hullscan-feeds-'));
      try {
        const paths: string[] = [];
        for (const [i, feed] of feeds.entries()) {
          const file = join(dir, `feed-${i}`);
          const bytes = await download(feed.url, file, maxBytes, timeoutMs);
          process.stdout.write(`fetched ${shown(feed.url)} (${bytes} bytes)\n`);
          paths.push(file);
        }
        await importAndRematch(db, paths, dataDir, timeZone, !values['no-rematch']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      return 0;
    }
    throw new BadInputError('usage', `unknown db command "${sub}"\n${DB_USAGE}`);
  } finally {
    await db.close();
  }
}
