import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/**
 * Reads the entries of a ZIP file (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT) through
 * its central directory, zip64 included: stored and deflated entries, one at a time, so memory holds the
 * central directory and the entries being read. Written here because the project has no zip library yet (see the
 * vulndb report); a library with the same reach can replace this file without touching its callers.
 */

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX = 0xffffffff;
/** An advisory is a few kilobytes; refuse anything that could not be one rather than inflate it. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

const inflateRaw = promisify(zlib.inflateRaw);

export interface ZipEntry {
  /** path inside the archive, `/`-separated */
  name: string;
  /** uncompressed size in bytes */
  size: number;
  /** the entry's bytes, checked against the recorded size and CRC-32; the archive stays open until every read started before the iteration ended has finished */
  read(): Promise<Buffer>;
}

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

interface CentralDirectory {
  offset: number;
  size: number;
  entries: number;
}

async function readAt(handle: import('node:fs/promises').FileHandle, offset: number, length: number) {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  if (bytesRead !== length) throw new ZipFormatError(`truncated at byte ${offset + bytesRead}`);
  return buffer;
}

function u64(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip64 value out of range');
  return Number(value);
}

async function findCentralDirectory(
  handle: import('node:fs/promises').FileHandle,
  fileSize: number,
): Promise<CentralDirectory> {
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(handle, tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('no end of central directory record (not a zip file?)');
  let entries = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_LOCATOR) {
    const record = await readAt(handle, u64(tail, at - 20 + 8), 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('bad zip64 end of central directory');
    entries = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  if (offset + size > fileSize) throw new ZipFormatError('central directory lies past the end of the file');
  return { offset, size, entries };
}

/** The entries of `file` in central-directory order, directories left out. Throws ZipFormatError on a malformed archive. */
export async function* zipEntries(file: string): AsyncGenerator<ZipEntry> {
  const handle = await open(file, 'r');
  const reading = new Set<Promise<unknown>>();
  try {
    const { size: fileSize } = await handle.stat();
    const directory = await findCentralDirectory(handle, fileSize);
    const central = await readAt(handle, directory.offset, directory.size);
    let at = 0;
    for (let n = 0; n < directory.entries; n++) {
      if (at + 46 > central.length || central.readUInt32LE(at) !== CENTRAL) {
        throw new ZipFormatError(`bad central directory header #${n}`);
      }
      const flags = central.readUInt16LE(at + 8);
      const method = central.readUInt16LE(at + 10);
      const crc = central.readUInt32LE(at + 16);
      let compressedSize = central.readUInt32LE(at + 20);
      let size = central.readUInt32LE(at + 24);
      const nameLength = central.readUInt16LE(at + 28);
      const extraLength = central.readUInt16LE(at + 30);
      const commentLength = central.readUInt16LE(at + 32);
      let localOffset = central.readUInt32LE(at + 42);
      const name = central.toString('utf8', at + 46, at + 46 + nameLength);
      const extraEnd = at + 46 + nameLength + extraLength;
      for (let e = at + 46 + nameLength; e + 4 <= extraEnd; ) {
        const id = central.readUInt16LE(e);
        const length = central.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let field = e + 4;
          if (size === MAX) {
            size = u64(central, field);
            field += 8;
          }
          if (compressedSize === MAX) {
            compressedSize = u64(central, field);
            field += 8;
          }
          if (localOffset === MAX) localOffset = u64(central, field);
        }
        e += 4 + length;
      }
      at = extraEnd + commentLength;
      if (name.endsWith('/')) continue;
      yield {
        name,
        size,
        read: () => {
          const read = readEntry();
          reading.add(read);
          read.finally(() => reading.delete(read)).catch(() => {});
          return read;
        },
      };
      async function readEntry(): Promise<Buffer> {
        if (flags & 1) throw new ZipFormatError(`${name}: encrypted entries are not supported`);
        if (size > MAX_ENTRY_BYTES) throw new ZipFormatError(`${name}: ${size} bytes is too large`);
        const local = await readAt(handle, localOffset, 30);
        if (local.readUInt32LE(0) !== LOCAL) throw new ZipFormatError(`${name}: bad local header`);
        const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        const raw = await readAt(handle, dataStart, compressedSize);
        let data: Buffer;
        if (method === 0) data = raw;
        else if (method === 8) data = await inflateRaw(raw, { maxOutputLength: Math.max(size, 1) });
        else throw new ZipFormatError(`${name}: compression method ${method} is not supported`);
        if (data.length !== size) throw new ZipFormatError(`${name}: ${data.length} bytes, expected ${size}`);
        if (typeof zlib.crc32 === 'function' && zlib.crc32(data) >>> 0 !== crc) {
          throw new ZipFormatError(`${name}: CRC-32 mismatch`);
        }
        return data;
      }
    }
  } finally {
    await Promise.allSettled(reading);
    await handle.close();
  }
}
