import { createReadStream } from 'node:fs';
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../../core/errors.js';
import type { Notices } from '../feed-record.js';
import { ZipFormatError, zipEntries } from './zip-entries.js';

/** One JSON document to import: a file, or an entry of a zip archive. */
export interface FeedDocument {
  /** the file path, or `archive.zip!path/in/archive.json` */
  name: string;
  /** the import path (as the caller gave it) this document was found under */
  input: string;
  /** the caller named this file itself (it was not found by walking a directory or an archive) */
  named: boolean;
  size: number;
  /** the whole document */
  read(): Promise<Buffer>;
  /** the document as a stream of chunks, for documents too large to hold */
  chunks(): AsyncIterable<Buffer>;
}

/** The first call's promise, for every call: a document read ahead is not read again. */
function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= load();
    return promise;
  };
}

const ZIP_MAGIC = [0x504b0304, 0x504b0506];

async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && ZIP_MAGIC.includes(head.readUInt32BE(0));
  } finally {
    await handle.close();
  }
}

function fileDocument(file: string, input: string, named: boolean, size: number): FeedDocument {
  return {
    name: file,
    input,
    named,
    size,
    read: memo(() => readFile(file)),
    chunks: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
  };
}

async function* zipDocuments(file: string, input: string, notices: Notices): AsyncGenerator<FeedDocument> {
  try {
    for await (const entry of zipEntries(file)) {
      const name = `${file}!${entry.name}`;
      if (!entry.name.toLowerCase().endsWith('.json')) {
        notices.add('zip entry that is not .json ignored', name);
        continue;
      }
      yield {
        name,
        input,
        named: false,
        size: entry.size,
        read: memo(() => entry.read()),
        chunks: async function* () {
          yield await entry.read();
        },
      };
    }
  } catch (cause) {
    if (cause instanceof ZipFormatError)
      throw new BadInputError(file, `bad zip archive: ${cause.message}`, { cause });
    throw cause;
  }
}

const YAML = /\.ya?ml$/i;

/**
 * The documents under the import paths, each file once. A directory is walked recursively in name
 * order: `*.json` files are documents, `*.zip` archives give their `*.json` entries, YAML is skipped
 * with a notice (no YAML parser in the project; OSV publishes JSON beside it), anything else and
 * dot-entries are ignored with a notice. A file named directly is a zip when its bytes say so, and
 * a JSON document otherwise. A file or directory already in `seen` (real paths; pass one set to several
 * calls) is not read again. A missing path throws BadInputError.
 */
export async function* feedDocuments(
  paths: readonly string[],
  notices: Notices,
  seen = new Set<string>(),
): AsyncGenerator<FeedDocument> {
  async function* visit(path: string, input: string, named: boolean): AsyncGenerator<FeedDocument> {
    let info: Awaited<ReturnType<typeof stat>>;
    let real: string;
    try {
      info = await stat(path);
      real = await realpath(path);
    } catch (cause) {
      throw new BadInputError(path, 'cannot read this import path', { cause });
    }
    if (seen.has(real)) return;
    seen.add(real);
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const entry of entries) {
        if (entry.startsWith('.')) {
          notices.add('hidden file or directory ignored', join(path, entry));
          continue;
        }
        yield* visit(join(path, entry), input, false);
      }
      return;
    }
    if (!info.isFile()) {
      notices.add('not a regular file, ignored', path);
      return;
    }
    if (YAML.test(path)) {
      notices.add('YAML file skipped (no YAML parser installed)', path);
      return;
    }
    if (named ? await isZip(path) : path.toLowerCase().endsWith('.zip')) {
      yield* zipDocuments(path, input, notices);
    } else if (named || path.toLowerCase().endsWith('.json')) {
      yield fileDocument(path, input, named, info.size);
    } else {
      notices.add('file that is not .json or .zip ignored', path);
    }
  }
  for (const path of paths) yield* visit(path, path, true);
}

/**
 * The same documents, with the reading of up to `window` documents of at most `maxSize` bytes started
 * ahead of the consumer, so file I/O overlaps parsing and writing. Memory: `window` documents.
 */
export async function* readAhead(
  documents: AsyncIterable<FeedDocument>,
  maxSize: number,
  window = 32,
): AsyncGenerator<FeedDocument> {
  const queue: FeedDocument[] = [];
  for await (const document of documents) {
    if (document.size <= maxSize) document.read().catch(() => {});
    queue.push(document);
    if (queue.length >= window) yield queue.shift() as FeedDocument;
  }
  yield* queue;
}
