import { RpmdbError } from './rpmdb-error.js';
import type { RpmdbRead } from './rpmdb-read.js';

/*
 * BerkeleyDB hash access method, read-only, as rpm < 4.16 stores /var/lib/rpm/Packages.
 * Page layouts: libdb src/dbinc/db_page.h (https://github.com/berkeleydb/libdb); rpm's own reader of
 * the same files is lib/backend/bdb_ro.c. All multi-byte fields are in the byte order of the machine
 * that wrote the file, recognised from the metadata magic.
 *
 * Metadata page (page 0): magic @12, version @16, page size @20, encryption @24, page type @25,
 * last page number @32, max bucket @72, spares[32] @96 (bucket b lives on page b + spares[bits(b)]).
 * Every other page: page number @8, next page @16, entry count @20, high free offset @22, type @25,
 * then `entries` 16-bit item offsets from @26. Hash pages hold key/data item pairs packed downwards
 * from the page end, each item starting with its type; overflow pages hold `hf_offset` bytes of one
 * long item from @26.
 */

const HASH_MAGIC = 0x00061561;
const PAGE_HEADER = 26;
const META_MIN = 512;

const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;

const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;
const OFFPAGE_ITEM = 12;

/**
 * Reads every package header blob of a BerkeleyDB hash `Packages` file, walking buckets in order (the
 * order `rpm -qa` lists them) and following overflow page chains. Skips rpm's record 0 (the instance
 * counter). Never throws: unreadable pages, items and chains become problems. A bucket page is visited
 * at most once, an overflow chain may not revisit a page, and overflow reads stop once they exceed the
 * page count, so cyclic or shared links cannot make the walk loop or blow up.
 */
export function readBerkeleyDbHash(content: Buffer): RpmdbRead {
  const problems: string[] = [];
  const blobs: Uint8Array[] = [];
  const fail = (reason: string): RpmdbRead => ({ blobs, problems: [...problems, reason] });

  if (content.length < META_MIN) {
    return fail(
      `BerkeleyDB metadata page truncated: the file has ${content.length} bytes, needs ${META_MIN}`,
    );
  }
  const swapped = content.readUInt32LE(12) !== HASH_MAGIC;
  const u32 = (buf: Buffer, at: number) => (swapped ? buf.readUInt32BE(at) : buf.readUInt32LE(at));
  const u16 = (buf: Buffer, at: number) => (swapped ? buf.readUInt16BE(at) : buf.readUInt16LE(at));
  if (u32(content, 12) !== HASH_MAGIC) return fail('not a BerkeleyDB hash database (bad metadata magic)');

  const version = u32(content, 16);
  if (version < 8 || version > 10)
    return fail(`unsupported BerkeleyDB hash version ${version} (known: 8-10)`);
  const pageSize = u32(content, 20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return fail(`BerkeleyDB page size ${pageSize} is not a power of two in 512..65536`);
  }
  if (content[24] !== 0) return fail(`BerkeleyDB database is encrypted (algorithm ${content[24]})`);
  if (content[25] !== P_HASHMETA) return fail(`BerkeleyDB page 0 has type ${content[25]}, not hash metadata`);

  const lastPage = u32(content, 32);
  const pagesInFile = Math.floor(content.length / pageSize);
  if (lastPage + 1 > pagesInFile) {
    problems.push(
      `BerkeleyDB file truncated: metadata says ${lastPage + 1} pages of ${pageSize} bytes, the file holds ${pagesInFile} (${content.length} bytes)`,
    );
  }
  const pageCount = Math.min(lastPage + 1, pagesInFile);
  const spares = Array.from({ length: 32 }, (_, i) => u32(content, 96 + 4 * i));
  let maxBucket = u32(content, 72);
  if (maxBucket >= pageCount) {
    problems.push(`BerkeleyDB max bucket ${maxBucket} needs more pages than the ${pageCount} in the file`);
    maxBucket = pageCount - 1;
  }

  const readPage = (pgno: number, what: string): Buffer => {
    if (pgno === 0 || pgno >= pageCount) {
      throw new RpmdbError(`${what} page ${pgno} is outside the file's pages 1..${pageCount - 1}`);
    }
    const page = content.subarray(pgno * pageSize, (pgno + 1) * pageSize);
    const stored = u32(page, 8);
    if (stored !== pgno) throw new RpmdbError(`${what} page ${pgno} says it is page ${stored}`);
    return page;
  };

  let overflowBudget = pageCount;
  const readOverflow = (first: number, total: number): Buffer => {
    if (total === 0) throw new RpmdbError(`overflow item at page ${first} has length 0`);
    if (total > content.length) {
      throw new RpmdbError(`overflow item at page ${first} claims ${total} bytes, more than the whole file`);
    }
    const chunks: Buffer[] = [];
    const seen = new Set<number>();
    let remaining = total;
    let pgno = first;
    while (remaining > 0) {
      if (pgno === 0)
        throw new RpmdbError(
          `overflow chain from page ${first} ends after ${total - remaining} of ${total} bytes`,
        );
      if (seen.has(pgno))
        throw new RpmdbError(`overflow chain from page ${first} loops back to page ${pgno}`);
      if (overflowBudget-- <= 0) {
        throw new RpmdbError(
          'overflow chains read more pages than the file has (pages shared between items)',
        );
      }
      seen.add(pgno);
      const page = readPage(pgno, 'overflow');
      if (page[25] !== P_OVERFLOW) throw new RpmdbError(`overflow page ${pgno} has type ${page[25]}`);
      const length = u16(page, 22);
      if (PAGE_HEADER + length > pageSize || length > remaining) {
        throw new RpmdbError(`overflow page ${pgno} holds ${length} bytes, ${remaining} expected at most`);
      }
      chunks.push(page.subarray(PAGE_HEADER, PAGE_HEADER + length));
      remaining -= length;
      pgno = u32(page, 16);
    }
    return Buffer.concat(chunks, total);
  };

  const readItemPair = (
    page: Buffer,
    pgno: number,
    entries: number,
    index: number,
  ): Uint8Array | undefined => {
    const keyOffset = u16(page, PAGE_HEADER + 2 * index);
    const dataOffset = u16(page, PAGE_HEADER + 2 * index + 2);
    const keyEnd = index === 0 ? pageSize : u16(page, PAGE_HEADER + 2 * index - 2);
    const minOffset = PAGE_HEADER + 2 * entries;
    if (!(minOffset <= dataOffset && dataOffset < keyOffset && keyOffset < keyEnd && keyEnd <= pageSize)) {
      throw new RpmdbError(
        `hash page ${pgno} item ${index}: offsets key ${keyOffset}..${keyEnd}, data ${dataOffset} out of order or outside the page`,
      );
    }
    if (page[keyOffset] === H_KEYDATA && keyEnd - keyOffset === 5 && page.readUInt32LE(keyOffset + 1) === 0) {
      return undefined; // record 0: rpm's next-instance counter, not a package
    }
    const type = page[dataOffset];
    if (type === H_KEYDATA) return page.subarray(dataOffset + 1, keyOffset);
    if (type === H_OFFPAGE) {
      if (keyOffset - dataOffset < OFFPAGE_ITEM) {
        throw new RpmdbError(
          `hash page ${pgno} item ${index + 1}: off-page reference is ${keyOffset - dataOffset} bytes`,
        );
      }
      return readOverflow(u32(page, dataOffset + 4), u32(page, dataOffset + 8));
    }
    if (type === H_DUPLICATE || type === H_OFFDUP) {
      throw new RpmdbError(
        `hash page ${pgno} item ${index + 1}: duplicate-key item (type ${type}) in Packages`,
      );
    }
    throw new RpmdbError(`hash page ${pgno} item ${index + 1}: unknown item type ${type}`);
  };

  const visited = new Uint8Array(pageCount);
  for (let bucket = 0; bucket <= maxBucket; bucket++) {
    const bits = bucket === 0 ? 0 : 32 - Math.clz32(bucket);
    let pgno = bucket + (spares[bits] ?? 0);
    while (pgno !== 0) {
      if (pgno < pageCount && visited[pgno]) {
        problems.push(`BerkeleyDB bucket ${bucket}: page ${pgno} is linked twice (cycle or shared page)`);
        break;
      }
      let page: Buffer;
      try {
        page = readPage(pgno, `bucket ${bucket}`);
      } catch (err) {
        problems.push(String((err as Error).message));
        break;
      }
      visited[pgno] = 1;
      const type = page[25];
      if (type !== P_HASH && type !== P_HASH_UNSORTED) {
        problems.push(`BerkeleyDB bucket ${bucket}: page ${pgno} has type ${type}, not a hash page`);
        break;
      }
      let entries = u16(page, 20);
      const maxEntries = Math.floor((pageSize - PAGE_HEADER) / 2);
      if (entries > maxEntries) {
        problems.push(`hash page ${pgno} claims ${entries} items, room for ${maxEntries}`);
        entries = maxEntries;
      }
      if (entries % 2 !== 0) problems.push(`hash page ${pgno} has an odd item count ${entries}`);
      for (let i = 0; i + 1 < entries; i += 2) {
        try {
          const blob = readItemPair(page, pgno, entries, i);
          if (blob) blobs.push(blob);
        } catch (err) {
          problems.push(String((err as Error).message));
        }
      }
      pgno = u32(page, 16);
    }
  }
  return { blobs, problems };
}
