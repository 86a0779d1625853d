// Worker thread: reads a stored layer blob from a file range, hashes it, decompresses it (igzip/zstd
// child process or in-thread zlib/zstd-napi), hashes the tar stream, and posts the tar bytes to the
// parent with flow control. Hashing and pumping here leaves the parent's thread to tar parsing, and
// reading the decompressor's output promptly keeps it from stalling on a 64 KiB pipe while the parent
// is busy. The blob is read into two reused buffers so this thread makes next to no garbage.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { createDecompressor, type Decompressor, sniffCompression } from './decompress.js';
import type { FileRange, WorkerToParent } from './inflate-protocol.js';

const READ_SIZE = 1 << 20;
const BATCH = 1 << 20;
const MAX_IN_FLIGHT = 3;

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
let compression = 'none';
let failed = false;
let credit: (() => void) | undefined;

function fail(kind: 'read' | 'corrupt', message: string) {
  if (failed) return;
  failed = true;
  decompressor?.destroy();
  credit?.();
  post({ type: 'error', kind, message });
}

function flush() {
  if (batchLen === 0) return;
  // Move each chunk's memory to the parent instead of concatenating: nothing is copied when the chunk
  // owns its whole ArrayBuffer (reads from a pipe do).
  const chunks = batch.map((c) =>
    c.byteOffset === 0 && c.byteLength === c.buffer.byteLength
      ? (c.buffer as ArrayBuffer)
      : (Uint8Array.prototype.slice.call(c).buffer as ArrayBuffer),
  );
  batch = [];
  batchLen = 0;
  inFlight++;
  post({ type: 'data', chunks, stored }, chunks);
  if (inFlight >= MAX_IN_FLIGHT) decompressor?.output.pause();
}

function onTar(c: Buffer) {
  if (failed) return;
  if (decompressor) diffHash.update(c);
  tarBytes += c.length;
  batch.push(c);
  batchLen += c.length;
  if (batchLen >= BATCH) flush();
}

function finish() {
  if (failed) return;
  flush();
  const storedDigest = `sha256:${storedHash.digest('hex')}`;
  post({
    type: 'end',
    storedDigest,
    diffID: decompressor ? `sha256:${diffHash.digest('hex')}` : storedDigest,
    stored,
    tarBytes,
    compression,
    engine: decompressor?.engine ?? 'none',
  });
}

function start(first: Buffer) {
  const c = sniffCompression(first);
  compression = c;
  post({ type: 'start', compression: c });
  if (c === 'none') return;
  const d = createDecompressor(c);
  decompressor = d;
  d.output.on('data', onTar);
  d.finished.catch((e: Error) => fail('corrupt', `${c} stream is corrupt or truncated (${e.message})`));
  d.output.on('end', () => {
    d.finished.then(finish, () => {});
  });
}

/** Writes a chunk to the decompressor and waits until it has taken it (the buffer is reused after). */
function write(chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    decompressor!.input.write(chunk, () => resolve());
  });
}

/** Waits until the parent has room for more (uncompressed blobs are posted as they are read). */
function waitForCredit(): Promise<void> {
  if (inFlight < MAX_IN_FLIGHT || failed) return Promise.resolve();
  return new Promise((resolve) => {
    credit = resolve;
  });
}

async function pump() {
  const fh = await open(range.path, 'r');
  try {
    const bufs = [Buffer.allocUnsafeSlow(READ_SIZE), Buffer.allocUnsafeSlow(READ_SIZE)];
    let pos = range.start;
    for (let i = 0; pos <= range.end && !failed; i++) {
      const buf = bufs[i % 2]!;
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ_SIZE, range.end - pos + 1), pos);
      if (bytesRead === 0)
        return fail('read', `layer blob ends at byte ${pos - range.start}, before its recorded size`);
      pos += bytesRead;
      const chunk = buf.subarray(0, bytesRead);
      stored += bytesRead;
      storedHash.update(chunk);
      if (i === 0) start(chunk);
      if (decompressor) await write(chunk);
      else {
        onTar(Buffer.from(chunk));
        await waitForCredit();
      }
    }
  } finally {
    await fh.close();
  }
  if (failed) return;
  if (decompressor) decompressor.input.end();
  else finish();
}

pump().catch((e: Error) => fail('read', `cannot read layer: ${e.message}`));

port.on('message', (m: { type: 'ack' } | { type: 'abort' }) => {
  if (m.type === 'ack') {
    inFlight--;
    if (inFlight < MAX_IN_FLIGHT && !failed) {
      decompressor?.output.resume();
      const c = credit;
      credit = undefined;
      c?.();
    }
  } else {
    failed = true;
    decompressor?.destroy();
    credit?.();
    port.close();
  }
});
