/**
 * CVSS v3.0 / v3.1 base score from a vector string, following the FIRST specification
 * (https://www.first.org/cvss/v3.1/specification-document §7.1, §7.4 and Appendix A for Roundup).
 * Temporal and environmental metrics may be present and do not change the base score.
 */

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  PR: { N: 0.85, L: 0.62, H: 0.27 },
  UI: { N: 0.85, R: 0.62 },
  S: { U: 0, C: 1 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
} as const satisfies Record<string, Record<string, number>>;

type BaseMetric = keyof typeof WEIGHTS;

/** Privileges Required weighs more when the scope changes (spec §7.4). */
const PR_CHANGED_SCOPE: Record<string, number> = { N: 0.85, L: 0.68, H: 0.5 };

const OTHER_METRICS = new Set([
  'E',
  'RL',
  'RC',
  'CR',
  'IR',
  'AR',
  'MAV',
  'MAC',
  'MPR',
  'MUI',
  'MS',
  'MC',
  'MI',
  'MA',
]);

/**
 * The smallest number with one decimal that is ≥ `value`, computed on integers as Appendix A of
 * the 3.1 specification prescribes (the same definition as 3.0's, without floating-point surprises).
 */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/** The base score (0.0–10.0) of a `CVSS:3.0/…` or `CVSS:3.1/…` vector, or undefined when the vector is not valid. */
export function cvss3BaseScore(vector: string): number | undefined {
  const parts = vector.trim().split('/');
  if (parts[0] !== 'CVSS:3.0' && parts[0] !== 'CVSS:3.1') return undefined;
  const values = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const [metric, value, extra] = part.split(':');
    if (metric === undefined || value === undefined || extra !== undefined || values.has(metric))
      return undefined;
    if (metric in WEIGHTS) {
      if (!(value in WEIGHTS[metric as BaseMetric])) return undefined;
    } else if (!OTHER_METRICS.has(metric)) {
      return undefined;
    }
    values.set(metric, value);
  }
  const w = (metric: BaseMetric): number | undefined => {
    const value = values.get(metric);
    return value === undefined ? undefined : (WEIGHTS[metric] as Record<string, number>)[value];
  };
  const [av, ac, pr, ui, c, i, a] = (['AV', 'AC', 'PR', 'UI', 'C', 'I', 'A'] as const).map(w);
  const scope = values.get('S');
  if (
    av === undefined ||
    ac === undefined ||
    pr === undefined ||
    ui === undefined ||
    c === undefined ||
    i === undefined ||
    a === undefined ||
    scope === undefined
  ) {
    return undefined;
  }
  const changed = scope === 'C';
  const privileges = changed ? (PR_CHANGED_SCOPE[values.get('PR') as string] as number) : pr;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * av * ac * privileges * ui;
  if (impact <= 0) return 0;
  return roundUp(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
}
