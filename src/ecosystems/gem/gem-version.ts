import type { VersionScheme } from '../../core/version-scheme.js';

/**
 * RubyGems' `Gem::Version` order (https://docs.ruby-lang.org/en/master/Gem/Version.html and
 * `Gem::Version#<=>`), hand-written because @renovatebot/ruby-semver reads numbers as doubles
 * (`999999999999999999999999999991` = `…999`), where Ruby has big integers:
 * - a version is dot-separated segments; `-` reads as `.pre.` (`1.0-beta` = `1.0.pre.beta`);
 * - each segment splits into digit runs (numbers) and letter runs (strings), `1.0.a10` = `1.0.a.10`;
 * - trailing zeros of the release part and of the prerelease part do not count (`1.0` = `1`);
 * - segments compare pairwise, a missing one counting as 0; a string sorts before a number (so a
 *   version holding a letter is a prerelease of its numbers: `1.0.a` < `1.0`), strings by bytes.
 * Strings Gem::Version rejects sort before every valid version, among themselves by their text.
 */
export const gemVersion: VersionScheme = {
  id: 'gem',
  compare(a, b) {
    const sa = segmentsOf(a);
    const sb = segmentsOf(b);
    if (sa && sb) return compareSegments(sa, sb);
    if (sa) return 1;
    if (sb) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  },
  valid(v) {
    return segmentsOf(v) !== undefined;
  },
};

/** Gem::Version::ANCHORED_VERSION_PATTERN, surrounding white space allowed as Gem::Version.new strips it */
const VERSION = /^\s*[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$/;
const SEGMENT = /[0-9]+|[a-zA-Z]+/g;

/** A number segment, without leading zeros so that a longer string is a bigger number. */
interface Num {
  n: string;
}
type Segment = Num | string;

const cache = new Map<string, Segment[] | null>();

function segmentsOf(v: string): Segment[] | undefined {
  let s = cache.get(v);
  if (s === undefined) {
    s = parse(v);
    if (cache.size > 50_000) cache.clear();
    cache.set(v, s);
  }
  return s ?? undefined;
}

function parse(v: string): Segment[] | null {
  if (v.length > 256 || !VERSION.test(v)) return null;
  const all: Segment[] = [];
  for (const m of v.trim().replaceAll('-', '.pre.').matchAll(SEGMENT)) {
    const t = m[0];
    all.push(t.charCodeAt(0) <= 0x39 ? { n: t.replace(/^0+(?=.)/, '') } : t);
  }
  // canonical_segments: trailing zeros dropped from the release part and from the prerelease part
  const firstString = all.findIndex((s) => typeof s === 'string');
  const release = firstString < 0 ? all : all.slice(0, firstString);
  const pre = firstString < 0 ? [] : all.slice(firstString);
  return [...dropTrailingZeros(release), ...dropTrailingZeros(pre)];
}

function dropTrailingZeros(s: Segment[]): Segment[] {
  let end = s.length;
  while (end > 0 && isZero(s[end - 1]!)) end--;
  return s.slice(0, end);
}

const ZERO: Num = { n: '0' };
const isZero = (s: Segment) => typeof s !== 'string' && s.n === '0';

function compareSegments(a: Segment[], b: Segment[]): -1 | 0 | 1 {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i] ?? ZERO;
    const r = b[i] ?? ZERO;
    const ls = typeof l === 'string';
    const rs = typeof r === 'string';
    if (ls && rs) {
      if (l !== r) return l < r ? -1 : 1;
    } else if (ls) {
      return -1;
    } else if (rs) {
      return 1;
    } else if (l.n !== r.n) {
      return l.n.length !== r.n.length ? (l.n.length < r.n.length ? -1 : 1) : l.n < r.n ? -1 : 1;
    }
  }
  return 0;
}
