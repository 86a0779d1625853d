import semver from 'semver';
import type { VersionScheme } from './version-scheme.js';

/**
 * Semantic Versioning 2.0 precedence (https://semver.org/#spec-item-11) as npm's `semver` package
 * implements it: the order of npm, Go modules, crates.io and of OSV `SEMVER` ranges. A leading `v`
 * is accepted (Go writes `v1.2.3`); build metadata (`+incompatible`) does not change the order.
 * Strings that are not semver sort before every valid version, among themselves by their text.
 */
export const semverVersion: VersionScheme = {
  id: 'semver',
  compare(a, b) {
    const pa = parse(a);
    const pb = parse(b);
    if (pa && pb) return semver.compare(pa, pb);
    if (pa) return 1;
    if (pb) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  },
  valid(v) {
    return parse(v) !== undefined;
  },
};

const cache = new Map<string, semver.SemVer | null>();

function parse(v: string): semver.SemVer | undefined {
  let p = cache.get(v);
  if (p === undefined) {
    p = semver.parse(v.startsWith('v') ? v.slice(1) : v);
    if (cache.size > 50_000) cache.clear();
    cache.set(v, p);
  }
  return p ?? undefined;
}
