import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import type { AnalyzeContext, Analyzer, FileFindings, FileInfo, LayerAnalysis } from '../core/analyzer.js';
import { AbortError, BadInputError } from '../core/errors.js';
import type { LayerDescriptor } from '../core/image.js';
import type { FileRange } from './inflate-protocol.js';
import { type FeedSink, type LayerFeed, streamFeed, workerFeed, workerFeedAvailable } from './layer-feed.js';
import { basename, dirname, normalizeMemberPath } from './paths.js';

/**
 * Stored blobs at least this big are read, hashed and decompressed on a worker thread; smaller ones
 * here, where they cost less than starting a thread (an image's own small layer over cached bases).
 */
export const WORKER_FEED_MIN_BYTES = 1 << 20;

/** WORKER_FEED_MIN_BYTES, or HULLSCAN_INFLATE_WORKER_MIN_BYTES (tests put small blobs on the thread). */
function workerFeedMinBytes(): number {
  const v = Number(process.env.HULLSCAN_INFLATE_WORKER_MIN_BYTES);
  return Number.isInteger(v) && v >= 0 ? v : WORKER_FEED_MIN_BYTES;
}

/** Limits that keep one hostile layer from exhausting the machine. */
export interface WalkLimits {
  /** uncompressed bytes one layer may expand to */
  maxLayerBytes: number;
  /** uncompressed ÷ compressed ratio above which a layer is treated as a decompression bomb… */
  maxExpansion: number;
  /** …once it has expanded past this many bytes (small layers of zeros are harmless) */
  expansionFloor: number;
}

export const DEFAULT_LIMITS: WalkLimits = {
  maxLayerBytes: 64 * 2 ** 30,
  maxExpansion: 200,
  expansionFloor: 256 * 2 ** 20,
};

/** What the walk itself learns about a layer, independent of analyzers; cached per diffID. */
export interface LayerMeta {
  diffID: string;
  /** uncompressed size: the tar stream's byte count */
  size: number;
  files: number;
  /** paths deleted from lower layers (`.wh.` entries) */
  whiteouts: string[];
  /** directories whose lower-layer content is hidden (`.wh..wh..opq`) */
  opaqueDirs: string[];
  /** every symbolic link: path → target as written (resolution happens over the final filesystem) */
  symlinks: Record<string, string>;
}

export interface LayerWalkResult {
  meta: LayerMeta;
  analyses: LayerAnalysis[];
}

export interface WalkOptions {
  /** 1-based position and total, for messages */
  position: number;
  total: number;
  analyzers: Analyzer[];
  limits?: WalkLimits;
  signal?: AbortSignal;
  /** called with stored bytes read so far */
  onProgress?: (storedBytes: number) => void;
}

const DEFAULT_MAX_FILE = 64 * 2 ** 20;
const EMPTY = Buffer.alloc(0);

interface Captured {
  info: FileInfo;
  /** kept for later hard links only while small (see KEEP_FOR_LINKS) */
  content?: Buffer;
  /** what each analyzer (by index) made of it, for hard links whose content was not kept */
  results?: Map<number, Promise<FileFindings>>;
}

/**
 * Content kept for hard links that may come later in the layer: files up to 4 MiB, 64 MiB in all.
 * A link to a file whose content was not kept gets the target's findings (same bytes) instead of a
 * second analysis; keeping every wanted file's bytes (every executable, for the binary analyzers)
 * would hold a whole layer in memory.
 */
const KEEP_FILE = 4 * 2 ** 20;
const KEEP_TOTAL = 64 * 2 ** 20;

/**
 * Streams one layer once: verifies the blob digest (when the source names one) and the diffID,
 * applies no extraction, records whiteouts, and hands each wanted regular file to the analyzers.
 * Rejects with BadInputError when the layer is corrupt, hostile or does not match its digests.
 */
export function walkLayer(
  input: Readable | FileRange,
  layer: LayerDescriptor,
  opts: WalkOptions,
): Promise<LayerWalkResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const subject = `layer ${opts.position}/${opts.total} (${layer.diffID})`;
  const analyses: LayerAnalysis[] = opts.analyzers.map((a) => ({
    analyzer: a.name,
    version: a.version,
    files: {},
  }));
  const meta: LayerMeta = {
    diffID: layer.diffID,
    size: 0,
    files: 0,
    whiteouts: [],
    opaqueDirs: [],
    symlinks: {},
  };
  const ctx: AnalyzeContext = { layer: layer.diffID, signal: opts.signal };
  const pending: Promise<void>[] = [];
  const seen = new Map<string, Captured>();

  return new Promise<LayerWalkResult>((resolve, reject) => {
    let settled = false;
    let feed: LayerFeed | undefined;
    let stored = 0;
    let tarError: string | undefined;
    let truncated = false;
    // the member being read, to tell a stream cut inside data from one that only lacks padding/end blocks
    let last: ReadEntry | undefined;

    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      feed?.destroy();
      reject(err);
    };
    const corrupt = (msg: string, cause?: unknown) => fail(new BadInputError(subject, msg, { cause }));
    const onAbort = () => fail(new AbortError());
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const record = (i: number, path: string, f: FileFindings) => {
      analyses[i]!.files[path] = f;
    };
    let kept = 0;
    const runAnalyzers = (wanting: number[], info: FileInfo, content: Buffer, cap?: Captured) => {
      for (const i of wanting) {
        const a = opts.analyzers[i]!;
        const result = (async (): Promise<FileFindings> => {
          try {
            return (await a.analyze({ info, content }, ctx)) ?? {};
          } catch (e) {
            return { problems: [`${a.name} failed: ${(e as Error).message}`] };
          }
        })();
        if (cap) {
          cap.results ??= new Map();
          cap.results.set(i, result);
        }
        pending.push(result.then((f) => record(i, info.path, f)));
      }
    };

    const parser = new Parser({ strict: false });
    parser.on('warn', (code: string, message: string | Error) => {
      const m = typeof message === 'string' ? message : message.message;
      if (code === 'TAR_ENTRY_INFO' || code === 'TAR_ENTRY_UNSUPPORTED') return;
      if (m.startsWith('Truncated input')) truncated = true;
      else tarError ??= `corrupt tar stream: ${m}`;
    });
    parser.on('error', (e: Error) => corrupt(`corrupt tar stream: ${e.message}`, e));
    parser.on('entry', (entry: ReadEntry) => {
      if (settled) return entry.resume();
      const norm = normalizeMemberPath(entry.path);
      if (!norm.ok) {
        entry.resume();
        return corrupt(
          norm.reason === 'absolute'
            ? `absolute path "${entry.path}" in layer`
            : `path "${entry.path}" has ".." and would escape the image root`,
        );
      }
      const path = norm.path;
      last = entry;
      const base = basename(path);
      if (base.startsWith('.wh.')) {
        entry.resume();
        if (base === '.wh..wh..opq') meta.opaqueDirs.push(dirname(path));
        else if (!base.startsWith('.wh..wh.'))
          meta.whiteouts.push(`${dirname(path) ? `${dirname(path)}/` : ''}${base.slice(4)}`);
        return;
      }
      const info: FileInfo = {
        path,
        size: entry.size ?? 0,
        mode: (entry.mode ?? 0) & 0o7777,
        uid: entry.uid ?? 0,
        gid: entry.gid ?? 0,
      };
      const type = entry.type;
      if (type === 'File' || type === 'OldFile' || type === 'ContiguousFile') {
        meta.files++;
        const wanting: number[] = [];
        for (const [i, a] of opts.analyzers.entries()) {
          if (!a.wants(info)) continue;
          const max = a.maxFileSize ?? DEFAULT_MAX_FILE;
          if (info.size > max)
            record(i, path, {
              problems: [`${info.size} bytes, over the ${max}-byte limit of ${a.name}: not read`],
            });
          else wanting.push(i);
        }
        const cap: Captured = { info };
        seen.set(path, cap);
        if (wanting.length === 0) return entry.resume();
        // the header gives the size: one buffer filled in place, not chunks and a copy (a 100 MB
        // executable would otherwise cost 200 MB at its peak). When every wanting analyzer can judge
        // from a head, only the head is read first; the rest only if one of them asks for it.
        const heads = wanting.map((i) => opts.analyzers[i]!.headBytes);
        const headNeed = heads.every((h) => h !== undefined)
          ? Math.min(info.size, Math.max(...(heads as number[])))
          : info.size;
        let into: Buffer | undefined = Buffer.allocUnsafe(headNeed);
        let filled = 0;
        let decided = false;
        let active = wanting;
        const decide = () => {
          decided = true;
          const head = into!.subarray(0, filled);
          active = wanting.filter((i) => opts.analyzers[i]!.needsContent?.(info, head) ?? true);
          for (const i of wanting) {
            if (active.includes(i)) continue;
            const none: Promise<FileFindings> = Promise.resolve({});
            cap.results ??= new Map();
            cap.results.set(i, none);
            record(i, path, {});
          }
          if (active.length === 0) into = undefined;
          else if (into!.length < info.size) {
            const full = Buffer.allocUnsafe(info.size);
            into!.copy(full, 0, 0, filled);
            into = full;
          }
        };
        entry.on('data', (c: Buffer) => {
          let off = 0;
          while (into && off < c.length && filled < into.length) {
            const n = Math.min(c.length - off, into.length - filled);
            c.copy(into, filled, off, off + n);
            filled += n;
            off += n;
            if (!decided && filled === into.length) decide();
          }
        });
        entry.on('end', () => {
          if (!decided) decide();
          if (!into) return;
          const content = filled === into.length ? into : into.subarray(0, filled);
          if (content.length <= KEEP_FILE && kept + content.length <= KEEP_TOTAL) {
            cap.content = content;
            kept += content.length;
          }
          runAnalyzers(active, info, content, cap);
        });
        return;
      }
      entry.resume();
      if (type === 'Link') {
        const t = normalizeMemberPath(entry.linkpath ?? '');
        if (!t.ok)
          return corrupt(`hard link "${entry.path}" points outside the image root ("${entry.linkpath}")`);
        const target = seen.get(t.path);
        if (!target) return corrupt(`hard link "${path}" points to missing file "${t.path}"`);
        seen.set(path, target);
        meta.files++;
        const linked: FileInfo = { ...target.info, path };
        const wanting = opts.analyzers.flatMap((a, i) => (a.wants(linked) ? [i] : []));
        if (wanting.length === 0) return;
        if (target.content) {
          runAnalyzers(wanting, linked, target.content);
          return;
        }
        for (const i of wanting) {
          const same = target.results?.get(i);
          if (same) pending.push(same.then((f) => record(i, path, f)));
          else record(i, path, { problems: [`hard link to ${t.path}, whose content was not kept`] });
        }
      } else if (type === 'SymbolicLink') {
        meta.symlinks[path] = entry.linkpath ?? '';
      } else if (type === 'Directory' && path !== '') {
        const dir: FileInfo = { ...info, directory: true };
        const wanting = opts.analyzers.flatMap((a, i) => (a.directories && a.wants(dir) ? [i] : []));
        if (wanting.length) runAnalyzers(wanting, dir, EMPTY);
      }
    });

    const finish = async (r: { storedDigest: string; diffID: string }) => {
      if (settled) return;
      try {
        await Promise.all(pending);
      } catch (e) {
        return fail(e as Error);
      }
      if (settled) return;
      if (stored === 0) return corrupt('layer blob is empty');
      if (tarError) return corrupt(tarError);
      // Some writers (umoci insert; real layers too) stop right after the last member's data, without
      // padding or end blocks: fine when that member is whole, truncation when it is not.
      if (truncated && last && last.remain > 0) {
        const size = last.size ?? 0;
        return corrupt(
          `truncated tar stream: ${last.path.replace(/^(\.\/)+/, '')} has ${size - last.remain} of its ${size} bytes`,
        );
      }
      if (layer.digest && r.storedDigest !== layer.digest) {
        return corrupt(`blob digest mismatch: expected ${layer.digest}, got ${r.storedDigest}`);
      }
      if (r.diffID !== layer.diffID) {
        return corrupt(`diffID mismatch: config says ${layer.diffID}, content hashes to ${r.diffID}`);
      }
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ meta, analyses });
    };

    let digests: { storedDigest: string; diffID: string } | undefined;
    parser.on('end', () => {
      if (digests) void finish(digests);
    });

    const sink: FeedSink = {
      tar: (chunk, storedSoFar) => {
        if (settled) return;
        stored = storedSoFar;
        opts.onProgress?.(stored);
        meta.size += chunk.length;
        if (meta.size > limits.maxLayerBytes) {
          return corrupt(`decompression bomb: layer expands past the ${limits.maxLayerBytes}-byte limit`);
        }
        if (
          feed?.compressed() &&
          meta.size > limits.expansionFloor &&
          meta.size > stored * limits.maxExpansion
        ) {
          return corrupt(
            `decompression bomb: ${stored} stored bytes expanded to over ${meta.size} (more than ${limits.maxExpansion}×); raise --max-expansion if this layer is genuine`,
          );
        }
        parser.write(chunk);
      },
      end: (r) => {
        if (settled) return;
        stored = r.stored;
        opts.onProgress?.(stored);
        digests = r;
        parser.end();
      },
      error: (message, cause) => corrupt(message, cause),
    };
    if (input instanceof Readable) feed = streamFeed(input, sink, layer.size);
    // a thread costs tens of milliseconds to start: worth it for a big blob, not for a small one
    else if (input.end - input.start >= workerFeedMinBytes() && workerFeedAvailable())
      feed = workerFeed(input, sink);
    else feed = streamFeed(openRange(input), sink, input.end - input.start);
  });
}

function openRange(r: FileRange): Readable {
  if (r.end < r.start) return Readable.from([]);
  return createReadStream(r.path, { start: r.start, end: r.end, highWaterMark: 1 << 20 });
}
