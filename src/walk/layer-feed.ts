import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { createDecompressor, type Decompressor, sniffCompression } from './decompress.js';
import type { FileRange, WorkerToParent } from './inflate-protocol.js';

/** What a feed learned by the end of the stored blob. */
export interface FeedResult {
  storedDigest: string;
  diffID: string;
  stored: number;
}

/** Receives a layer's tar bytes in order; `stored` is the count of stored bytes read so far. */
export interface FeedSink {
  tar(chunk: Buffer, stored: number): void;
  /** the stored blob ended and decompressed cleanly */
  end(r: FeedResult): void;
  /** the blob could not be read or decompressed; `message` says why */
  error(message: string, cause?: unknown): void;
}

/** A running feed: turns a stored layer blob into tar bytes, hashing both. */
export interface LayerFeed {
  /** whether the blob is compressed (known after its first bytes), for the bomb check */
  compressed(): boolean;
  destroy(): void;
}

/**
 * Decompression and both hashes on this thread, from any readable stream (a registry response, a
 * test); `storedBytes`, when known, lets a small blob skip starting a decompressor process.
 */
export function streamFeed(stream: Readable, sink: FeedSink, storedBytes?: number): LayerFeed {
  const storedHash = createHash('sha256');
  const diffHash = createHash('sha256');
  let stored = 0;
  let decompressor: Decompressor | undefined;
  let started = false;
  let done = false;
  const head: Buffer[] = [];
  let headLen = 0;

  const onTar = (c: Buffer) => {
    if (done) return;
    // an uncompressed blob is its own tar stream: its one hash is both digests
    if (decompressor) diffHash.update(c);
    sink.tar(c, stored);
  };
  const error = (m: string, cause?: unknown) => {
    if (done) return;
    done = true;
    sink.error(m, cause);
  };
  const end = () => {
    if (done) return;
    done = true;
    const storedDigest = `sha256:${storedHash.digest('hex')}`;
    sink.end({
      storedDigest,
      diffID: decompressor ? `sha256:${diffHash.digest('hex')}` : storedDigest,
      stored,
    });
  };
  const feed = (chunk: Buffer) => {
    if (decompressor) {
      if (!decompressor.input.write(chunk)) stream.pause();
    } else onTar(chunk);
  };
  const begin = () => {
    started = true;
    const first = Buffer.concat(head);
    const c = sniffCompression(first);
    if (c !== 'none') {
      const d = createDecompressor(c, storedBytes);
      decompressor = d;
      d.output.on('data', onTar);
      d.finished.catch((e: Error) => error(`${c} stream is corrupt or truncated (${e.message})`, e));
      d.output.on('end', () => {
        d.finished.then(end, () => {});
      });
      d.input.on('drain', () => stream.resume());
    }
    if (first.length > 0) feed(first);
  };

  stream.on('data', (chunk: Buffer) => {
    if (done) return;
    stored += chunk.length;
    storedHash.update(chunk);
    if (started) return feed(chunk);
    head.push(chunk);
    headLen += chunk.length;
    if (headLen >= 4) begin();
  });
  stream.on('error', (e: Error) => error(`cannot read layer: ${e.message}`, e));
  stream.on('end', () => {
    if (done) return;
    if (!started) begin();
    if (decompressor) decompressor.input.end();
    else end();
  });
  return {
    compressed: () => decompressor !== undefined,
    destroy: () => {
      done = true;
      stream.destroy();
      decompressor?.destroy();
    },
  };
}

/** The compiled worker beside this module, or the build's copy when running from TypeScript sources (tests). */
function workerUrl(): URL | undefined {
  const here = new URL('./inflate-worker.js', import.meta.url);
  if (existsSync(here)) return here;
  const built = new URL('../../dist/walk/inflate-worker.js', import.meta.url);
  return existsSync(built) ? built : undefined;
}

/** Whether layers stored as file ranges can be fed from a worker thread. */
export function workerFeedAvailable(): boolean {
  return process.env.HULLSCAN_INFLATE_WORKER !== '0' && workerUrl() !== undefined;
}

/**
 * Reading, hashing and decompression on a worker thread, for blobs that are byte ranges of local
 * files; the tar bytes arrive here in ~1 MiB batches, leaving this thread to tar parsing.
 */
export function workerFeed(range: FileRange, sink: FeedSink): LayerFeed {
  // a small young generation makes the worker collect its spent batch buffers promptly (peak RSS)
  const worker = new Worker(workerUrl()!, {
    workerData: range,
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
  });
  let done = false;
  let compressed = false;
  const stop = () => {
    done = true;
    worker.postMessage({ type: 'abort' });
    void worker.terminate();
  };
  worker.on('message', (m: WorkerToParent) => {
    if (done) return;
    switch (m.type) {
      case 'start':
        compressed = m.compression !== 'none';
        return;
      case 'data':
        for (const c of m.chunks) {
          if (done) return;
          sink.tar(Buffer.from(c), m.stored);
        }
        if (!done) worker.postMessage({ type: 'ack' });
        return;
      case 'end':
        done = true;
        void worker.terminate();
        sink.end({ storedDigest: m.storedDigest, diffID: m.diffID, stored: m.stored });
        return;
      case 'error':
        stop();
        sink.error(m.message);
        return;
    }
  });
  worker.on('error', (e) => {
    if (done) return;
    done = true;
    sink.error(`layer reader failed: ${e.message}`, e);
  });
  worker.on('exit', (code) => {
    if (!done) {
      done = true;
      sink.error(`layer reader exited with ${code}`);
    }
  });
  return { compressed: () => compressed, destroy: stop };
}
