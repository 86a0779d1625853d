import semver from 'semver';
import type { VersionScheme } from './version-scheme.js';

/**
 * Semantic Versioning 2.0 precedence (https://semver.org/#spec-item-11) as npm's `semver` package
 * implements it: the order of npm, Go modules, crates.io and of OSV `SEMVER` ranges. A leading `v`
 * is accepted (Go writes `v1.2.3`); build metadata (`+incompatible`) does not change the order.
 * What only node-semver's loose mode reads (`=1.2.3`, `v 1.2.3`, `1.2.3beta`) is ordered as it reads
 * it, though `valid` says no. Other strings sort before every such version, among themselves in
 * natural order (digit runs by their numeric value, so `10` after `9`, however long), ties by text.
 */
export const semverVersion: VersionScheme = {
  id: 'semver',
  compare(a, b) {
    if (a === b) return 0;
    const pa = parse(a);
    const pb = parse(b);
    if (pa && pb) return semver.compare(pa.v, pb.v);
    if (pa) return 1;
    if (pb) return -1;
    return naturalCompare(a, b);
  },
  valid(v) {
    return parse(v)?.strict === true;
  },
};

/** A version as node-semver reads it; `strict` when it does without loose mode (a leading `v` allowed). */
interface Parsed {
  v: semver.SemVer;
  strict: boolean;
}

const cache = new Map<string, Parsed | null>();

function parse(v: string): Parsed | undefined {
  let p = cache.get(v);
  if (p === undefined) {
    const strict = semver.parse(v.startsWith('v') ? v.slice(1) : v);
    const loose = strict ? null : semver.parse(v, { loose: true });
    p = strict ? { v: strict, strict: true } : loose ? { v: loose, strict: false } : null;
    if (cache.size > 50_000) cache.clear();
    cache.set(v, p);
  }
  return p ?? undefined;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Natural order: runs of digits compared by numeric value (any length), the rest by code unit; ties by text. */
function naturalCompare(a: string, b: string): -1 | 0 | 1 {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ie = i;
      while (ie < a.length && isDigit(a.charCodeAt(ie))) ie++;
      let je = j;
      while (je < b.length && isDigit(b.charCodeAt(je))) je++;
      let is = i;
      while (is < ie - 1 && a.charCodeAt(is) === 48) is++;
      let js = j;
      while (js < je - 1 && b.charCodeAt(js) === 48) js++;
      const la = ie - is;
      const lb = je - js;
      if (la !== lb) return la < lb ? -1 : 1;
      const da = a.slice(is, ie);
      const db = b.slice(js, je);
      if (da !== db) return da < db ? -1 : 1;
      i = ie;
      j = je;
      continue;
    }
    if (ca !== cb) return ca < cb ? -1 : 1;
    i++;
    j++;
  }
  if (i < a.length || j < b.length) return i < a.length ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
