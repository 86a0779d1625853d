/** Result of normalising a path found in a layer. */
export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: 'absolute' | 'dotdot' };

/**
 * Normalises a tar member name to a path relative to the image root (`etc/os-release`; `''` for the
 * root itself). Absolute names and `..` segments are refused: a layer never legitimately has them.
 */
export function normalizeMemberPath(raw: string): NormalizedPath {
  let s = raw;
  while (s.startsWith('./')) s = s.slice(2);
  if (s.startsWith('/') && s.replace(/\/+/g, '') !== '') return { ok: false, reason: 'absolute' };
  const out: string[] = [];
  for (const seg of s.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return { ok: false, reason: 'dotdot' };
    out.push(seg);
  }
  return { ok: true, path: out.join('/') };
}

/** Resolves a symlink target against the link's directory, clamped at the image root like a chroot. */
export function resolveLinkTarget(linkPath: string, target: string): string {
  const parts = target.startsWith('/') ? [] : linkPath.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Whether `p` is `dir` or lies under it (`dir` `''` is the root). */
export function isUnder(p: string, dir: string): boolean {
  return dir === '' || p === dir || p.startsWith(`${dir}/`);
}
