import type { Severity } from '../core/advisory.js';

/** Vulnerability and risk levels of DESIGN §3: 1 low, 2 medium, 3 high, 4 critical. */
export type Level = 1 | 2 | 3 | 4;

const VENDOR: Record<string, Level> = { low: 1, medium: 2, high: 3, critical: 4 };

/** The vendor's severity first, else the CVSS v3 base score (< 4 low, < 7 medium, < 9 high, else critical); medium when neither is known. */
export function levelOf(s: Severity): Level {
  if (s.vendor) return VENDOR[s.vendor]!;
  const score = s.cvss3Score;
  if (score === undefined) return 2;
  if (score < 4) return 1;
  if (score < 7) return 2;
  if (score < 9) return 3;
  return 4;
}
