import type { AffectedRange } from '../core/advisory.js';
import { semverVersion } from '../core/semver-version.js';
import type { VersionScheme } from '../core/version-scheme.js';

/**
 * Whether `version` is affected by one range (OSV semantics, https://ossf.github.io/osv-schema/#evaluation):
 * listed in `versions`, or inside [introduced, fixed) or [introduced, last_affected] of an event pair.
 * Events are paired in the order the feed lists them; `introduced: '0'` means from the first version.
 * A `SEMVER` range is ordered by semver, any other by the ecosystem's `scheme`.
 */
export function isAffected(range: AffectedRange, version: string, ecosystemScheme: VersionScheme): boolean {
  const scheme = range.semver ? semverVersion : ecosystemScheme;
  // listed versions are the ecosystem's strings: `1.0` names the same PyPI release as `1.0.0`
  if (range.versions?.some((v) => v === version || ecosystemScheme.compare(v, version) === 0)) return true;
  let from: string | undefined;
  for (const e of range.events) {
    if (e.introduced !== undefined) {
      from = e.introduced;
      continue;
    }
    if (from === undefined) continue;
    const afterStart = from === '0' || scheme.compare(version, from) >= 0;
    if (e.fixed !== undefined) {
      if (afterStart && scheme.compare(version, e.fixed) < 0) return true;
      from = undefined;
    } else if (e.last_affected !== undefined) {
      if (afterStart && scheme.compare(version, e.last_affected) <= 0) return true;
      from = undefined;
    }
  }
  // an introduced event with nothing after it: affected from there on
  return from !== undefined && (from === '0' || scheme.compare(version, from) >= 0);
}

/** The fixed versions a range names (empty when there is no fix). */
export function fixedVersions(range: AffectedRange): string[] {
  return range.events.flatMap((e) => (e.fixed !== undefined ? [e.fixed] : []));
}
