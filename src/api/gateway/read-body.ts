import type { IncomingMessage } from 'node:http';

/** The request body would pass its cap: nothing past the cap was kept. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

/** The client went away while sending. */
export class BodyAborted extends Error {
  override name = 'BodyAborted';
}

/**
 * Reads the body, keeping at most `cap` bytes: a declared Content-Length over the cap fails before
 * reading, a body that grows past it fails at that chunk and nothing more is kept.
 */
export function readBody(req: IncomingMessage, cap: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > cap) return Promise.reject(new BodyTooLarge());
  if (req.complete && req.readableLength === 0) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        cleanup();
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(
        chunks.length === 1
          ? (chunks[0] as Buffer)
          : chunks.length === 0
            ? EMPTY
            : Buffer.concat(chunks, size),
      );
    };
    const onError = () => {
      cleanup();
      reject(new BodyAborted());
    };
    const onClose = () => {
      if (!req.complete) onError();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const EMPTY = Buffer.alloc(0);

/** Past the reply, an unread request body is discarded (never kept) for at most this many bytes and ms. */
export const LINGER_BYTES = 16 * 1024 * 1024;
export const LINGER_MS = 5000;

/**
 * Call once the reply is written. When the request body was not read to its end (rejected early),
 * the rest is discarded so the client can finish sending and read the reply on a live connection;
 * past LINGER_BYTES or LINGER_MS the connection is cut.
 */
export function discardRest(req: IncomingMessage): void {
  if (req.complete) return;
  const socket = req.socket;
  let left = LINGER_BYTES;
  const cut = () => {
    cleanup();
    socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) cut();
  };
  const cleanup = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', cleanup);
    req.off('close', cleanup);
  };
  req.on('data', onData);
  req.on('end', cleanup);
  req.on('close', cleanup);
  req.resume();
}
