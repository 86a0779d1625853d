import type { VersionScheme } from '../../core/version-scheme.js';

/*
 * RPM version order, as rpm 4.18 compares `[epoch:]version[-release]` strings (lua `rpm.vercmp`,
 * `rpmverCmp`), documented in https://rpm-software-management.github.io/rpm/manual/dependencies.html
 * ("Versioning") and https://fedoraproject.org/wiki/Archive:Tools/RPM/VersionComparison:
 * - The epoch is the leading run of digits when a `:` follows it (missing or empty = 0); otherwise the
 *   whole string up to the release is the version (`a:1` is a version). The release is what follows the
 *   last `-`.
 * - Epoch, then version, then release are compared with rpmvercmp. A string without a release sorts
 *   before the same epoch:version with any release, even an empty one: `1.0` < `1.0-` < `1.0-0`
 *   (rpm 4.18's rpmverCmp; osv-scalibr's redhat vectors say the same, each confirmed against rpm 4.18).
 *   rpm's dependency matching (`Requires: foo >= 1.0` against `1.0-1`) ignores a missing release instead;
 *   that is a range rule, not this order.
 *
 * rpmvercmp, on one version or release string: split into maximal runs of ASCII digits or ASCII letters;
 * every other character is a separator, except `~` (sorts before anything, even the end of the string)
 * and `^` (sorts after the end of the string but before anything else). Runs are compared in turn: a
 * number beats letters, numbers compare by value (leading zeros ignored, any length), letters compare
 * byte-wise. When every run is equal, the string that still has runs left is the greater; separators
 * only split runs (`1.0` = `1_0` = `1..0`).
 */

/** Where the parts of one EVR string are: epoch [0, epochEnd) (empty: none), version [vStart, vEnd), release [rStart, end). */
interface Parts {
  s: string;
  epochEnd: number;
  vStart: number;
  vEnd: number;
  hasRelease: boolean;
  rStart: number;
  end: number;
}

const VERSION_RELEASE_CHARS = /^[A-Za-z0-9._+~^]+$/;
const EPOCH_DIGITS = /^[0-9]+$/;
const ZERO = '0';

const left: Parts = {
  s: '',
  epochEnd: 0,
  vStart: 0,
  vEnd: 0,
  hasRelease: false,
  rStart: 0,
  end: 0,
};
const right: Parts = {
  s: '',
  epochEnd: 0,
  vStart: 0,
  vEnd: 0,
  hasRelease: false,
  rStart: 0,
  end: 0,
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Neither a run character nor `~` / `^`: skipped between runs. */
function isSeparator(c: number): boolean {
  return !isDigit(c) && !isLetter(c) && c !== 126 && c !== 94;
}

/** rpmvercmp over a[i, ie) and b[j, je). */
function compareSegments(a: string, i: number, ie: number, b: string, j: number, je: number): -1 | 0 | 1 {
  while (i < ie || j < je) {
    while (i < ie && isSeparator(a.charCodeAt(i))) i++;
    while (j < je && isSeparator(b.charCodeAt(j))) j++;
    const ca = i < ie ? a.charCodeAt(i) : -1;
    const cb = j < je ? b.charCodeAt(j) : -1;
    if (ca === 126 || cb === 126) {
      if (ca !== 126) return 1;
      if (cb !== 126) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 94 || cb === 94) {
      if (ca < 0) return -1;
      if (cb < 0) return 1;
      if (ca !== 94) return 1;
      if (cb !== 94) return -1;
      i++;
      j++;
      continue;
    }
    if (ca < 0 || cb < 0) break;
    const numeric = isDigit(ca);
    let ei = i + 1;
    let ej = j;
    if (numeric) {
      while (ei < ie && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < je && isDigit(b.charCodeAt(ej))) ej++;
    } else {
      while (ei < ie && isLetter(a.charCodeAt(ei))) ei++;
      while (ej < je && isLetter(b.charCodeAt(ej))) ej++;
    }
    // b's run is of the other kind: a number is newer than letters.
    if (ej === j) return numeric ? 1 : -1;
    if (numeric) {
      while (i < ei && a.charCodeAt(i) === 48) i++;
      while (j < ej && b.charCodeAt(j) === 48) j++;
      if (ei - i !== ej - j) return ei - i > ej - j ? 1 : -1;
    }
    while (i < ei && j < ej) {
      const x = a.charCodeAt(i);
      const y = b.charCodeAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i++;
      j++;
    }
    if (i < ei) return 1;
    if (j < ej) return -1;
  }
  if (i >= ie && j >= je) return 0;
  return i >= ie ? -1 : 1;
}

/** rpm's rpmvercmp on two version (or two release) strings: -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  return compareSegments(a, 0, a.length, b, 0, b.length);
}

function split(s: string, p: Parts): void {
  let k = 0;
  while (k < s.length && isDigit(s.charCodeAt(k))) k++;
  let hyphen = -1;
  for (let i = s.length - 1; i >= k; i--) {
    if (s.charCodeAt(i) === 45) {
      hyphen = i;
      break;
    }
  }
  p.s = s;
  p.end = s.length;
  const hasEpoch = k < s.length && s.charCodeAt(k) === 58;
  p.epochEnd = hasEpoch ? k : 0;
  p.vStart = hasEpoch ? k + 1 : 0;
  p.hasRelease = hyphen >= p.vStart;
  p.vEnd = p.hasRelease ? hyphen : s.length;
  p.rStart = p.hasRelease ? hyphen + 1 : s.length;
}

function compareEpochs(x: Parts, y: Parts): -1 | 0 | 1 {
  // A missing or empty epoch is "0".
  const a = x.epochEnd > 0 ? x.s : ZERO;
  const ae = x.epochEnd > 0 ? x.epochEnd : 1;
  const b = y.epochEnd > 0 ? y.s : ZERO;
  const be = y.epochEnd > 0 ? y.epochEnd : 1;
  return compareSegments(a, 0, ae, b, 0, be);
}

function compare(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  split(a, left);
  split(b, right);
  const x = left;
  const y = right;
  const byEpoch = compareEpochs(x, y);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = compareSegments(x.s, x.vStart, x.vEnd, y.s, y.vStart, y.vEnd);
  if (byVersion !== 0) return byVersion;
  if (!x.hasRelease || !y.hasRelease) return x.hasRelease === y.hasRelease ? 0 : x.hasRelease ? 1 : -1;
  return compareSegments(x.s, x.rStart, x.end, y.s, y.rStart, y.end);
}

/**
 * What rpmbuild accepts in a package header: an optional numeric epoch, then a non-empty version and an
 * optional non-empty release made of ASCII alphanumerics and `._+~^`, without `..` (rpmCharCheck).
 */
function valid(v: string): boolean {
  const colon = v.indexOf(':');
  if (colon >= 0 && !EPOCH_DIGITS.test(v.slice(0, colon))) return false;
  const evr = v.slice(colon + 1);
  const hyphen = evr.indexOf('-');
  const version = hyphen < 0 ? evr : evr.slice(0, hyphen);
  const release = hyphen < 0 ? undefined : evr.slice(hyphen + 1);
  const ok = (part: string) => VERSION_RELEASE_CHARS.test(part) && !part.includes('..');
  return ok(version) && (release === undefined || ok(release));
}

/** RPM package versions (`[epoch:]version[-release]`), ordered as rpm 4.18's `rpm.vercmp` orders them. */
export const rpmVersion: VersionScheme = { id: 'rpm', compare, valid };
