import { describe, expect, it } from 'vitest';
import { readBerkeleyDbHash } from './berkeley-db-hash.js';

interface BuildOptions {
  values: Buffer[];
  pageSize?: number;
  bigEndian?: boolean;
  /** values up to this length are stored on the hash page itself */
  inlineMax?: number;
  /** spread records over two buckets (pages 1 and 2) */
  twoBuckets?: boolean;
}

interface Built {
  file: Buffer;
  pageSize: number;
  /** overflow page numbers of each value stored off-page */
  overflow: number[][];
  bigEndian: boolean;
}

/**
 * A BerkeleyDB hash file laid out as libdb writes rpm's Packages: metadata page, bucket pages with
 * record 0 (the instance counter) and one record per value, long values in overflow page chains.
 */
function buildBdb({
  values,
  pageSize = 1024,
  bigEndian = false,
  inlineMax = 0,
  twoBuckets = false,
}: BuildOptions): Built {
  const buckets = twoBuckets ? 2 : 1;
  const pages: Buffer[] = [Buffer.alloc(pageSize)];
  const w32 = (b: Buffer, at: number, v: number) =>
    bigEndian ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at);
  const w16 = (b: Buffer, at: number, v: number) =>
    bigEndian ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at);
  const newPage = (type: number) => {
    const page = Buffer.alloc(pageSize);
    w32(page, 8, pages.length);
    page[25] = type;
    pages.push(page);
    return page;
  };
  const bucketPages = Array.from({ length: buckets }, () => newPage(13));
  const items: Buffer[][] = bucketPages.map(() => []);
  const key = (n: number) => Buffer.concat([Buffer.from([1]), Buffer.from(new Uint32Array([n]).buffer)]);
  items[0]?.push(key(0), Buffer.from([1, 5, 0, 0, 0]));

  const overflow: number[][] = [];
  values.forEach((value, i) => {
    const bucketItems = items[(i + 1) % buckets]!;
    bucketItems.push(key(i + 1));
    if (value.length <= inlineMax) {
      bucketItems.push(Buffer.concat([Buffer.from([1]), value]));
      return;
    }
    const chain: number[] = [];
    const room = pageSize - 26;
    for (let at = 0; at < value.length; at += room) {
      const page = newPage(7);
      const part = value.subarray(at, at + room);
      part.copy(page, 26);
      w16(page, 22, part.length);
      chain.push(pages.length - 1);
    }
    chain.forEach((pgno, k) => {
      const next = chain[k + 1];
      if (next) w32(pages[pgno]!, 16, next);
      if (k > 0) w32(pages[pgno]!, 12, chain[k - 1]!);
    });
    overflow.push(chain);
    const ref = Buffer.alloc(12);
    ref[0] = 3;
    w32(ref, 4, chain[0]!);
    w32(ref, 8, value.length);
    bucketItems.push(ref);
  });

  bucketPages.forEach((page, b) => {
    const list = items[b]!;
    let top = pageSize;
    list.forEach((item, i) => {
      top -= item.length;
      item.copy(page, top);
      w16(page, 26 + 2 * i, top);
    });
    w16(page, 20, list.length);
    w16(page, 22, top);
  });

  const meta = pages[0]!;
  w32(meta, 12, 0x00061561);
  w32(meta, 16, 9);
  w32(meta, 20, pageSize);
  meta[25] = 8;
  w32(meta, 32, pages.length - 1);
  w32(meta, 72, buckets - 1);
  w32(meta, 76, buckets - 1);
  w32(meta, 80, 0);
  w32(meta, 96, 1); // spares[0]: bucket 0 on page 1
  w32(meta, 100, 1); // spares[1]: bucket 1 on page 2
  return { file: Buffer.concat(pages), pageSize, overflow, bigEndian };
}

const payload = (n: number, fill: number) => Buffer.alloc(n, fill);
const values = [payload(3 * 998, 0xa1), payload(100, 0xb2), payload(998, 0xc3)];

function setU32(built: Built, at: number, v: number) {
  if (built.bigEndian) built.file.writeUInt32BE(v, at);
  else built.file.writeUInt32LE(v, at);
}

describe('readBerkeleyDbHash', () => {
  for (const bigEndian of [false, true]) {
    it(`reads off-page values across overflow chains (${bigEndian ? 'big' : 'little'}-endian)`, () => {
      const built = buildBdb({ values, bigEndian });
      expect(built.overflow.map((c) => c.length)).toEqual([3, 1, 1]);
      const read = readBerkeleyDbHash(built.file);
      expect(read.problems).toEqual([]);
      expect(read.blobs.map((b) => Buffer.from(b))).toEqual(values);
    });
  }

  it('reads inline values and skips record 0', () => {
    const read = readBerkeleyDbHash(buildBdb({ values, inlineMax: 200 }).file);
    expect(read.problems).toEqual([]);
    expect(read.blobs.map((b) => Buffer.from(b))).toEqual(values);
  });

  it('walks every bucket, in bucket order', () => {
    const read = readBerkeleyDbHash(buildBdb({ values, twoBuckets: true }).file);
    expect(read.problems).toEqual([]);
    expect(read.blobs.map((b) => Buffer.from(b))).toEqual([values[1], values[0], values[2]]);
  });

  it('reports a cyclic overflow chain and goes on with the other records', () => {
    const built = buildBdb({ values });
    const chain = built.overflow[0]!;
    setU32(built, chain[2]! * built.pageSize + 16, chain[0]!);
    built.file.writeUInt16LE(0, chain[2]! * built.pageSize + 22); // so the byte count does not end it first
    const read = readBerkeleyDbHash(built.file);
    expect(read.problems).toEqual([expect.stringMatching(/loops back to page \d+/)]);
    expect(read.blobs.map((b) => Buffer.from(b))).toEqual(values.slice(1));
  });

  it('reports a self-linked bucket page once and ends', () => {
    const built = buildBdb({ values });
    setU32(built, built.pageSize + 16, 1);
    const read = readBerkeleyDbHash(built.file);
    expect(read.problems).toEqual([expect.stringMatching(/page 1 is linked twice/)]);
    expect(read.blobs).toHaveLength(3);
  });

  it('reports off-page references outside the file and over-long items', () => {
    const built = buildBdb({ values });
    const page1 = built.file.subarray(built.pageSize, 2 * built.pageSize);
    const dataOffset = (i: number) => page1.readUInt16LE(26 + 2 * i);
    setU32(built, built.pageSize + dataOffset(3) + 4, 9999);
    setU32(built, built.pageSize + dataOffset(5) + 8, 0x7fffffff);
    setU32(built, built.pageSize + dataOffset(7) + 8, 5000);
    const read = readBerkeleyDbHash(built.file);
    expect(read.blobs).toHaveLength(0);
    expect(read.problems).toEqual([
      expect.stringMatching(/overflow page 9999 is outside the file/),
      expect.stringMatching(/claims 2147483647 bytes, more than the whole file/),
      expect.stringMatching(/ends after 998 of 5000 bytes/),
    ]);
  });

  it('stops overflow reads when chains share pages', () => {
    const long = payload(10 * 998, 1);
    const built = buildBdb({ values: [long, ...Array.from({ length: 19 }, () => payload(10, 2))] });
    const page1 = built.file.subarray(built.pageSize, 2 * built.pageSize);
    for (let i = 5; i < 2 * 21; i += 2) {
      setU32(built, built.pageSize + page1.readUInt16LE(26 + 2 * i) + 4, built.overflow[0]![0]!);
      setU32(built, built.pageSize + page1.readUInt16LE(26 + 2 * i) + 8, long.length);
    }
    const read = readBerkeleyDbHash(built.file);
    expect(read.problems).toContain(
      'overflow chains read more pages than the file has (pages shared between items)',
    );
    expect(read.blobs.length).toBeLessThan(5);
  });

  it('reports item offsets that leave the page or overlap', () => {
    const built = buildBdb({ values });
    built.file.writeUInt16LE(built.pageSize + 10, built.pageSize + 26 + 2);
    const read = readBerkeleyDbHash(built.file);
    expect(read.problems).toEqual([
      'hash page 1 item 0: offsets key 1019..1024, data 1034 out of order or outside the page',
      'hash page 1 item 2: offsets key 1009..1034, data 997 out of order or outside the page',
    ]);
    expect(read.blobs).toHaveLength(2);
  });

  it('reports a truncated file and keeps what it could read', () => {
    const built = buildBdb({ values });
    const read = readBerkeleyDbHash(built.file.subarray(0, built.file.length - built.pageSize));
    expect(read.problems[0]).toMatch(/file truncated: metadata says 7 pages of 1024 bytes, the file holds 6/);
    expect(read.blobs.map((b) => Buffer.from(b))).toEqual(values.slice(0, 2));
  });

  it('rejects unusable metadata', () => {
    const mutate = (at: number, v: number, byte = false) => {
      const built = buildBdb({ values });
      if (byte) built.file[at] = v;
      else built.file.writeUInt32LE(v, at);
      return readBerkeleyDbHash(built.file).problems;
    };
    expect(readBerkeleyDbHash(Buffer.alloc(100)).problems).toEqual([
      expect.stringMatching(/metadata page truncated/),
    ]);
    expect(mutate(12, 0x12345678)).toEqual(['not a BerkeleyDB hash database (bad metadata magic)']);
    expect(mutate(16, 7)).toEqual([expect.stringMatching(/unsupported BerkeleyDB hash version 7/)]);
    expect(mutate(20, 1000)).toEqual([expect.stringMatching(/page size 1000 is not a power of two/)]);
    expect(mutate(24, 1, true)).toEqual([expect.stringMatching(/encrypted/)]);
    expect(mutate(25, 9, true)).toEqual([expect.stringMatching(/page 0 has type 9/)]);
    expect(mutate(72, 0xffffffff)[0]).toMatch(/max bucket 4294967295 needs more pages/);
  });

  it('never throws or hangs on truncated or corrupted files', () => {
    const built = buildBdb({ values, twoBuckets: true });
    for (let cut = 0; cut <= built.file.length; cut += 97) readBerkeleyDbHash(built.file.subarray(0, cut));
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    const started = Date.now();
    for (let round = 0; round < 3000; round++) {
      const file = Buffer.from(built.file);
      for (let flips = 1 + (random() % 8); flips > 0; flips--) {
        // aim most flips at page headers and item offsets, where they matter
        const page = random() % (file.length / built.pageSize);
        const at = page * built.pageSize + (random() % 2 ? random() % 64 : random() % built.pageSize);
        file[at] = random() & 0xff;
      }
      const read = readBerkeleyDbHash(file);
      expect(Array.isArray(read.problems)).toBe(true);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
