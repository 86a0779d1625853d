import type { VersionScheme } from '../../core/version-scheme.js';

/**
 * Maven's version order, written from the POM reference's "Version Order Specification"
 * (https://maven.apache.org/pom.html#version-order-specification), the model OSV uses for `Maven`
 * `ECOSYSTEM` ranges (checked against osv-scalibr's vectors in maven-version.test.ts):
 *
 * - the version is split into tokens at `.` and `-` and at every transition between digits and
 *   non-digits (a transition counts as a `-`); each token remembers the separator before it;
 * - an empty token is `0`; tokens are case-insensitive; `cr` = `rc`; `ga`, `final` and `release`
 *   are the empty qualifier; `a`, `b`, `m` directly followed by a digit are `alpha`, `beta`,
 *   `milestone`; numbers lose their leading zeros;
 * - trailing "null" tokens (`0`, ``, `final`, `ga`) are trimmed, at the end and again before each
 *   remaining hyphen, from the end to the start;
 * - versions are compared token by token, the shorter padded with nulls that take the other's
 *   separator (`.0` or `-`);
 * - two tokens with the same separator: numbers numerically, a number after a qualifier, qualifiers
 *   `alpha < beta < milestone < rc = cr < snapshot < "" = final = ga = release < sp`, unknown
 *   qualifiers after those, among themselves alphabetically;
 * - with different separators: `.qualifier < -qualifier < -number < .number`.
 *
 * Every string is a version here: compare is total and never throws.
 */

interface Token {
  /** separator before the token: '' (the first), '.' or '-' */
  prefix: '' | '.' | '-';
  value: string;
  /** a padding token (not in the version as written) */
  isNull: boolean;
  numeric: boolean;
}

/** Qualifiers in order; anything else sorts after them. */
const KEYWORDS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const KEYWORD_RANK = new Map(KEYWORDS.map((k, i) => [k, i]));
const UNKNOWN_RANK = KEYWORDS.length;

const isDigit = (c: number) => c >= 48 && c <= 57;

function isNumber(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function token(prefix: Token['prefix'], value: string): Token {
  return { prefix, value, isNull: false, numeric: isNumber(value) };
}

/** One run of a `.`/`-`-separated piece, normalised as the specification says. */
function normalise(raw: string, followedByDigit: boolean): string {
  let v = raw.toLowerCase();
  if (v === '') return '0';
  if (v === 'cr') return 'rc';
  if (v === 'ga' || v === 'final' || v === 'release') return '';
  if (followedByDigit) {
    if (v === 'a') return 'alpha';
    if (v === 'b') return 'beta';
    if (v === 'm') return 'milestone';
  }
  if (isNumber(v)) {
    let i = 0;
    while (i < v.length - 1 && v.charCodeAt(i) === 48) i++;
    v = v.slice(i);
  }
  return v;
}

/** The version's tokens, trailing nulls trimmed. */
export function mavenTokens(version: string): Token[] {
  const tokens: Token[] = [];
  let prefix: Token['prefix'] = '';
  let start = 0;
  for (let i = 0; i <= version.length; i++) {
    const c = i < version.length ? version[i] : undefined;
    if (c !== undefined && c !== '.' && c !== '-') continue;
    // one piece between separators: split further at digit/non-digit transitions (each one a `-`)
    const piece = version.slice(start, i);
    let from = 0;
    for (let j = 1; j <= piece.length; j++) {
      if (j < piece.length && isDigit(piece.charCodeAt(j)) === isDigit(piece.charCodeAt(j - 1))) continue;
      tokens.push(token(from === 0 ? prefix : '-', normalise(piece.slice(from, j), j < piece.length)));
      from = j;
    }
    if (piece.length === 0) tokens.push(token(prefix, '0'));
    prefix = c === '.' ? '.' : '-';
    start = i + 1;
  }
  // trim trailing nulls of the last hyphen-separated part, then of each part before it
  let i = tokens.length - 1;
  while (i > 0) {
    const t = tokens[i]!;
    if (t.value === '0' || t.value === '') {
      tokens.splice(i, 1);
      i--;
      continue;
    }
    while (i >= 0 && tokens[i]!.prefix !== '-') i--;
    i--;
  }
  return tokens;
}

/** The null token standing in for a missing one, given the other version's token there. */
function nullFor(other: Token): Token {
  if (other.prefix === '-') return { prefix: '-', value: '', isNull: true, numeric: false };
  // `sp` is the one qualifier after the empty value: the `.` null is the empty qualifier against it
  const value = other.value === 'sp' ? '' : '0';
  return { prefix: other.prefix, value, isNull: true, numeric: value === '0' };
}

/** Order of separator and kind: `.qualifier < -qualifier < -number < .number`. */
function kindRank(t: Token): number {
  if (t.numeric) return t.prefix === '.' ? 3 : 2;
  return t.prefix === '-' ? 1 : 0;
}

function compareNumbers(a: string, b: string): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code-point (UTF-8 byte) order, so non-BMP characters sort as they do in other implementations. */
function compareText(a: string, b: string): -1 | 0 | 1 {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!.codePointAt(0)!;
    const q = y[i]!.codePointAt(0)!;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function compareTokens(a: Token, b: Token): -1 | 0 | 1 {
  if (a.prefix === b.prefix && a.value === b.value) return 0;
  if (a.prefix !== b.prefix) {
    const d = kindRank(a) - kindRank(b);
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }
  if (a.numeric && b.numeric) return compareNumbers(a.value, b.value);
  // a real number sorts after any qualifier; a `.0` padding null does not count as one
  if (a.numeric && !a.isNull) return 1;
  if (b.numeric && !b.isNull) return -1;
  const ra = KEYWORD_RANK.get(a.value) ?? UNKNOWN_RANK;
  const rb = KEYWORD_RANK.get(b.value) ?? UNKNOWN_RANK;
  if (ra === UNKNOWN_RANK && rb === UNKNOWN_RANK) return compareText(a.value, b.value);
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

function compareTokenLists(x: Token[], y: Token[]): -1 | 0 | 1 {
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x[i] ?? nullFor(y[i]!);
    const b = y[i] ?? nullFor(x[i]!);
    const c = compareTokens(a, b);
    if (c !== 0) return c;
  }
  return 0;
}

const cache = new Map<string, Token[]>();

function parse(v: string): Token[] {
  let t = cache.get(v);
  if (t === undefined) {
    t = mavenTokens(v);
    if (cache.size > 50_000) cache.clear();
    cache.set(v, t);
  }
  return t;
}

/** Strings Maven would not accept as a version: empty, or holding white space or control characters. */
const INVALID = /^$|[\s\p{Cc}]/u;

export const mavenVersion: VersionScheme = {
  id: 'maven',
  compare(a, b) {
    if (a === b) return 0;
    return compareTokenLists(parse(a), parse(b));
  },
  valid(v) {
    return !INVALID.test(v);
  },
};
