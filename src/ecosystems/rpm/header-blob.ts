import { RpmdbError } from './rpmdb-error.js';

/**
 * rpm header blob, as stored in every rpm database: big-endian `il` (index entry count) and `dl`
 * (data store length), `il` index entries of 16 bytes (tag, type, offset, count), then the data store.
 * Format: https://rpm-software-management.github.io/rpm/manual/format_header.html
 * (and lib/header.c in rpm-software-management/rpm).
 */

/** Header value types (rpm `rpmTagType`). */
export const HeaderType = {
  null: 0,
  char: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;

const MAX_TYPE = HeaderType.i18nString;
/** rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX) */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;
/** header magic that precedes `il`/`dl` in package files (not in databases); tolerated */
const HEADER_MAGIC = [0x8e, 0xad, 0xe8];
const INTRO = 8;
const ENTRY = 16;

/** One index entry; `offset` is relative to the data store. */
export interface HeaderEntry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

/** A parsed header. Accessors return undefined for absent tags and throw RpmdbError for malformed values. */
export interface RpmHeader {
  /** all index entries in blob order (duplicates included) */
  readonly entries: readonly HeaderEntry[];
  has(tag: number): boolean;
  /** STRING value, or the first element of a STRING_ARRAY / I18NSTRING */
  string(tag: number): string | undefined;
  /** every element of a STRING / STRING_ARRAY / I18NSTRING */
  strings(tag: number): string[] | undefined;
  /** first element of an INT8/16/32/64 (or CHAR) value */
  integer(tag: number): number | undefined;
}

/**
 * Parses and bounds-checks one header blob. Throws RpmdbError when the index or data store does not fit
 * in the blob or an entry has an unknown type or out-of-range offset. When a tag occurs more than once the
 * last entry wins (rpm lets entries after the immutable region replace those inside it).
 */
export function parseHeaderBlob(blob: Uint8Array): RpmHeader {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  let start = 0;
  if (buf.length >= 16 && HEADER_MAGIC.every((b, i) => buf[i] === b)) start = 8;
  if (buf.length - start < INTRO) {
    throw new RpmdbError(`header blob is ${buf.length - start} bytes, shorter than its 8-byte intro`);
  }
  const il = buf.readUInt32BE(start);
  const dl = buf.readUInt32BE(start + 4);
  if (il < 1 || il > MAX_ENTRIES)
    throw new RpmdbError(`header index count ${il} out of range 1..${MAX_ENTRIES}`);
  if (dl > MAX_DATA) throw new RpmdbError(`header data length ${dl} over rpm's limit ${MAX_DATA}`);
  const indexStart = start + INTRO;
  const dataStart = indexStart + il * ENTRY;
  const dataEnd = dataStart + dl;
  if (dataEnd > buf.length) {
    throw new RpmdbError(
      `header needs ${dataEnd - start} bytes (${il} index entries, ${dl} data bytes) but the blob has ${buf.length - start}`,
    );
  }

  const entries: HeaderEntry[] = [];
  const byTag = new Map<number, HeaderEntry>();
  for (let i = 0; i < il; i++) {
    const at = indexStart + i * ENTRY;
    const entry: HeaderEntry = {
      tag: buf.readUInt32BE(at),
      type: buf.readUInt32BE(at + 4),
      offset: buf.readUInt32BE(at + 8),
      count: buf.readUInt32BE(at + 12),
    };
    if (entry.type > MAX_TYPE) throw new RpmdbError(`header tag ${entry.tag} has unknown type ${entry.type}`);
    if (entry.offset >= dl && entry.type !== HeaderType.null) {
      throw new RpmdbError(
        `header tag ${entry.tag} offset ${entry.offset} outside the ${dl}-byte data store`,
      );
    }
    entries.push(entry);
    byTag.set(entry.tag, entry);
  }

  const data = buf.subarray(0, dataEnd);
  const readStrings = (e: HeaderEntry, limit: number): string[] => {
    if (e.count > dl)
      throw new RpmdbError(`header tag ${e.tag} claims ${e.count} strings in ${dl} data bytes`);
    const out: string[] = [];
    let pos = dataStart + e.offset;
    for (let n = 0; n < e.count && n < limit; n++) {
      const nul = data.indexOf(0, pos);
      if (nul < 0) throw new RpmdbError(`header tag ${e.tag} string ${n} runs past the data store`);
      out.push(data.toString('utf8', pos, nul));
      pos = nul + 1;
    }
    return out;
  };

  const stringsOf = (tag: number, limit: number): string[] | undefined => {
    const e = byTag.get(tag);
    if (!e) return undefined;
    if (e.type === HeaderType.string) {
      if (e.count !== 1) throw new RpmdbError(`header tag ${tag} is a STRING with count ${e.count}`);
      return readStrings(e, 1);
    }
    if (e.type === HeaderType.stringArray || e.type === HeaderType.i18nString) return readStrings(e, limit);
    throw new RpmdbError(`header tag ${tag} has type ${e.type}, not a string type`);
  };

  return {
    entries,
    has: (tag) => byTag.has(tag),
    string: (tag) => {
      const values = stringsOf(tag, 1);
      if (values === undefined) return undefined;
      if (values.length === 0) throw new RpmdbError(`header tag ${tag} has no elements`);
      return values[0];
    },
    strings: (tag) => stringsOf(tag, Number.POSITIVE_INFINITY),
    integer: (tag) => {
      const e = byTag.get(tag);
      if (!e) return undefined;
      const size = integerSize(e.type);
      if (size === undefined)
        throw new RpmdbError(`header tag ${tag} has type ${e.type}, not an integer type`);
      if (e.count < 1) throw new RpmdbError(`header tag ${tag} has no elements`);
      const at = dataStart + e.offset;
      if (at + size > dataEnd) throw new RpmdbError(`header tag ${tag} value runs past the data store`);
      switch (size) {
        case 1:
          return buf.readUInt8(at);
        case 2:
          return buf.readUInt16BE(at);
        case 4:
          return buf.readUInt32BE(at);
        default:
          return Number(buf.readBigUInt64BE(at));
      }
    },
  };
}

function integerSize(type: number): 1 | 2 | 4 | 8 | undefined {
  switch (type) {
    case HeaderType.char:
    case HeaderType.int8:
      return 1;
    case HeaderType.int16:
      return 2;
    case HeaderType.int32:
      return 4;
    case HeaderType.int64:
      return 8;
    default:
      return undefined;
  }
}
