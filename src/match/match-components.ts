import type { Advisory, AffectedRange } from '../core/advisory.js';

type AdvisoryInfo = Omit<Advisory, 'affected'>;

/** A range with the per-package facts some feeds add (src/vulndb StoredRange). */
type StoredRangeLike = AffectedRange & {
  vendorSeverity?: 'low' | 'medium' | 'high' | 'critical';
  endOfLife?: true;
};

import type { Component } from '../core/component.js';
import type { OsInfo } from '../core/os.js';
import { fixedVersions, isAffected } from './affected.js';
import { type Level, levelOf } from './severity-level.js';
import { matchTarget } from './target.js';

/** Advisories by (ecosystem, package name): what the matcher needs of the advisory database. */
export interface AdvisorySource {
  advisoriesFor(
    ecosystem: string,
    names: string[],
  ): Promise<Map<string, { advisory: AdvisoryInfo; range: StoredRangeLike }[]>>;
}

/** One (advisory, component) pair an expert would agree with. */
export interface VulnerabilityMatch {
  advisory: AdvisoryInfo;
  component: Component;
  ecosystem: string;
  /** versions newer than the installed one that the advisory names as fixed, lowest first; empty when there is no fix */
  fixedVersions: string[];
  unfixed: boolean;
  /** the release gets no more security support for the package: no fix will come */
  endOfLife: boolean;
  level: Level;
}

/**
 * Matches an image's components (its stored index: no layer is read) against the advisories of
 * their ecosystems, in each ecosystem's own version order. A component fixed in its installed
 * version or earlier is not reported; one without a fix is, marked `unfixed`.
 */
export async function matchComponents(
  components: Component[],
  os: OsInfo | undefined,
  db: AdvisorySource,
): Promise<VulnerabilityMatch[]> {
  const byEcosystem = new Map<
    string,
    { component: Component; target: NonNullable<ReturnType<typeof matchTarget>> }[]
  >();
  for (const component of components) {
    const target = matchTarget(component, os);
    if (!target) continue;
    const list = byEcosystem.get(target.ecosystem) ?? [];
    list.push({ component, target });
    byEcosystem.set(target.ecosystem, list);
  }
  const out: VulnerabilityMatch[] = [];
  for (const [ecosystem, items] of byEcosystem) {
    const candidates = await db.advisoriesFor(ecosystem, [
      ...new Set(items.map((i) => i.target.packageName)),
    ]);
    for (const { component, target } of items) {
      // an advisory may give one package several ranges (branches, repeated fixes): affected when any
      // range holds the installed version; its fixes are every range's, highest last
      const byAdvisory = new Map<string, { advisory: AdvisoryInfo; ranges: StoredRangeLike[] }>();
      for (const { advisory, range } of candidates.get(target.packageName) ?? []) {
        const entry = byAdvisory.get(advisory.id) ?? { advisory, ranges: [] };
        entry.ranges.push(range);
        byAdvisory.set(advisory.id, entry);
      }
      for (const { advisory, ranges } of byAdvisory.values()) {
        const hits = ranges.filter((r) => isAffected(r, target.version, target.scheme));
        if (hits.length === 0) continue;
        const fixed = [...new Set(ranges.flatMap(fixedVersions))]
          .filter((f) => target.scheme.compare(f, target.version) > 0)
          .sort((a, b) => target.scheme.compare(a, b));
        const vendor = hits.map((r) => r.vendorSeverity).find((v) => v !== undefined);
        out.push({
          advisory,
          component,
          ecosystem,
          fixedVersions: fixed,
          unfixed: fixed.length === 0 || hits.some((r) => r.unfixed === true),
          endOfLife: hits.some((r) => r.endOfLife === true),
          level: levelOf(vendor ? { ...advisory.severity, vendor } : advisory.severity),
        });
      }
    }
  }
  return out;
}
