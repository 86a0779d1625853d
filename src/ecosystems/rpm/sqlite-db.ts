import Database from 'better-sqlite3';
import type { RpmdbRead } from './rpmdb-read.js';

/*
 * rpm's SQLite package database (rpmdb.sqlite, rpm >= 4.16): table `Packages (hnum INTEGER PRIMARY KEY,
 * blob BLOB)`, one header blob per row; rpm lib/backend/sqlite.c. File format:
 * https://www.sqlite.org/fileformat.html. rpm keeps the database in WAL mode (header bytes 18 and 19
 * are 2); an in-memory copy cannot open a WAL, so the copy is switched to rollback mode (1) first.
 * Rows still in a `-wal` file beside the database are not seen.
 */

const WAL_VERSION_BYTES = [18, 19];

/**
 * Reads every header blob of an rpm SQLite database in `hnum` order, from an in-memory copy (nothing is
 * written to disk). Never throws: SQLite errors (malformed image, missing table) become problems.
 */
export function readSqliteRpmdb(content: Buffer): RpmdbRead {
  const problems: string[] = [];
  const blobs: Uint8Array[] = [];
  const image = Buffer.from(content);
  for (const at of WAL_VERSION_BYTES) if (image[at] === 2) image[at] = 1;
  let db: Database.Database | undefined;
  try {
    db = new Database(image, { readonly: true });
    const rows = db
      .prepare('SELECT hnum, blob FROM Packages ORDER BY hnum')
      .raw()
      .iterate() as IterableIterator<[unknown, unknown]>;
    for (const [hnum, blob] of rows) {
      if (Buffer.isBuffer(blob)) blobs.push(blob);
      else
        problems.push(
          `SQLite Packages row ${String(hnum)}: blob is ${blob === null ? 'NULL' : typeof blob}, not a BLOB`,
        );
    }
  } catch (err) {
    problems.push(`SQLite rpm database unreadable: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
  return { blobs, problems };
}
