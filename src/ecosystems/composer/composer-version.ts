import type { VersionScheme } from '../../core/version-scheme.js';

/**
 * The order of Packagist versions in OSV: PHP's `version_compare()` on the versions with any leading
 * `v`/`V` removed (what OSV's Packagist ranges are evaluated with, and what Composer's own Comparator
 * applies to its normalised versions). Algorithm of php-src ext/standard/versioning.c
 * (https://www.php.net/manual/en/function.version-compare.php), written anew:
 * - canonicalise: `-`, `_`, `+` and any other non-alphanumeric character become one `.`, and a `.`
 *   is put between a digit and a non-digit (`1.0rc1` → `1.0.rc.1`);
 * - compare part by part: numbers as numbers (here of any length, where PHP's `strtol` saturates),
 *   words by their special form `dev` < `alpha`=`a` < `beta`=`b` < `RC`=`rc` < a number < `pl`=`p`
 *   (a prefix is enough: `patch` is `p`; any other word is below `dev`), a number against a word as
 *   the number's rank;
 * - when one side runs out: an extra number makes the longer side newer, an extra word compares with
 *   a number (`1.0` < `1.0.0`, `1.0rc1` < `1.0`, `1.0` < `1.0pl1`).
 * Two changes make it an order: numbers compare at any length, and a trailing separator is ignored.
 * The installed version (`v5.4.21`) is kept as Composer records it: the `v` is dropped here, so OSV's
 * `5.4.21` compares equal to it.
 */
export const composerVersion: VersionScheme = {
  id: 'composer',
  compare(a, b) {
    return phpVersionCompare(stripV(a), stripV(b));
  },
  valid(v) {
    return VALID.test(v);
  },
};

/**
 * What Composer's VersionParser::normalize accepts, roughly: a numeric version of up to four parts with
 * an optional stability suffix, `dev-<branch>`, or `<branch>.x-dev`.
 */
const VALID =
  /^[vV]?\d+(?:\.\d+){0,3}(?:[._-]?(?:stable|beta|b|RC|rc|alpha|a|patch|pl|p)(?:[.-]?\d+)*)?(?:[.-]?dev)?(?:\+[0-9A-Za-z.-]+)?$|^dev-\S+$|^v?\d+(?:\.(?:\d+|[xX*]))*-dev$/;

function stripV(v: string): string {
  let i = 0;
  while (i < v.length && (v[i] === 'v' || v[i] === 'V')) i++;
  return i ? v.slice(i) : v;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string) => isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** php_canonicalize_version: the first character is kept as it is. */
function canonicalize(v: string): string {
  if (v.length === 0) return v;
  let out = v[0]!;
  let prev = v[0]!;
  for (let i = 1; i < v.length; i++) {
    const c = v[i]!;
    const last = out[out.length - 1];
    if (c === '-' || c === '_' || c === '+') {
      if (last !== '.') out += '.';
    } else if (
      (prev !== '.' && !isDigit(prev) && isDigit(c)) ||
      (isDigit(prev) && c !== '.' && !isDigit(c))
    ) {
      if (last !== '.') out += '.';
      out += c;
    } else if (!isAlnum(c)) {
      if (last !== '.') out += '.';
    } else {
      out += c;
    }
    prev = c;
  }
  return out;
}

const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function rank(form: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (form.startsWith(name)) return order;
  return -1;
}

const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** strtol of a part starting with a digit, compared without overflow */
function compareNumbers(a: string, b: string): -1 | 0 | 1 {
  const da = leadingNumber(a);
  const db = leadingNumber(b);
  if (da.length !== db.length) return da.length < db.length ? -1 : 1;
  return da < db ? -1 : da > db ? 1 : 0;
}

function leadingNumber(s: string): string {
  let end = 0;
  while (isDigit(s[end])) end++;
  let start = 0;
  while (start < end - 1 && s[start] === '0') start++;
  return s.slice(start, end);
}

const NUMBER_FORM = '#N#';
const MAX_LENGTH = 1024;

/**
 * A trailing separator (`1.2.3.#` canonicalises to `1.2.3.`) is dropped: PHP reads an empty last part
 * there, which makes `version_compare('1.2.3.#', '1.2.3.#')` -1 — not an order.
 */
function trimDots(s: string): string {
  let end = s.length;
  while (end > 1 && s[end - 1] === '.') end--;
  return s.slice(0, end);
}

/** php_version_compare, with the same pointer walk (and so the same corner cases) as the C code. */
export function phpVersionCompare(v1: string, v2: string): -1 | 0 | 1 {
  if (v1 === '' || v2 === '') return v1 === '' && v2 === '' ? 0 : v1 !== '' ? 1 : -1;
  // the walk below recurses once per trailing part; no version is this long
  if (v1.length > MAX_LENGTH || v2.length > MAX_LENGTH) return v1 < v2 ? -1 : v1 > v2 ? 1 : 0;
  const s1 = trimDots(v1[0] === '#' ? v1 : canonicalize(v1));
  const s2 = trimDots(v2[0] === '#' ? v2 : canonicalize(v2));
  let p1 = 0;
  let p2 = 0;
  let n1: number | undefined = 0;
  let n2: number | undefined = 0;
  let compare: -1 | 0 | 1 = 0;
  while (p1 < s1.length && p2 < s2.length && n1 !== undefined && n2 !== undefined) {
    const e1 = s1.indexOf('.', p1);
    const e2 = s2.indexOf('.', p2);
    n1 = e1 < 0 ? undefined : e1;
    n2 = e2 < 0 ? undefined : e2;
    const t1 = s1.slice(p1, n1);
    const t2 = s2.slice(p2, n2);
    const d1 = isDigit(t1[0]);
    const d2 = isDigit(t2[0]);
    if (d1 && d2) compare = compareNumbers(t1, t2);
    else if (!d1 && !d2) compare = sign(rank(t1) - rank(t2));
    else if (d1) compare = sign(rank(NUMBER_FORM) - rank(t2));
    else compare = sign(rank(t1) - rank(NUMBER_FORM));
    if (compare !== 0) break;
    if (n1 !== undefined) p1 = n1 + 1;
    if (n2 !== undefined) p2 = n2 + 1;
  }
  // the rest of the longer side: an extra number wins, an extra word is compared with a number
  if (compare === 0) {
    if (n1 !== undefined) {
      const rest = s1.slice(p1);
      compare = isDigit(rest[0]) ? 1 : phpVersionCompare(rest, NUMBER_FORM);
    } else if (n2 !== undefined) {
      const rest = s2.slice(p2);
      compare = isDigit(rest[0]) ? -1 : phpVersionCompare(NUMBER_FORM, rest);
    }
  }
  return compare;
}
