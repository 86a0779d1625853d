import type { VersionScheme } from '../../core/version-scheme.js';

/**
 * NuGet's version order (https://learn.microsoft.com/en-us/nuget/concepts/package-versioning#normalized-version-numbers
 * and NuGet.Versioning's VersionComparer), hand-written: SemVer 2.0 with up to four numeric parts
 * (`Major.Minor.Patch.Revision`, missing ones 0, leading zeros ignored: `1.0.01` = `1.0.1.0`), a
 * release after its prereleases, prerelease labels compared one by one, numbers numerically and
 * before words, words case-insensitively (`1.0.0-BETA` = `1.0.0-beta`), fewer labels first; build
 * metadata (`+…`) ignored. Strings NuGet rejects sort before every valid version, by their text.
 */
export const nugetVersion: VersionScheme = {
  id: 'nuget',
  compare(a, b) {
    const pa = parsed(a);
    const pb = parsed(b);
    if (pa && pb) return compareParsed(pa, pb);
    if (pa) return 1;
    if (pb) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  },
  valid(v) {
    return parsed(v) !== undefined;
  },
};

interface NugetVersion {
  /** four numbers without leading zeros */
  release: string[];
  /** labels, words lower-cased */
  pre: string[];
}

const VERSION =
  /^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$/;

const cache = new Map<string, NugetVersion | null>();

function parsed(v: string): NugetVersion | undefined {
  let p = cache.get(v);
  if (p === undefined) {
    p = parse(v);
    if (cache.size > 50_000) cache.clear();
    cache.set(v, p);
  }
  return p ?? undefined;
}

const stripZeros = (n: string) => n.replace(/^0+(?=.)/, '');
const isNumber = (s: string) => /^\d+$/.test(s);

function parse(v: string): NugetVersion | null {
  if (v.length > 256) return null;
  const m = VERSION.exec(v);
  if (!m) return null;
  const release = [m[1]!, m[2] ?? '0', m[3] ?? '0', m[4] ?? '0'].map(stripZeros);
  const pre = m[5] ? m[5].split('.').map((l) => (isNumber(l) ? stripZeros(l) : l.toLowerCase())) : [];
  return { release, pre };
}

function compareNumbers(a: string, b: string): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParsed(a: NugetVersion, b: NugetVersion): -1 | 0 | 1 {
  for (let i = 0; i < 4; i++) {
    const c = compareNumbers(a.release[i]!, b.release[i]!);
    if (c) return c;
  }
  if (a.pre.length === 0 || b.pre.length === 0) {
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  const n = Math.min(a.pre.length, b.pre.length);
  for (let i = 0; i < n; i++) {
    const l = a.pre[i]!;
    const r = b.pre[i]!;
    const ln = isNumber(l);
    const rn = isNumber(r);
    let c: -1 | 0 | 1;
    if (ln && rn) c = compareNumbers(l, r);
    else if (ln || rn) c = ln ? -1 : 1;
    else c = l < r ? -1 : l > r ? 1 : 0;
    if (c) return c;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}
