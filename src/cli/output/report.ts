import type { Component } from '../../core/component.js';
import type { RiskFinding, VirusFinding } from '../../core/finding.js';
import type { OsInfo } from '../../core/os.js';
import type { ImageDetail } from '../../scan/detail.js';
import type { VulnerabilityRow } from '../../store/store.js';

/** What the machine-readable formats are written from: one scanned image or SBOM after the CLI filters. */
export interface ScanReport {
  detail: ImageDetail;
  os?: OsInfo;
  components: Component[];
  /** the vulnerabilities left after --severity and --ignore-unfixed */
  vulnerabilities: VulnerabilityRow[];
  /** risks and viruses left after --severity (SARIF reports them; the SBOM formats do not) */
  risks?: RiskFinding[];
  viruses?: VirusFinding[];
  toolVersion: string;
  /** when the document is written; fixed by tests that compare output */
  now: Date;
}

export const LEVEL_NAMES = ['', 'low', 'medium', 'high', 'critical'] as const;

/** The advisories of a report in first-seen order (rows are most severe first), each with its rows. */
export function byAdvisory(rows: VulnerabilityRow[]): Map<string, VulnerabilityRow[]> {
  const m = new Map<string, VulnerabilityRow[]>();
  for (const r of rows) {
    const list = m.get(r.advisoryId) ?? [];
    list.push(r);
    m.set(r.advisoryId, list);
  }
  return m;
}

/** The report's subject as a name: ImageName, else ImageID. */
export function subjectName(r: ScanReport): string {
  return r.detail.ImageName || r.detail.ImageID;
}
