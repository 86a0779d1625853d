import { describe, expect, it } from 'vitest';
import { readNdb } from './ndb.js';

const le32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  for (const [i, v] of values.entries()) b.writeUInt32LE(v, 4 * i);
  return b;
};
const magic = (s: string) => Buffer.from(s, 'latin1').readUInt32LE(0);

/**
 * An NDB Packages.db as rpm writes it: header, slot pages, then one blob per value. `storeReversed`
 * stores the blobs in the reverse order of their slots, as happens after rpm moves blobs around.
 */
function buildNdb(values: Buffer[], { slotPages = 1, storeReversed = false } = {}): Buffer {
  const slots = Buffer.alloc(slotPages * 4096);
  le32(magic('RpmP'), 0, 1, slotPages, values.length + 1).copy(slots, 0);
  for (let at = 32; at < slots.length; at += 16) slots.writeUInt32LE(magic('Slot'), at);
  const blobs: Buffer[] = [];
  let block = slotPages * 256;
  const order = values.map((_, i) => i);
  if (storeReversed) order.reverse();
  for (const i of order) {
    const value = values[i]!;
    const blocks = Math.ceil((16 + value.length + 12) / 16);
    const pad = Buffer.alloc(blocks * 16 - (16 + value.length + 12));
    blobs.push(
      le32(magic('BlbS'), i + 1, 1700000000, value.length),
      value,
      pad,
      le32(0, value.length, magic('BlbE')),
    );
    le32(magic('Slot'), i + 1, block, blocks).copy(slots, 32 + 16 * i);
    block += blocks;
  }
  return Buffer.concat([slots, ...blobs]);
}

const values = [Buffer.alloc(100, 1), Buffer.alloc(33, 2), Buffer.alloc(5000, 3)];
const asBuffers = (blobs: Uint8Array[]) => blobs.map((b) => Buffer.from(b));

describe('readNdb', () => {
  it('reads every blob, in block order', () => {
    expect(readNdb(buildNdb(values))).toEqual({ blobs: values, problems: [] });
    const reversed = readNdb(buildNdb(values, { storeReversed: true }));
    expect(asBuffers(reversed.blobs)).toEqual([...values].reverse());
  });

  it('reads slots on every slot page and skips free slots', () => {
    const file = buildNdb(values, { slotPages: 2 });
    le32(magic('Slot'), 0, 0, 0).copy(file, 32 + 16); // free the second package's slot
    expect(asBuffers(readNdb(file).blobs)).toEqual([values[0], values[2]]);
  });

  it('skips blobs whose head or tail does not match, saying which', () => {
    const file = buildNdb(values);
    const blockOf = (i: number) => file.readUInt32LE(32 + 16 * i + 8) * 16;
    file.writeUInt32LE(0, blockOf(0));
    file.writeUInt32LE(7, blockOf(1) + 4);
    file.writeUInt32LE(0, file.length - 4);
    const read = readNdb(file);
    expect(read.blobs).toEqual([]);
    expect(read.problems).toEqual([
      'NDB package 1 (slot 2): blob has a bad head magic',
      'NDB package 2 (slot 3): blob belongs to package 7',
      'NDB package 3 (slot 4): blob tail does not match its head (torn write?)',
    ]);
  });

  it('reports slots that point outside the blob area or disagree with the blob length', () => {
    const file = buildNdb(values);
    file.writeUInt32LE(0xffffff, 32 + 8);
    file.writeUInt32LE(3, 32 + 16 + 8);
    file.writeUInt32LE(99, 32 + 32 + 12);
    const read = readNdb(file);
    expect(read.blobs).toEqual([]);
    expect(read.problems).toEqual([
      expect.stringMatching(/^NDB slot 2 \(package 1\) points past the end of the file/),
      'NDB slot 3 is invalid (package 2, blocks 3+4)',
      'NDB package 3 (slot 4): blob length 5000 needs 315 blocks, the slot has 99',
    ]);
  });

  it('reports a bad slot magic and keeps the slots before it', () => {
    const file = buildNdb(values);
    file.writeUInt32LE(0, 32 + 16);
    const read = readNdb(file);
    expect(asBuffers(read.blobs)).toEqual([values[0]]);
    expect(read.problems).toEqual(['NDB slot 3 has a bad magic; slots after it are not read']);
  });

  it('reports truncation and reads what is left', () => {
    const file = buildNdb(values);
    const read = readNdb(file.subarray(0, file.length - 100));
    expect(asBuffers(read.blobs)).toEqual(values.slice(0, 2));
    expect(read.problems).toEqual([expect.stringMatching(/^NDB slot 4 \(package 3\) points past the end/)]);
    expect(readNdb(file.subarray(0, 2000)).problems).toEqual([
      'NDB file truncated: header declares 1 slot pages, the file holds 0',
    ]);
  });

  it('rejects unusable headers', () => {
    expect(readNdb(Buffer.from('RpmP')).problems).toEqual([expect.stringMatching(/header truncated/)]);
    const file = buildNdb(values);
    expect(readNdb(Buffer.concat([Buffer.from('XpmP'), file.subarray(4)])).problems).toEqual([
      'not an NDB database (bad magic)',
    ]);
    const v1 = Buffer.from(file);
    v1.writeUInt32LE(1, 4);
    expect(readNdb(v1).problems).toEqual(['unsupported NDB version 1 (known: 0)']);
    const noPages = Buffer.from(file);
    noPages.writeUInt32LE(0, 12);
    expect(readNdb(noPages).problems).toEqual(['NDB header declares 0 slot pages']);
    const manyPages = Buffer.from(file);
    manyPages.writeUInt32LE(0xffffffff, 12);
    expect(readNdb(manyPages).problems[0]).toMatch(/header declares 4294967295 slot pages, the file holds 2/);
  });

  it('never throws on truncated or corrupted files', () => {
    const file = buildNdb(values);
    for (let cut = 0; cut <= file.length; cut += 61) readNdb(file.subarray(0, cut));
    let seed = 3;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    for (let round = 0; round < 3000; round++) {
      const copy = Buffer.from(file);
      for (let flips = 1 + (random() % 6); flips > 0; flips--) {
        const at = random() % 2 ? random() % 96 : random() % copy.length;
        copy[at] = random() & 0xff;
      }
      expect(Array.isArray(readNdb(copy).problems)).toBe(true);
    }
  });
});
