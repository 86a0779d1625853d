import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DecompressStream } from 'zstd-napi';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Detects the layer compression from its first bytes (media types lie; magic numbers don't). */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** A running decompression: write stored bytes to `input`, read the tar from `output`. */
export interface Decompressor {
  /** `igzip`, `zstd` (child processes) or `zlib`, `zstd-napi` (in process) */
  engine: string;
  input: Writable;
  output: Readable;
  /** settles after `output` ended: rejects when the stream was corrupt or truncated */
  finished: Promise<void>;
  destroy(): void;
}

const found = new Map<string, string | undefined>();

function onPath(cmd: string): string | undefined {
  if (!found.has(cmd)) {
    let hit: string | undefined;
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      try {
        accessSync(join(dir, cmd), fsConstants.X_OK);
        hit = join(dir, cmd);
        break;
      } catch {}
    }
    found.set(cmd, hit);
  }
  return found.get(cmd);
}

/** Blobs known to be smaller than this are decompressed in-process whatever is installed. */
export const CHILD_MIN_BYTES = 1 << 20;

/**
 * Which engine decompresses: by default a child process where one is installed — ISA-L's `igzip`
 * inflates about twice as fast as zlib, and a separate process overlaps inflation with our hashing
 * and tar parsing on another core — else Node's zlib / zstd-napi. `HULLSCAN_DECOMPRESS=builtin` forces in-process.
 */
export function pickEngine(c: Exclude<Compression, 'none'>, storedBytes?: number): string {
  const builtin = c === 'gzip' ? 'zlib' : 'zstd-napi';
  if (process.env.HULLSCAN_DECOMPRESS === 'builtin') return builtin;
  // a process costs milliseconds to start: more than a small blob takes to inflate here
  if (storedBytes !== undefined && storedBytes < CHILD_MIN_BYTES) return builtin;
  const cmd = c === 'gzip' ? 'igzip' : 'zstd';
  return onPath(cmd) ? cmd : builtin;
}

function inProcess(engine: string, stream: Readable & Writable): Decompressor {
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  finished.catch(() => {});
  return { engine, input: stream, output: stream, finished, destroy: () => stream.destroy() };
}

function childProcess(cmd: string): Decompressor {
  const child = spawn(onPath(cmd)!, ['-d', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 2000) stderr += c.toString();
  });
  // EPIPE when the child died first is reported through its exit status instead
  child.stdin.on('error', () => {});
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(stderr.trim().split('\n')[0] || `${cmd} exited with ${code ?? signal}`));
    });
  });
  finished.catch(() => {});
  return {
    engine: cmd,
    input: child.stdin,
    output: child.stdout,
    finished,
    destroy: () => {
      child.stdin.destroy();
      child.stdout.destroy();
      child.kill('SIGKILL');
    },
  };
}

/** A streaming decompressor; in-process gzip uses 64 KiB output chunks (Node's 16 KiB default is 1.5× slower). */
export function createDecompressor(c: Exclude<Compression, 'none'>, storedBytes?: number): Decompressor {
  const engine = pickEngine(c, storedBytes);
  if (engine === 'zlib') return inProcess(engine, createGunzip({ chunkSize: 64 * 1024 }));
  if (engine === 'zstd-napi') return inProcess(engine, new DecompressStream());
  return childProcess(engine);
}
