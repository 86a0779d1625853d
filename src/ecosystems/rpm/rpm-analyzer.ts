import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import type { Component } from '../../core/component.js';
import { readBerkeleyDbHash } from './berkeley-db-hash.js';
import { parseHeaderBlob } from './header-blob.js';
import { readNdb } from './ndb.js';
import { headerToComponent } from './package-component.js';
import { detectRpmdbFormat } from './rpmdb-format.js';
import type { RpmdbRead } from './rpmdb-read.js';
import { readSqliteRpmdb } from './sqlite-db.js';

/** Where rpm keeps its package database, by distribution generation (rpm's `%_dbpath`, old and new). */
export const RPMDB_PATHS: ReadonlySet<string> = new Set(
  ['var/lib/rpm', 'usr/lib/sysimage/rpm', 'usr/share/rpm'].flatMap((dir) =>
    ['Packages', 'Packages.db', 'rpmdb.sqlite'].map((file) => `${dir}/${file}`),
  ),
);

/** past this many, problems of one file are summarised in a last line */
const MAX_PROBLEMS = 50;

/**
 * Installed rpm packages from an rpm database file in any of its three formats (BerkeleyDB hash,
 * NDB, SQLite), recognised from the content. One component per header, `gpg-pubkey` included as
 * `rpm -qa` lists it. Bad content never throws: what could be read is returned with problems.
 */
export const rpmAnalyzer: Analyzer = {
  name: 'rpm',
  version: 1,
  maxFileSize: 512 * 1024 * 1024,
  wants: (info: FileInfo) => RPMDB_PATHS.has(info.path),
  analyze: (file: AnalyzerFile, ctx) => analyzeRpmdb(file.content, ctx.signal),
};

/** The findings for one rpm database image; throws only when `signal` aborts. */
function analyzeRpmdb(content: Buffer, signal?: AbortSignal): FileFindings {
  signal?.throwIfAborted();
  let read: RpmdbRead;
  try {
    read = readBlobs(content);
  } catch (err) {
    return { components: [], problems: [`rpm database reader failed: ${(err as Error).message}`] };
  }
  const components: Component[] = [];
  const problems = [...read.problems];
  for (const [i, blob] of read.blobs.entries()) {
    signal?.throwIfAborted();
    try {
      components.push(headerToComponent(parseHeaderBlob(blob)));
    } catch (err) {
      problems.push(`package header #${i + 1}: ${(err as Error).message}`);
    }
  }
  if (problems.length === 0) return { components };
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - (MAX_PROBLEMS - 1);
    problems.splice(MAX_PROBLEMS - 1, Number.POSITIVE_INFINITY, `… and ${more} more problems`);
  }
  return { components, problems };
}

function readBlobs(content: Buffer): RpmdbRead {
  if (content.length === 0) return { blobs: [], problems: ['rpm database file is empty'] };
  switch (detectRpmdbFormat(content)) {
    case 'sqlite':
      return readSqliteRpmdb(content);
    case 'ndb':
      return readNdb(content);
    case 'bdb-hash':
      return readBerkeleyDbHash(content);
    case 'bdb-btree':
      return {
        blobs: [],
        problems: ['BerkeleyDB btree database: rpm package databases use the hash format'],
      };
    default: {
      const head = content.subarray(0, 16).toString('hex');
      return { blobs: [], problems: [`not an rpm database: unknown format (first bytes ${head})`] };
    }
  }
}
