import type { VersionScheme } from '../../core/version-scheme.js';

/*
 * Alpine package versions, ordered as apk-tools 3 orders them (`apk version -t`, apk_version_compare):
 * the format is documented in apk-package(5) ("pkgver") and in Alpine's APKBUILD reference
 * (https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver):
 *
 *   number {.number} [letter] {_suffix[number]} [~hash] [-rnumber]
 *
 * with letter one of a-z, suffix one of alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p,
 * hash lowercase hex digits (a commit id) and -r the package revision.
 *
 * The string is read as a sequence of tokens (first number, .number, letter, _suffix, suffix number,
 * ~hash, -r number). While both sides have a token of the same kind, tokens are compared:
 * - first number, suffix number and revision: by value (leading zeros ignored);
 * - a .number: by value, unless either side starts with `0`: then as strings, byte by byte and shorter
 *   first, so `1.05` < `1.5` and `8.2.0` < `8.2.001` (Gentoo-style fractional parts);
 * - letter: a < z; suffix: by the list above; hash: as strings.
 * When one side runs out or the kinds differ, the side that stopped with a pre-release suffix
 * (`_alpha`, `_beta`, `_pre`, `_rc`) is older; otherwise the side whose next token kind comes later in
 * the list above is older, the end of the string coming after -r (and, for the fuzzy comparison, which
 * takes any string, an invalid remainder after the end):
 * `1.0_rc1` < `1.0` < `1.0-r1` < `1.0_p1` < `1.0a` < `1.0.1`.
 * Numbers of any length compare exactly (apk itself wraps above 2^64 - 1). A pair where either string is
 * not a valid apk-tools 3 version is ordered by the apk-tools 2 rules further down.
 */

const FIRST = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const HASH = 5;
const REVISION = 6;
const END = 7;
const INVALID = 8;

/** Suffix names by rank; "" marks where "no suffix" ranks (never matched). */
const SUFFIXES = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];
const NO_SUFFIX = 4;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102);
}

function suffixRank(s: string, start: number, end: number): number {
  const length = end - start;
  for (let rank = 0; rank < SUFFIXES.length; rank++) {
    const name = SUFFIXES[rank]!;
    if (name.length === length && length > 0 && s.startsWith(name, start)) return rank;
  }
  return -1;
}

/** Reads one version string token by token; `start`/`end` delimit the current token's text. */
class Tokens {
  s = '';
  pos = 0;
  kind = FIRST;
  start = 0;
  end = 0;
  rank = 0;

  first(s: string): void {
    this.s = s;
    this.pos = 0;
    this.kind = FIRST;
    this.digits();
  }

  next(): void {
    const s = this.s;
    if (this.pos >= s.length) {
      this.kind = END;
      return;
    }
    const c = s.charCodeAt(this.pos);
    const kind = this.kind;
    if (isLower(c)) {
      if (kind > DIGIT) {
        this.invalid();
        return;
      }
      this.start = this.pos++;
      this.end = this.pos;
      this.kind = LETTER;
    } else if (c === 46 /* . */) {
      if (kind > DIGIT) {
        this.invalid();
        return;
      }
      this.pos++;
      this.kind = DIGIT;
      this.digits();
    } else if (isDigit(c)) {
      if (kind === FIRST || kind === DIGIT) this.kind = DIGIT;
      else if (kind === SUFFIX) this.kind = SUFFIX_NO;
      else {
        this.invalid();
        return;
      }
      this.digits();
    } else if (c === 95 /* _ */) {
      if (kind > SUFFIX_NO) {
        this.invalid();
        return;
      }
      this.start = ++this.pos;
      while (this.pos < s.length && isLower(s.charCodeAt(this.pos))) this.pos++;
      this.end = this.pos;
      this.rank = suffixRank(s, this.start, this.end);
      this.kind = this.rank < 0 ? INVALID : SUFFIX;
    } else if (c === 126 /* ~ */) {
      if (kind >= HASH) {
        this.invalid();
        return;
      }
      this.start = ++this.pos;
      while (this.pos < s.length && isHex(s.charCodeAt(this.pos))) this.pos++;
      this.end = this.pos;
      this.kind = this.end > this.start ? HASH : INVALID;
    } else if (c === 45 /* - */) {
      if (kind >= REVISION || s.charCodeAt(this.pos + 1) !== 114 /* r */) {
        this.invalid();
        return;
      }
      this.pos += 2;
      this.kind = REVISION;
      this.digits();
    } else {
      this.invalid();
    }
  }

  private digits(): void {
    const s = this.s;
    this.start = this.pos;
    while (this.pos < s.length && isDigit(s.charCodeAt(this.pos))) this.pos++;
    this.end = this.pos;
    if (this.end === this.start) this.kind = INVALID;
  }

  private invalid(): void {
    this.kind = INVALID;
  }
}

/** a[i, ie) against b[j, je) as unsigned numbers of any length. */
function compareNumbers(a: string, i: number, ie: number, b: string, j: number, je: number): -1 | 0 | 1 {
  while (i < ie && a.charCodeAt(i) === 48) i++;
  while (j < je && b.charCodeAt(j) === 48) j++;
  if (ie - i !== je - j) return ie - i < je - j ? -1 : 1;
  return compareText(a, i, ie, b, j, je);
}

/** Byte-wise, a prefix first. */
function compareText(a: string, i: number, ie: number, b: string, j: number, je: number): -1 | 0 | 1 {
  while (i < ie && j < je) {
    const x = a.charCodeAt(i++);
    const y = b.charCodeAt(j++);
    if (x !== y) return x < y ? -1 : 1;
  }
  if (i < ie) return 1;
  return j < je ? -1 : 0;
}

/** Two tokens of the same kind. */
function compareTokens(x: Tokens, y: Tokens): -1 | 0 | 1 {
  switch (x.kind) {
    case DIGIT:
      if (x.s.charCodeAt(x.start) === 48 || y.s.charCodeAt(y.start) === 48) {
        return compareText(x.s, x.start, x.end, y.s, y.start, y.end);
      }
      return compareNumbers(x.s, x.start, x.end, y.s, y.start, y.end);
    case LETTER:
    case HASH:
      return compareText(x.s, x.start, x.end, y.s, y.start, y.end);
    case SUFFIX:
      return x.rank === y.rank ? 0 : x.rank < y.rank ? -1 : 1;
    default:
      return compareNumbers(x.s, x.start, x.end, y.s, y.start, y.end);
  }
}

const left = new Tokens();
const right = new Tokens();

/** With `fuzzy`, `b` also equals every `a` it is a token prefix of (`3.6.9` ~ `3.6`). */
function compareWith(a: string, b: string, fuzzy: boolean): -1 | 0 | 1 {
  const x = left;
  const y = right;
  x.first(a);
  y.first(b);
  while (x.kind === y.kind && x.kind < END) {
    const r = compareTokens(x, y);
    if (r !== 0) return r;
    x.next();
    y.next();
  }
  if (x.kind === y.kind) return 0;
  if (fuzzy && y.kind === END) return 0;
  if (x.kind === SUFFIX && x.rank < NO_SUFFIX) return -1;
  if (y.kind === SUFFIX && y.rank < NO_SUFFIX) return 1;
  return x.kind > y.kind ? -1 : 1;
}

/*
 * apk-tools 2 (Alpine up to 3.22) read versions with a looser grammar and judged strings that apk-tools 3
 * rejects, some of them in real package databases (`6.6.2p1-r0`: a letter followed by digits). When either
 * side is not a valid apk-tools 3 version, the pair is ordered as apk-tools 2 orders it:
 * - tokens are read as in apk-tools 3, but digits may follow a letter, numbers may be empty (`1-r` = `1-r0`),
 *   a suffix matches by its leading name (`_pre` in `_prefoo`) and a number of 18 or more digits is invalid;
 * - a `.number` with leading zeros is a fraction: `.0` + zeros first reads as minus the count of its extra
 *   zeros, then the rest is read as a number (so `1.001` < `1.01` < `1.1`);
 * - once the kinds differ, a side at an unknown or pre-release suffix is older, then the side whose next
 *   token kind comes later in `.number letter _suffix number -r end` is older, and a side whose next token
 *   is invalid is newer than any valid one.
 * Mixing the two rules can break transitivity only across such invalid strings.
 */
const L_INVALID = -1;
const L_DOT = 0;
const L_DIGIT = 1;
const L_LETTER = 2;
const L_SUFFIX = 3;
const L_SUFFIX_NO = 4;
const L_REVISION = 5;
const L_END = 6;
const PRE_RELEASES = ['alpha', 'beta', 'pre', 'rc'];
const POST_RELEASES = ['cvs', 'svn', 'git', 'hg', 'p'];

/** The value of the suffix name starting at `pos`: < 0 for a pre-release or an unknown name; its length in `suffixLength`. */
let suffixLength = 0;
function legacySuffix(s: string, pos: number): number {
  for (let k = 0; k < PRE_RELEASES.length; k++) {
    const name = PRE_RELEASES[k]!;
    if (s.startsWith(name, pos)) {
      suffixLength = name.length;
      return k - PRE_RELEASES.length;
    }
  }
  for (let k = 0; k < POST_RELEASES.length; k++) {
    const name = POST_RELEASES[k]!;
    if (s.startsWith(name, pos)) {
      suffixLength = name.length;
      return k;
    }
  }
  suffixLength = 0;
  return -1;
}

/** apk-tools 2 reader: `kind` is the kind of the token `read()` takes next, `value` that of the last one read. */
class LegacyTokens {
  s = '';
  pos = 0;
  kind = L_DIGIT;
  value = 0;
  /** When the last token was a number: its digits [runStart, runEnd); otherwise runStart is -1. */
  runStart = -1;
  runEnd = -1;

  start(s: string): void {
    this.s = s;
    this.pos = 0;
    this.kind = L_DIGIT;
    this.value = 0;
    this.runStart = -1;
  }

  read(): void {
    const s = this.s;
    this.runStart = -1;
    if (this.pos >= s.length) {
      this.kind = L_END;
      this.value = 0;
      return;
    }
    let zeros = false;
    const kind = this.kind;
    if (kind === L_DOT && s.charCodeAt(this.pos) === 48) {
      let extra = 0;
      while (this.pos + extra + 1 < s.length && s.charCodeAt(this.pos + extra + 1) === 48) extra++;
      this.value = -extra;
      this.pos += extra;
      zeros = true;
    } else if (kind === L_DOT || kind === L_DIGIT || kind === L_SUFFIX_NO || kind === L_REVISION) {
      const begin = this.pos;
      let value = 0;
      while (this.pos < s.length && isDigit(s.charCodeAt(this.pos))) {
        value = value * 10 + s.charCodeAt(this.pos) - 48;
        this.pos++;
      }
      if (this.pos - begin >= 18) {
        this.invalid();
        return;
      }
      this.value = value;
      this.runStart = begin;
      this.runEnd = this.pos;
    } else if (kind === L_LETTER) {
      this.value = s.charCodeAt(this.pos++);
    } else if (kind === L_SUFFIX) {
      this.value = legacySuffix(s, this.pos);
      if (suffixLength === 0) {
        this.invalid();
        return;
      }
      this.pos += suffixLength;
    } else {
      this.invalid();
      return;
    }
    if (this.pos >= s.length) this.kind = L_END;
    else if (zeros) this.kind = L_DIGIT;
    else this.advance();
  }

  /** Decides the kind of the next token from the character at `pos`, consuming a separator. */
  private advance(): void {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    const current = this.kind;
    let next: number;
    if (c === 0) next = L_END;
    else if ((current === L_DIGIT || current === L_DOT) && isLower(c)) next = L_LETTER;
    else if (current === L_LETTER && isDigit(c)) next = L_DIGIT;
    else if (current === L_SUFFIX && isDigit(c)) next = L_SUFFIX_NO;
    else {
      if (c === 46 /* . */) next = L_DOT;
      else if (c === 95 /* _ */) next = L_SUFFIX;
      else if (c === 45 /* - */ && s.charCodeAt(this.pos + 1) === 114 /* r */) {
        next = L_REVISION;
        this.pos++;
      } else next = L_INVALID;
      this.pos++;
    }
    const backwardsAllowed =
      (next === L_DOT && current === L_DIGIT) ||
      (next === L_SUFFIX && current === L_SUFFIX_NO) ||
      (next === L_DIGIT && current === L_LETTER);
    this.kind = next < current && !backwardsAllowed ? L_INVALID : next;
  }

  private invalid(): void {
    this.kind = L_INVALID;
    this.value = -1;
  }
}

function compareValues(x: LegacyTokens, y: LegacyTokens): -1 | 0 | 1 {
  if (x.runStart >= 0 && y.runStart >= 0)
    return compareNumbers(x.s, x.runStart, x.runEnd, y.s, y.runStart, y.runEnd);
  return x.value === y.value ? 0 : x.value < y.value ? -1 : 1;
}

const legacyLeft = new LegacyTokens();
const legacyRight = new LegacyTokens();

function compareLegacy(a: string, b: string): -1 | 0 | 1 {
  const x = legacyLeft;
  const y = legacyRight;
  x.start(a);
  y.start(b);
  while (x.kind === y.kind && x.kind !== L_END && x.kind !== L_INVALID && compareValues(x, y) === 0) {
    x.read();
    y.read();
  }
  const byValue = compareValues(x, y);
  if (byValue !== 0) return byValue;
  if (x.kind === y.kind) return 0;
  if (x.kind === L_SUFFIX && x.pos < x.s.length && legacySuffix(x.s, x.pos) < 0) return -1;
  if (y.kind === L_SUFFIX && y.pos < y.s.length && legacySuffix(y.s, y.pos) < 0) return 1;
  return x.kind > y.kind ? -1 : 1;
}

function compare(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  if (!valid(a) || !valid(b)) return compareLegacy(a, b);
  return compareWith(a, b, false);
}

/** What apk-tools 3 accepts as a package version (apk_version_validate). */
function valid(v: string): boolean {
  const t = left;
  t.first(v);
  while (t.kind < END) t.next();
  return t.kind === END;
}

/**
 * apk's fuzzy comparison: like compare, except that `a` is equal to `b` when `b`'s tokens are a prefix
 * of `a`'s (`3.6.9` and `3.6_pre1` are equal to `3.6`; `3.8` is not equal to `3.8.1`). Not symmetric.
 */
export function apkCompareFuzzy(a: string, b: string): -1 | 0 | 1 {
  return compareWith(a, b, true);
}

/**
 * Whether `a op b` holds for an apk dependency operator: `<`, `<=`, `=`, `>=`, `>`, `~` (fuzzy equal),
 * `<~` or `>~` (less / greater than, or fuzzy equal). Any other operator never holds.
 */
export function apkVersionMatches(a: string, op: string, b: string): boolean {
  let less = false;
  let equal = false;
  let greater = false;
  let fuzzy = false;
  for (const c of op) {
    if (c === '<') less = true;
    else if (c === '>') greater = true;
    else if (c === '=') equal = true;
    else if (c === '~') fuzzy = equal = true;
    else return false;
  }
  const r = fuzzy ? apkCompareFuzzy(a, b) : compare(a, b);
  return r < 0 ? less : r > 0 ? greater : equal;
}

/** Alpine package versions, ordered as apk-tools 3 orders them. */
export const apkVersion: VersionScheme = { id: 'apk', compare, valid };
