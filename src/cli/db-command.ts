import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BadInputError } from '../core/errors.js';
import { rematchAll, vulnDbFile } from '../match/match-image.js';
import { openStore } from '../store/open-store.js';
import { openVulnDb } from '../vulndb/vulndb.js';
import { defaultDataDir } from './data-dir.js';

export const DB_USAGE = `usage: hullscan db import PATH... [--data DIR]   import OSV (folders, files, all.zip), Debian Security
                                               Tracker JSON or Alpine secdb JSON as a new database
                                               version, then re-match every stored image
       hullscan db status [--data DIR] [--format table|json]`;

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
      const report = await db.importFeeds(positionals);
      process.stdout.write(
        `imported version ${report.version}: ${report.advisories} advisories, ${report.ranges} affected ranges in ${(report.durationMs / 1000).toFixed(1)} s\n`,
      );
      for (const n of report.notices.slice(0, 20)) process.stdout.write(`  note: ${n}\n`);
      const store = await openStore(dataDir);
      try {
        const t = Date.now();
        const r = await rematchAll(store, db, timeZone);
        process.stdout.write(
          `re-matched ${r.images} stored images: ${r.vulnerabilities} vulnerabilities (${((Date.now() - t) / 1000).toFixed(1)} s)\n`,
        );
      } finally {
        await store.close();
      }
      return 0;
    }
    throw new BadInputError('usage', `unknown db command "${sub}"\n${DB_USAGE}`);
  } finally {
    await db.close();
  }
}
