import { createHash } from 'node:crypto';

/** A secret as it may be stored and shown: a few leading characters, then `…`, plus `sha256:` of the clear value. */
export interface MaskedSecret {
  masked: string;
  secretHash: string;
}

/**
 * The masked form of a secret: at most 4 leading characters and never more than a quarter of the value
 * (a value under 4 characters keeps none), then `…`.
 */
export function maskValue(value: string): string {
  const keep = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}…`;
}

/** `sha256:` + hex SHA-256 of the clear value (UTF-8): lets two findings of one secret be matched. */
export function hashSecret(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

export function maskSecret(value: string): MaskedSecret {
  return { masked: maskValue(value), secretHash: hashSecret(value) };
}

/**
 * `text` with every occurrence of each secret replaced by its masked form (longest secrets first, so
 * a secret containing another is masked whole).
 */
export function maskIn(text: string, secrets: Iterable<string>): string {
  const list = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of list) out = out.split(s).join(maskValue(s));
  return out;
}

/** Shortest piece of a secret that counts as a leak when it appears in shown text. */
const LEAK_WINDOW = 12;

/**
 * Whether `text` shows part of `secret`: the whole value, or (for values of 16+ characters, such as a
 * key body split over escaped lines) any 12-character piece of it.
 */
export function leaks(text: string, secret: string): boolean {
  if (secret.length === 0) return false;
  if (text.includes(secret)) return true;
  if (secret.length < 16) return false;
  for (let i = 0; i + LEAK_WINDOW <= secret.length; i += 4) {
    if (text.includes(secret.slice(i, i + LEAK_WINDOW))) return true;
  }
  return text.includes(secret.slice(-LEAK_WINDOW));
}

/**
 * `text` with the secrets masked; a PEM block is cut after its BEGIN line, and if any piece of a
 * secret is still visible, only `fallback` is returned.
 */
export function safeExcerpt(text: string, secrets: string[], fallback: string): string {
  let out = maskIn(text, secrets);
  const begin = /-----BEGIN [A-Z0-9 ]{0,40}-----/.exec(out);
  if (begin) out = `${out.slice(0, begin.index + begin[0].length)} …`;
  return secrets.some((s) => leaks(out, s)) ? fallback : out;
}
