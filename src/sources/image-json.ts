import { createHash } from 'node:crypto';
import { BadInputError } from '../core/errors.js';
import type { ImageConfigJson, LayerDescriptor } from '../core/image.js';

export function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** Parses JSON from an image file, naming the file on failure. */
export function parseJson<T>(label: string, name: string, buf: Buffer): T {
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    if (v === null || typeof v !== 'object') throw new Error('not a JSON object');
    return v as T;
  } catch (e) {
    throw new BadInputError(label, `${name} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Checks that `buf` hashes to `digest`; only sha256 is accepted. */
export function verifyDigest(label: string, what: string, digest: string, buf: Buffer): void {
  if (!DIGEST_RE.test(digest))
    throw new BadInputError(label, `${what} has unsupported or malformed digest "${digest}"`);
  const got = sha256(buf);
  if (got !== digest)
    throw new BadInputError(label, `${what} digest mismatch: expected ${digest}, got ${got}`);
}

/** Reads and checks the config's diff_ids against the number of layers. */
export function diffIDs(label: string, config: ImageConfigJson, layerCount: number): string[] {
  const ids = config.rootfs?.diff_ids;
  if (!Array.isArray(ids)) throw new BadInputError(label, 'config has no rootfs.diff_ids');
  if (ids.length === 0 && layerCount === 0) throw new BadInputError(label, 'empty image: it has no layers');
  if (ids.length !== layerCount) {
    throw new BadInputError(
      label,
      `config lists ${ids.length} diff_ids but the manifest has ${layerCount} layers`,
    );
  }
  for (const id of ids) {
    if (typeof id !== 'string' || !DIGEST_RE.test(id))
      throw new BadInputError(label, `config has malformed diff_id "${String(id)}"`);
  }
  return ids;
}

export function checkLayers(label: string, layers: LayerDescriptor[]): void {
  if (layers.length === 0) throw new BadInputError(label, 'empty image: it has no layers');
}
