import type { Advisory, AffectedRange } from '../core/advisory.js';

type AdvisoryInfo = Omit<Advisory, 'affected'>;

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
  ): Promise<Map<string, { advisory: AdvisoryInfo; range: AffectedRange }[]>>;
}

/** One (advisory, component) pair an expert would agree with. */
export interface VulnerabilityMatch {
  advisory: AdvisoryInfo;
  component: Component;
  ecosystem: string;
  /** fixed versions the range names; empty when no fix exists */
  fixedVersions: string[];
  unfixed: boolean;
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
      const seen = new Set<string>();
      for (const { advisory, range } of candidates.get(target.packageName) ?? []) {
        if (seen.has(advisory.id) || !isAffected(range, target.version, target.scheme)) continue;
        seen.add(advisory.id);
        const fixed = fixedVersions(range);
        out.push({
          advisory,
          component,
          ecosystem,
          fixedVersions: fixed,
          unfixed: range.unfixed === true || fixed.length === 0,
          level: levelOf(advisory.severity),
        });
      }
    }
  }
  return out;
}
