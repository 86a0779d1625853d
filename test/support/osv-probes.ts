import type { Component } from '../../src/core/component.js';
import { matchComponents, type VulnerabilityMatch } from '../../src/match/match-components.js';
import { openVulnDb } from '../../src/vulndb/vulndb.js';

/** A package version to look up, and whether the advisories under test should call it affected. */
export type Probe = [name: string, version: string, affected: boolean];

/**
 * Imports the OSV records in `osvDir` for real (a private in-memory advisory database) and matches
 * one component per probe against them. Returns the import's advisory count, every match, and the
 * `name@version` of the probes called affected next to those the probes say should be (both sorted).
 */
export async function matchProbes(
  osvDir: string,
  probes: Probe[],
  component: (name: string, version: string) => Component,
): Promise<{ advisories: number; matches: VulnerabilityMatch[]; affected: string[]; want: string[] }> {
  const db = await openVulnDb(':memory:');
  try {
    const report = await db.importFeeds([osvDir]);
    const matches = await matchComponents(
      probes.map(([n, v]) => component(n, v)),
      undefined,
      db,
    );
    const affected = [...new Set(matches.map((m) => `${m.component.name}@${m.component.version}`))].sort();
    const want = probes
      .filter(([, , a]) => a)
      .map(([n, v]) => `${n}@${v}`)
      .sort();
    return { advisories: report.advisories, matches, affected, want };
  } finally {
    await db.close();
  }
}
