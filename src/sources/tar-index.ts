import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { BadInputError } from '../core/errors.js';

/** Where one member's data sits inside a tar archive on disk. */
export interface TarMember {
  name: string;
  offset: number;
  size: number;
  type: string;
  linkname?: string;
}

const BLOCK = 512;

function cstring(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end >= 0 && end < start + len ? end : start + len);
}

function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB
  if ((buf[start]! & 0x80) !== 0) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i]!;
    return v;
  }
  const s = cstring(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return Number.NaN;
  return Number.parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === octal(h, 148, 8);
}

function paxPath(data: Buffer, key: string): string | undefined {
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number.parseInt(data.toString('utf8', i, sp), 10);
    if (!(len > 0) || i + len > data.length) break;
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0 && rec.slice(0, eq) === key) return rec.slice(eq + 1);
    i += len;
  }
  return undefined;
}

/**
 * Reads the member table of an uncompressed tar archive (POSIX ustar, pax and GNU long names) by
 * seeking over member data, so a multi-gigabyte `docker save` archive is indexed without reading it.
 * Format: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
export class TarIndex {
  private constructor(
    readonly path: string,
    readonly members: Map<string, TarMember>,
  ) {}

  static async open(path: string): Promise<TarIndex> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw new BadInputError(path, `cannot open archive: ${(e as Error).message}`, { cause: e });
    }
    try {
      const { size: fileSize } = await fh.stat();
      const magic = Buffer.alloc(4);
      await fh.read(magic, 0, 4, 0);
      if (magic[0] === 0x1f && magic[1] === 0x8b) {
        throw new BadInputError(path, 'archive is gzip-compressed; decompress it first (gunzip)');
      }
      if (magic.readUInt32LE(0) === 0xfd2fb528) {
        throw new BadInputError(path, 'archive is zstd-compressed; decompress it first (zstd -d)');
      }
      const members = new Map<string, TarMember>();
      const header = Buffer.alloc(BLOCK);
      let pos = 0;
      let longName: string | undefined;
      let paxName: string | undefined;
      let count = 0;
      while (pos + BLOCK <= fileSize) {
        const { bytesRead } = await fh.read(header, 0, BLOCK, pos);
        if (bytesRead < BLOCK) break;
        if (header.every((b) => b === 0)) break; // end-of-archive blocks
        if (!checksumOk(header)) {
          throw new BadInputError(path, `not a tar archive or corrupt tar header at offset ${pos}`);
        }
        const size = octal(header, 124, 12);
        if (!Number.isFinite(size) || size < 0)
          throw new BadInputError(path, `bad member size at offset ${pos}`);
        const type = String.fromCharCode(header[156] || 0x30);
        const dataStart = pos + BLOCK;
        if (dataStart + size > fileSize) {
          throw new BadInputError(
            path,
            `truncated archive: member at offset ${pos} needs ${size} bytes, file ends first`,
          );
        }
        count++;
        if (type === 'L' || type === 'x' || type === 'g') {
          if (size > 1 << 20) throw new BadInputError(path, `oversized tar metadata entry at offset ${pos}`);
          const data = Buffer.alloc(size);
          await fh.read(data, 0, size, dataStart);
          if (type === 'L') longName = cstring(data, 0, size);
          else if (type === 'x') paxName = paxPath(data, 'path') ?? paxName;
        } else {
          const prefix = header.subarray(257, 263).toString('latin1').startsWith('ustar')
            ? cstring(header, 345, 155)
            : '';
          const base = cstring(header, 0, 100);
          let name = paxName ?? longName ?? (prefix ? `${prefix}/${base}` : base);
          name = name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
          const linkname = cstring(header, 157, 100) || undefined;
          members.set(name, { name, offset: dataStart, size, type, linkname });
          longName = undefined;
          paxName = undefined;
        }
        pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      }
      if (count === 0) throw new BadInputError(path, 'empty or not a tar archive');
      return new TarIndex(path, members);
    } finally {
      await fh.close();
    }
  }

  has(name: string): boolean {
    return this.members.has(name);
  }

  /** The member, following hard and symbolic links inside the archive (legacy docker-archive uses them). */
  get(name: string): TarMember | undefined {
    let m = this.members.get(name);
    for (let hops = 0; m && (m.type === '1' || m.type === '2') && m.linkname && hops < 8; hops++) {
      const target = m.type === '2' ? joinLink(m.name, m.linkname) : m.linkname.replace(/^(\.\/)+/, '');
      m = this.members.get(target);
    }
    return m;
  }

  async read(name: string, maxBytes = 64 << 20): Promise<Buffer> {
    const m = this.get(name);
    if (!m) throw new BadInputError(this.path, `missing ${name} in archive`);
    if (m.size > maxBytes)
      throw new BadInputError(this.path, `${name} is ${m.size} bytes, over the ${maxBytes} limit`);
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(m.size);
      await fh.read(buf, 0, m.size, m.offset);
      return buf;
    } finally {
      await fh.close();
    }
  }

  stream(name: string): Readable {
    const m = this.get(name);
    if (!m) throw new BadInputError(this.path, `missing ${name} in archive`);
    if (m.size === 0) return createReadStream(this.path, { start: 1, end: 0 });
    return createReadStream(this.path, {
      start: m.offset,
      end: m.offset + m.size - 1,
      highWaterMark: 1 << 20,
    });
  }
}

function joinLink(from: string, target: string): string {
  if (target.startsWith('/')) return target.replace(/^\/+/, '');
  const parts = from.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}
