import { BadInputError } from '../../core/errors.js';
import { SCANNERS } from '../../scan/scanners.js';

export { SCANNERS };

import type { VulnerabilityRow } from '../../store/store.js';

export const FORMATS = ['table', 'json', 'cyclonedx', 'spdx', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];
/** the scanners this version runs */
export const AVAILABLE_SCANNERS: readonly string[] = SCANNERS;
const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** What the scan flags ask for, checked. */
export interface ScanFilters {
  format: Format;
  /** requested scanners (empty for `none`) */
  scanners: string[];
  /** levels 1–4 kept in the output and counted by --exit-code */
  levels: Set<number>;
  ignoreUnfixed: boolean;
  exitCode: number;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Checks the flag values; a bad one is a BadInputError naming the flag. */
export function scanFilters(values: {
  format?: string;
  scanners?: string;
  severity?: string;
  'ignore-unfixed'?: boolean;
  'exit-code'?: string;
}): ScanFilters {
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new BadInputError('--format', `"${format}" is not one of ${FORMATS.join(', ')}`);
  let scanners: string[] = [...SCANNERS];
  if (values.scanners !== undefined) {
    const l = list(values.scanners.toLowerCase());
    if (l.length === 0) throw new BadInputError('--scanners', 'empty list');
    if (l.includes('none')) {
      if (l.length > 1)
        throw new BadInputError('--scanners', '"none" cannot be combined with other scanners');
      scanners = [];
    } else {
      const bad = l.find((s) => !(SCANNERS as readonly string[]).includes(s));
      if (bad) throw new BadInputError('--scanners', `"${bad}" is not one of ${SCANNERS.join(', ')}, none`);
      scanners = [...new Set(l)];
    }
  }
  let levels = new Set([1, 2, 3, 4]);
  if (values.severity !== undefined) {
    const l = list(values.severity.toUpperCase());
    if (l.length === 0) throw new BadInputError('--severity', 'empty list');
    const bad = l.find((s) => !SEVERITIES.includes(s));
    if (bad) throw new BadInputError('--severity', `"${bad}" is not one of ${SEVERITIES.join(', ')}`);
    levels = new Set(l.map((s) => SEVERITIES.indexOf(s) + 1));
  }
  let exitCode = 0;
  if (values['exit-code'] !== undefined) {
    const v = values['exit-code'];
    exitCode = Number(v);
    if (!/^\d+$/.test(v) || exitCode > 255)
      throw new BadInputError('--exit-code', `"${v}" is not an integer from 0 to 255`);
  }
  return {
    format: format as Format,
    scanners,
    levels,
    ignoreUnfixed: values['ignore-unfixed'] === true,
    exitCode,
  };
}

/** The vulnerabilities --severity and --ignore-unfixed leave. */
export function filterVulnerabilities(rows: VulnerabilityRow[], f: ScanFilters): VulnerabilityRow[] {
  return rows.filter(
    (r) => f.levels.has(r.level) && !(f.ignoreUnfixed && (r.unfixed || r.fixedVersions.length === 0)),
  );
}

/** Risk or virus findings --severity leaves (levels 1–4 as for vulnerabilities). */
export function filterByLevel<T extends { level: number }>(rows: T[], f: ScanFilters): T[] {
  return rows.filter((r) => f.levels.has(r.level));
}
