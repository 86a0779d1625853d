import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readSqliteRpmdb } from './sqlite-db.js';

/** An rpm-style SQLite database image (rpm's Packages schema), with WAL header bytes as rpm leaves them. */
function buildSqlite(
  rows: [number, Buffer | null][],
  { wal = true, table = 'Packages', notNull = true } = {},
): Buffer {
  const db = new Database(':memory:');
  db.exec(
    `CREATE TABLE '${table}' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB ${notNull ? 'NOT NULL' : ''})`,
  );
  const insert = db.prepare(`INSERT INTO '${table}' (hnum, blob) VALUES (?, ?)`);
  for (const [hnum, blob] of rows) insert.run(hnum, blob);
  const image = db.serialize();
  db.close();
  if (wal) image.fill(2, 18, 20);
  return image;
}

const a = Buffer.from('first header');
const b = Buffer.from('second header');

describe('readSqliteRpmdb', () => {
  it('reads every blob in hnum order from a WAL-mode image without changing the input', () => {
    const image = buildSqlite([
      [7, b],
      [3, a],
    ]);
    const before = Buffer.from(image);
    expect(readSqliteRpmdb(image)).toEqual({ blobs: [a, b], problems: [] });
    expect(image.equals(before)).toBe(true);
  });

  it('reads rollback-journal images too', () => {
    expect(readSqliteRpmdb(buildSqlite([[1, a]], { wal: false })).blobs).toEqual([a]);
  });

  it('reports rows whose blob is not a BLOB', () => {
    const read = readSqliteRpmdb(
      buildSqlite(
        [
          [1, a],
          [2, null],
        ],
        { notNull: false },
      ),
    );
    expect(read).toEqual({ blobs: [a], problems: ['SQLite Packages row 2: blob is NULL, not a BLOB'] });
  });

  it('reports a database without a Packages table', () => {
    expect(readSqliteRpmdb(buildSqlite([[1, a]], { table: 'Other' })).problems).toEqual([
      'SQLite rpm database unreadable: no such table: Packages',
    ]);
  });

  it('reports truncated and corrupted images', () => {
    const rows = Array.from({ length: 200 }, (_, i): [number, Buffer] => [i + 1, Buffer.alloc(3000, i)]);
    const image = buildSqlite(rows);
    const truncated = readSqliteRpmdb(image.subarray(0, Math.floor(image.length / 2)));
    expect(truncated.problems).toEqual([expect.stringMatching(/^SQLite rpm database unreadable: /)]);
    const onlyMagic = readSqliteRpmdb(Buffer.from('SQLite format 3\0'));
    expect(onlyMagic.problems).toEqual([expect.stringMatching(/^SQLite rpm database unreadable: /)]);
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    for (let round = 0; round < 200; round++) {
      const copy = Buffer.from(image);
      for (let flips = 1 + (random() % 20); flips > 0; flips--)
        copy[random() % copy.length] = random() & 0xff;
      expect(Array.isArray(readSqliteRpmdb(copy).problems)).toBe(true);
    }
  });
});
