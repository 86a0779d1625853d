// Worker thread: reads a stored layer blob from a file range, hashes it, decompresses it (igzip/zstd
// child process or in-thread zlib/zstd-napi), hashes the tar stream, and posts the tar bytes to the
// parent in ~1 MiB batches with flow control. Hashing and pumping here leaves the parent's thread to
// tar parsing, and reading the child's output promptly keeps the decompressor from stalling on a
// 64 KiB pipe while the parent is busy.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { createDecompressor, type Decompressor, sniffCompression } from './decompress.js';
import type { FileRange, WorkerToParent } from './inflate-protocol.js';

const BATCH = 1 << 20;
const MAX_IN_FLIGHT = 6;

const range = workerData as FileRange;
const port = parentPort!;
const post = (m: WorkerToParent, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

const storedHash = createHash('sha256');
const diffHash = createHash('sha256');
let stored = 0;
let tarBytes = 0;
let inFlight = 0;
let batch: Buffer[] = [];
let batchLen = 0;
let decompressor: Decompressor | undefined;
let output: Readable | undefined;
let failed = false;

const input = createReadStream(range.path, {
  start: range.start,
  end: range.end,
  highWaterMark: 1 << 20,
});

function fail(kind: 'read' | 'corrupt', message: string) {
  if (failed) return;
  failed = true;
  input.destroy();
  decompressor?.destroy();
  post({ type: 'error', kind, message });
}

function flush() {
  if (batchLen === 0) return;
  const buf = batch.length === 1 && batch[0]!.byteOffset === 0 ? batch[0]! : Buffer.concat(batch, batchLen);
  batch = [];
  batchLen = 0;
  // copy when the buffer shares its memory (pooled), so the transfer moves only our bytes
  const ab =
    buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength
      ? (buf.buffer as ArrayBuffer)
      : (Uint8Array.prototype.slice.call(buf).buffer as ArrayBuffer);
  inFlight++;
  post({ type: 'data', chunk: ab, stored }, [ab]);
  if (inFlight >= MAX_IN_FLIGHT) output?.pause();
}

function onTar(c: Buffer) {
  if (failed) return;
  if (compression !== 'none') diffHash.update(c);
  tarBytes += c.length;
  batch.push(c);
  batchLen += c.length;
  if (batchLen >= BATCH) flush();
}

let started = false;
const head: Buffer[] = [];
let headLen = 0;
let compression = 'none';

function begin() {
  started = true;
  const first = Buffer.concat(head);
  const c = sniffCompression(first);
  compression = c;
  post({ type: 'start', compression: c });
  if (c !== 'none') {
    const d = createDecompressor(c);
    decompressor = d;
    output = d.output;
    d.output.on('data', onTar);
    d.finished.catch((e: Error) => fail('corrupt', `${c} stream is corrupt or truncated (${e.message})`));
    d.output.on('end', () => {
      d.finished.then(finish, () => {});
    });
    d.input.on('drain', () => input.resume());
    if (first.length > 0 && !d.input.write(first)) input.pause();
  } else {
    output = input;
    if (first.length > 0) onTar(first);
  }
}

function finish() {
  if (failed) return;
  flush();
  const storedDigest = `sha256:${storedHash.digest('hex')}`;
  post({
    type: 'end',
    storedDigest,
    diffID: compression === 'none' ? storedDigest : `sha256:${diffHash.digest('hex')}`,
    stored,
    tarBytes,
    compression,
    engine: decompressor?.engine ?? 'none',
  });
}

input.on('data', (data: string | Buffer) => {
  const chunk = data as Buffer;
  if (failed) return;
  stored += chunk.length;
  storedHash.update(chunk);
  if (!started) {
    head.push(chunk);
    headLen += chunk.length;
    if (headLen >= 4) begin();
    return;
  }
  if (decompressor) {
    if (!decompressor.input.write(chunk)) input.pause();
  } else onTar(chunk);
});
input.on('error', (e) => fail('read', `cannot read layer: ${e.message}`));
input.on('end', () => {
  if (failed) return;
  if (!started) begin();
  if (decompressor) decompressor.input.end();
  else finish();
});

port.on('message', (m: { type: 'ack' } | { type: 'abort' }) => {
  if (m.type === 'ack') {
    inFlight--;
    if (inFlight < MAX_IN_FLIGHT && !failed) output?.resume();
  } else {
    failed = true;
    input.destroy();
    decompressor?.destroy();
    port.close();
  }
});
