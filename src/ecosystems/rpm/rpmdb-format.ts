/** The on-disk formats an rpm package database comes in. */
export type RpmdbFormat = 'sqlite' | 'ndb' | 'bdb-hash' | 'bdb-btree';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const NDB_MAGIC = 0x506d7052; // 'RpmP' read little-endian
const BDB_HASH_MAGIC = 0x00061561;
const BDB_BTREE_MAGIC = 0x00053162;

/**
 * Recognises the format from the content alone: the SQLite header string
 * (https://www.sqlite.org/fileformat.html#magic_header_string), NDB's `RpmP` at offset 0
 * (rpm lib/backend/ndb/rpmpkg.c), or a BerkeleyDB metadata magic at offset 12 in either byte order
 * (libdb dbinc/db_page.h). Undefined for anything else.
 */
export function detectRpmdbFormat(content: Buffer): RpmdbFormat | undefined {
  if (
    content.length >= SQLITE_MAGIC.length &&
    content.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)
  ) {
    return 'sqlite';
  }
  if (content.length >= 4 && content.readUInt32LE(0) === NDB_MAGIC) return 'ndb';
  if (content.length >= 16) {
    const le = content.readUInt32LE(12);
    const be = content.readUInt32BE(12);
    if (le === BDB_HASH_MAGIC || be === BDB_HASH_MAGIC) return 'bdb-hash';
    if (le === BDB_BTREE_MAGIC || be === BDB_BTREE_MAGIC) return 'bdb-btree';
  }
  return undefined;
}
