import { parse } from '@renovatebot/pep440';
import type { VersionScheme } from '../../core/version-scheme.js';

/**
 * PEP 440 version order (https://peps.python.org/pep-0440/#summary-of-permitted-suffixes-and-relative-ordering),
 * as pip and `packaging.version.Version` apply it: epoch, release (trailing zeros ignored), pre
 * (`dev` before `a` before `b` before `rc`), post, dev, then the local label. Parsing is
 * `@renovatebot/pep440`'s (accepts the normalised and the alternative spellings, case-insensitive);
 * the key is compared here, with arbitrarily long numeric parts compared exactly (no float rounding).
 * Strings that are not PEP 440 sort before every valid version, among themselves by their text.
 */
export const pep440Version: VersionScheme = {
  id: 'pep440',
  compare(a, b) {
    if (a === b) return 0;
    const ka = key(a);
    const kb = key(b);
    if (ka && kb) return compareKeys(ka, kb);
    if (ka) return 1;
    if (kb) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  },
  valid(v) {
    return key(v) !== undefined;
  },
};

/** A number part as a decimal string without leading zeros, so long numbers compare exactly. */
type Num = string;

interface Key {
  epoch: Num;
  release: Num[];
  /** rank: 0 dev-only release (sorts first), 1 a, 2 b, 3 rc, 4 no pre-release */
  preRank: number;
  preNum: Num;
  /** -1 when there is no post release */
  hasPost: boolean;
  post: Num;
  hasDev: boolean;
  dev: Num;
  local: string[] | undefined;
}

const MAX_LENGTH = 1024;
const cache = new Map<string, Key | null>();

function num(n: unknown): Num {
  const s = String(n ?? 0).replace(/^0+(?=\d)/, '');
  return /^\d+$/.test(s) ? s : '0';
}

function key(v: string): Key | undefined {
  let k = cache.get(v);
  if (k === undefined) {
    k = v.length > MAX_LENGTH ? null : build(v);
    if (cache.size > 50_000) cache.clear();
    cache.set(v, k);
  }
  return k ?? undefined;
}

const PRE_RANK: Record<string, number> = { a: 1, b: 2, rc: 3 };

function build(v: string): Key | null {
  let p: ReturnType<typeof parse>;
  try {
    // packaging strips surrounding whitespace before matching
    p = parse(v.trim());
  } catch {
    return null;
  }
  if (!p) return null;
  // the library turns numbers into JS numbers; re-read the digits from the string so 20 digits stay exact
  const digits = exactNumbers(v);
  const release = (digits?.release ?? p.release.map(num)).slice();
  while (release.length > 0 && release[release.length - 1] === '0') release.pop();
  const pre = p.pre as [string, number] | null | undefined;
  const post = p.post as [string, number] | null | undefined;
  const dev = p.dev as [string, number] | null | undefined;
  const hasPre = Array.isArray(pre) && pre.length === 2;
  const hasPost = Array.isArray(post) && post.length === 2;
  const hasDev = Array.isArray(dev) && dev.length === 2;
  let preRank = 4;
  if (hasPre) preRank = PRE_RANK[String(pre[0])] ?? 3;
  else if (!hasPost && hasDev) preRank = 0;
  return {
    epoch: digits?.epoch ?? num(p.epoch),
    release,
    preRank,
    preNum: hasPre ? (digits?.pre ?? num(pre[1])) : '0',
    hasPost,
    post: hasPost ? (digits?.post ?? num(post[1])) : '0',
    hasDev,
    dev: hasDev ? (digits?.dev ?? num(dev[1])) : '0',
    local: Array.isArray(p.local) && p.local.length > 0 ? (p.local as string[]).map(String) : undefined,
  };
}

// Used only for strings the library already accepted: picks out the digit runs of each part.
const EXACT =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(?:post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$/i;

function exactNumbers(v: string): { epoch: Num; release: Num[]; pre: Num; post: Num; dev: Num } | undefined {
  const m = EXACT.exec(v);
  if (!m) return undefined;
  return {
    epoch: num(m[1] ?? '0'),
    release: m[2]!.split('.').map(num),
    pre: num(m[3] || '0'),
    post: num(m[4] ?? (m[5] || '0')),
    dev: num(m[6] || '0'),
  };
}

function cmpNum(a: Num, b: Num): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpInt(a: number, b: number): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(a: Key, b: Key): -1 | 0 | 1 {
  let c = cmpNum(a.epoch, b.epoch);
  if (c) return c;
  const n = Math.min(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    c = cmpNum(a.release[i]!, b.release[i]!);
    if (c) return c;
  }
  c = cmpInt(a.release.length, b.release.length);
  if (c) return c;
  c = cmpInt(a.preRank, b.preRank);
  if (c) return c;
  if (a.preRank >= 1 && a.preRank <= 3) {
    c = cmpNum(a.preNum, b.preNum);
    if (c) return c;
  }
  if (a.hasPost !== b.hasPost) return a.hasPost ? 1 : -1;
  if (a.hasPost) {
    c = cmpNum(a.post, b.post);
    if (c) return c;
  }
  if (a.hasDev !== b.hasDev) return a.hasDev ? -1 : 1;
  if (a.hasDev) {
    c = cmpNum(a.dev, b.dev);
    if (c) return c;
  }
  return compareLocal(a.local, b.local);
}

/** Local labels: none first; then segment by segment, letters before numbers, numbers by value; shorter first. */
function compareLocal(a: string[] | undefined, b: string[] | undefined): -1 | 0 | 1 {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!.toLowerCase();
    const y = b[i]!.toLowerCase();
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn !== yn) return xn ? 1 : -1;
    const c = xn ? cmpNum(num(x), num(y)) : x < y ? -1 : x > y ? 1 : 0;
    if (c) return c;
  }
  return cmpInt(a.length, b.length);
}
