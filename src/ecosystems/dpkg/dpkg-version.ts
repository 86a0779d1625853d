import type { VersionScheme } from '../../core/version-scheme.js';

/*
 * Debian version order: Debian Policy §5.6.12 "Version"
 * (https://www.debian.org/doc/debian-policy/ch-controlfields.html#version), with the parsing details of
 * dpkg 1.21 (`dpkg --compare-versions`, deb-version(7)):
 * - `[epoch:]upstream_version[-debian_revision]`; blanks around the string are ignored; the epoch ends at
 *   the first `:`, the revision starts after the last `-`. A missing epoch is 0 and a missing revision is
 *   the empty string, which compares equal to "0" (so `1.0` = `1.0-0`).
 * - epoch, upstream version and revision are compared in turn, each the same way: alternately a run of
 *   non-digits compared character by character (`~` first, even before the end of the part, then the end,
 *   then ASCII letters, then every other character) and a run of digits compared as a number.
 * Numbers of any length are compared digit by digit (no overflow). Characters dpkg rejects still get an
 * order: each UTF-8 byte >= 0x80 sorts after the letters and before ASCII punctuation, as dpkg on amd64
 * (signed `char`) orders them. An epoch that is not a number (dpkg refuses the string) is compared like
 * the other parts.
 */

/** Where the parts of one version string are: epoch [0, epochEnd), upstream [upStart, upEnd), revision [revStart, end). */
interface Parts {
  s: string;
  epochEnd: number;
  upStart: number;
  upEnd: number;
  revStart: number;
  end: number;
}

const UPSTREAM_CHARS = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]+$/;
const EPOCH_DIGITS = /^[0-9]+$/;
const INT_MAX = 2147483647;

const left: Parts = { s: '', epochEnd: 0, upStart: 0, upEnd: 0, revStart: 0, end: 0 };
const right: Parts = { s: '', epochEnd: 0, upStart: 0, upEnd: 0, revStart: 0, end: 0 };

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** dpkg drops spaces and tabs around the version. */
function trimBlanks(v: string): string {
  let i = 0;
  let j = v.length;
  while (i < j && isBlank(v.charCodeAt(i))) i++;
  while (j > i && isBlank(v.charCodeAt(j - 1))) j--;
  return i === 0 && j === v.length ? v : v.slice(i, j);
}

function split(v: string, p: Parts): void {
  let colon = -1;
  let hyphen = -1;
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 58) {
      if (colon < 0) colon = i;
    } else if (c === 45) hyphen = i;
    else if (c >= 128 || ((i === 0 || i === n - 1) && isBlank(c))) {
      splitSlow(v, p);
      return;
    }
  }
  setParts(p, v, colon, hyphen);
}

/** Strings with blanks around them or non-ASCII characters. */
function splitSlow(v: string, p: Parts): void {
  const trimmed = trimBlanks(v);
  let bytes = trimmed;
  for (let i = 0; i < trimmed.length; i++) {
    if (trimmed.charCodeAt(i) >= 128) {
      bytes = Buffer.from(trimmed, 'utf8').toString('latin1');
      break;
    }
  }
  setParts(p, bytes, bytes.indexOf(':'), bytes.lastIndexOf('-'));
}

function setParts(p: Parts, s: string, colon: number, hyphen: number): void {
  p.s = s;
  p.end = s.length;
  p.epochEnd = Math.max(colon, 0);
  p.upStart = colon + 1;
  if (hyphen > colon) {
    p.upEnd = hyphen;
    p.revStart = hyphen + 1;
  } else {
    p.upEnd = s.length;
    p.revStart = s.length;
  }
}

/** Weight of a non-digit character: `~` < end of part < letters < bytes >= 0x80 < other ASCII. */
function weight(c: number): number {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
  if (c === 126) return -1;
  if (c >= 128) return c;
  return c + 256;
}

/** Compares a[i, ie) with b[j, je) as one version part (deb-version(7) "Sorting algorithm"). */
function comparePart(a: string, i: number, ie: number, b: string, j: number, je: number): -1 | 0 | 1 {
  while (i < ie || j < je) {
    for (;;) {
      const ca = i < ie ? a.charCodeAt(i) : -1;
      const cb = j < je ? b.charCodeAt(j) : -1;
      const aText = ca >= 0 && !isDigit(ca);
      const bText = cb >= 0 && !isDigit(cb);
      if (!aText && !bText) break;
      const wa = aText ? weight(ca) : 0;
      const wb = bText ? weight(cb) : 0;
      if (wa !== wb) return wa < wb ? -1 : 1;
      i++;
      j++;
    }
    while (i < ie && a.charCodeAt(i) === 48) i++;
    while (j < je && b.charCodeAt(j) === 48) j++;
    let firstDiff = 0;
    while (i < ie && j < je) {
      const ca = a.charCodeAt(i);
      const cb = b.charCodeAt(j);
      if (!isDigit(ca) || !isDigit(cb)) break;
      if (firstDiff === 0) firstDiff = ca - cb;
      i++;
      j++;
    }
    if (i < ie && isDigit(a.charCodeAt(i))) return 1;
    if (j < je && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

function compare(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  split(a, left);
  split(b, right);
  const x = left;
  const y = right;
  return (
    comparePart(x.s, 0, x.epochEnd, y.s, 0, y.epochEnd) ||
    comparePart(x.s, x.upStart, x.upEnd, y.s, y.upStart, y.upEnd) ||
    comparePart(x.s, x.revStart, x.end, y.s, y.revStart, y.end)
  );
}

/**
 * What dpkg parses without an error or a warning: an epoch of digits up to INT_MAX, an upstream version
 * that starts with a digit and holds only alphanumerics and `.+~-:`, and a non-empty revision of
 * alphanumerics and `.+~`. (dpkg also takes a signed epoch such as `+1:`; Policy does not, nor does this.)
 */
function valid(v: string): boolean {
  const s = trimBlanks(v);
  if (s === '') return false;
  for (let k = 0; k < s.length; k++) if (isBlank(s.charCodeAt(k))) return false;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const epoch = s.slice(0, colon);
    if (!EPOCH_DIGITS.test(epoch)) return false;
    const digits = epoch.replace(/^0+/, '');
    if (digits.length > 10 || Number(digits) > INT_MAX) return false;
  }
  const rest = s.slice(colon + 1);
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen < 0 ? rest : rest.slice(0, hyphen);
  if (hyphen >= 0 && !REVISION_CHARS.test(rest.slice(hyphen + 1))) return false;
  return UPSTREAM_CHARS.test(upstream);
}

/** Debian package versions, ordered as `dpkg --compare-versions` orders them. */
export const dpkgVersion: VersionScheme = { id: 'dpkg', compare, valid };
