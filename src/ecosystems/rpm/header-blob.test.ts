import { describe, expect, it } from 'vitest';
import { HeaderType, parseHeaderBlob } from './header-blob.js';
import { RpmdbError } from './rpmdb-error.js';

interface Item {
  tag: number;
  type: number;
  data: Buffer;
  count?: number;
}

const str = (s: string) => Buffer.from(`${s}\0`);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** A header blob as rpm databases store it: il, dl, index entries, data store (no alignment padding). */
function header(items: Item[]): Buffer {
  const index = Buffer.alloc(items.length * 16);
  const data: Buffer[] = [];
  let offset = 0;
  items.forEach((item, i) => {
    index.writeUInt32BE(item.tag, i * 16);
    index.writeUInt32BE(item.type, i * 16 + 4);
    index.writeUInt32BE(offset, i * 16 + 8);
    index.writeUInt32BE(item.count ?? 1, i * 16 + 12);
    data.push(item.data);
    offset += item.data.length;
  });
  return Buffer.concat([u32(items.length), u32(offset), index, ...data]);
}

/** Rewrites one big-endian field of index entry `entry` (0 tag, 4 type, 8 offset, 12 count). */
function patchEntry(blob: Buffer, entry: number, field: 0 | 4 | 8 | 12, value: number): Buffer {
  const copy = Buffer.from(blob);
  copy.writeUInt32BE(value, 8 + entry * 16 + field);
  return copy;
}

const sample = () =>
  header([
    { tag: 1000, type: HeaderType.string, data: str('bash') },
    { tag: 1003, type: HeaderType.int32, data: u32(2) },
    {
      tag: 1004,
      type: HeaderType.i18nString,
      data: Buffer.concat([str('The shell'), str('Die Shell')]),
      count: 2,
    },
    {
      tag: 1118,
      type: HeaderType.stringArray,
      data: Buffer.concat([str('/bin'), str('/usr/bin')]),
      count: 2,
    },
    { tag: 1009, type: HeaderType.int16, data: Buffer.from([0x01, 0x02]) },
    { tag: 1010, type: HeaderType.int8, data: Buffer.from([7]) },
    { tag: 5009, type: HeaderType.int64, data: Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]) },
  ]);

describe('parseHeaderBlob', () => {
  it('reads strings, string arrays, I18N strings and integers of every width', () => {
    const h = parseHeaderBlob(sample());
    expect(h.entries).toHaveLength(7);
    expect(h.string(1000)).toBe('bash');
    expect(h.integer(1003)).toBe(2);
    expect(h.string(1004)).toBe('The shell');
    expect(h.strings(1004)).toEqual(['The shell', 'Die Shell']);
    expect(h.strings(1118)).toEqual(['/bin', '/usr/bin']);
    expect(h.string(1118)).toBe('/bin');
    expect(h.integer(1009)).toBe(0x0102);
    expect(h.integer(1010)).toBe(7);
    expect(h.integer(5009)).toBe(2 ** 32);
  });

  it('returns undefined for absent tags', () => {
    const h = parseHeaderBlob(sample());
    expect(h.has(1001)).toBe(false);
    expect(h.string(1001)).toBeUndefined();
    expect(h.strings(1001)).toBeUndefined();
    expect(h.integer(1001)).toBeUndefined();
  });

  it('tolerates the header magic that precedes headers in package files', () => {
    const magic = Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
    expect(parseHeaderBlob(Buffer.concat([magic, sample()])).string(1000)).toBe('bash');
  });

  it('lets a later entry for the same tag replace an earlier one', () => {
    const h = parseHeaderBlob(
      header([
        { tag: 1011, type: HeaderType.string, data: str('old') },
        { tag: 1011, type: HeaderType.string, data: str('new') },
      ]),
    );
    expect(h.string(1011)).toBe('new');
  });

  it('reads from a Uint8Array view into a larger buffer', () => {
    const blob = sample();
    const big = Buffer.concat([Buffer.from('prefix'), blob, Buffer.from('suffix')]);
    expect(parseHeaderBlob(new Uint8Array(big.buffer, big.byteOffset + 6, blob.length)).string(1000)).toBe(
      'bash',
    );
  });

  const bad: [string, () => Buffer, RegExp][] = [
    ['a blob shorter than its intro', () => Buffer.alloc(5), /shorter than its 8-byte intro/],
    ['no index entries', () => Buffer.concat([u32(0), u32(0)]), /index count 0/],
    ['too many index entries', () => Buffer.concat([u32(0x10000), u32(0)]), /index count 65536/],
    ['a data length over rpm limit', () => Buffer.concat([u32(1), u32(0x10000000)]), /over rpm's limit/],
    ['an index running past the blob', () => sample().subarray(0, 40), /needs \d+ bytes/],
    [
      'a data store running past the blob',
      () => sample().subarray(0, sample().length - 1),
      /needs \d+ bytes/,
    ],
    ['an unknown type', () => patchEntry(sample(), 0, 4, 10), /unknown type 10/],
    [
      'an offset outside the data store',
      () => patchEntry(sample(), 0, 8, 0xfffffff0),
      /outside the \d+-byte data store/,
    ],
  ];
  for (const [what, blob, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => parseHeaderBlob(blob())).toThrow(RpmdbError);
      expect(() => parseHeaderBlob(blob())).toThrow(message);
    });
  }

  it('rejects values that do not fit their data store when read', () => {
    const unterminated = header([{ tag: 1000, type: HeaderType.string, data: Buffer.from('bash') }]);
    expect(() => parseHeaderBlob(unterminated).string(1000)).toThrow(/runs past the data store/);
    const manyStrings = header([
      { tag: 1118, type: HeaderType.stringArray, data: str('a'), count: 0xffffffff },
    ]);
    expect(() => parseHeaderBlob(manyStrings).strings(1118)).toThrow(/claims 4294967295 strings/);
    const fewStrings = header([{ tag: 1118, type: HeaderType.stringArray, data: str('a'), count: 2 }]);
    expect(() => parseHeaderBlob(fewStrings).strings(1118)).toThrow(/string 1 runs past/);
    const shortInt = header([
      { tag: 1, type: HeaderType.string, data: str('xy') },
      { tag: 1003, type: HeaderType.int32, data: Buffer.from([0, 1]) },
    ]);
    expect(() => parseHeaderBlob(shortInt).integer(1003)).toThrow(/value runs past the data store/);
    const arrayCountedAsString = header([{ tag: 1000, type: HeaderType.string, data: str('a'), count: 3 }]);
    expect(() => parseHeaderBlob(arrayCountedAsString).string(1000)).toThrow(/STRING with count 3/);
  });

  it('rejects reading a value as the wrong kind', () => {
    const h = parseHeaderBlob(sample());
    expect(() => h.string(1003)).toThrow(/not a string type/);
    expect(() => h.integer(1000)).toThrow(/not an integer type/);
  });

  it('never throws anything but RpmdbError on random and mutated blobs', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    const base = sample();
    for (let round = 0; round < 2000; round++) {
      const blob = Buffer.from(base);
      for (let flips = 1 + (random() % 4); flips > 0; flips--) blob[random() % blob.length] = random() & 0xff;
      const cut = round % 3 === 0 ? blob.subarray(0, random() % blob.length) : blob;
      try {
        const h = parseHeaderBlob(cut);
        for (const e of h.entries) {
          for (const read of [h.string, h.strings, h.integer]) {
            try {
              read(e.tag);
            } catch (err) {
              expect(err).toBeInstanceOf(RpmdbError);
            }
          }
        }
      } catch (err) {
        expect(err).toBeInstanceOf(RpmdbError);
      }
    }
  });
});
