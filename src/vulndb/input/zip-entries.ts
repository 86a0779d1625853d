import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';

/**
 * Reads the entries of a ZIP file through yauzl (central directory, zip64, stored and deflated
 * entries), one at a time, so memory holds the directory and the entries being read. Every entry's
 * bytes are checked against its recorded size (yauzl) and CRC-32 (here: yauzl does not).
 */

/** An advisory is a few kilobytes; refuse anything that could not be one rather than inflate it. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

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

/** yauzl's messages for a file that is not a zip at all start like this; say it the way users expect. */
function zipError(e: unknown, name?: string): ZipFormatError {
  if (e instanceof ZipFormatError) return e;
  const m = (e as Error).message;
  const text = /end of central directory record signature not found/i.test(m)
    ? 'no end of central directory record (not a zip file?)'
    : m;
  return new ZipFormatError(name ? `${name}: ${text}` : text, { cause: e });
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const name = entry.fileName;
  if (entry.isEncrypted()) throw new ZipFormatError(`${name}: encrypted entries are not supported`);
  if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
    throw new ZipFormatError(`${name}: ${entry.uncompressedSize} bytes is too large`);
  }
  const chunks: Buffer[] = [];
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const c of stream) chunks.push(c as Buffer);
  } catch (e) {
    throw zipError(e, name);
  }
  const data = Buffer.concat(chunks);
  if (crc32(data) !== entry.crc32) throw new ZipFormatError(`${name}: CRC-32 mismatch`);
  return data;
}

export async function* zipEntries(file: string): AsyncGenerator<ZipEntry> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (e) {
    throw zipError(e);
  }
  const reads = new Set<Promise<Buffer>>();
  try {
    const entries = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (e) {
        throw zipError(e);
      }
      if (next.done) break;
      const entry = next.value;
      if (entry.fileName.endsWith('/')) continue;
      yield {
        name: entry.fileName,
        size: entry.uncompressedSize,
        read: () => {
          const p = readEntry(zip, entry);
          reads.add(p);
          p.then(
            () => reads.delete(p),
            () => reads.delete(p),
          );
          return p;
        },
      };
    }
  } finally {
    await Promise.allSettled([...reads]);
    zip.close();
  }
}
