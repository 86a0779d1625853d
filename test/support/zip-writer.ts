/**
 * A minimal ZIP writer for tests (APPNOTE 6.3.10 local headers, central directory, end record): it
 * can write what real tools refuse to, entries whose declared sizes lie.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipSpec {
  name: string;
  /** the member's content; or, with `deflated`, only what its CRC and sizes are computed over */
  data: Buffer;
  /**
   * the member's deflated bytes as given (say, a bomb too large to hold inflated): then `data` is
   * ignored and `crc` and `declaredSize` must say what the content would be
   */
  deflated?: Buffer;
  crc?: number;
  /** deflate (default) or store */
  store?: boolean;
  /** the uncompressed size to declare instead of the real one */
  declaredSize?: number;
}

export function writeZip(entries: ZipSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflated ?? (e.store ? e.data : deflateRawSync(e.data));
    const crc = (e.crc ?? crc32(e.data)) >>> 0;
    const size = e.declaredSize ?? e.data.length;
    const method = e.store && !e.deflated ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
