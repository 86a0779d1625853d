import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export type Sign = -1 | 0 | 1;
export const OPS: Record<string, Sign> = { '<': -1, '=': 0, '>': 1 };

/** osv-scalibr's `a <op> b` lines, blank and `#` lines skipped; `line` is 1-based. */
export function scalibrPairs(
  file: string,
): { line: number; text: string; a: string; b: string; want: Sign }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter(({ text }) => text !== '' && !text.startsWith('#') && !text.startsWith('//'))
    .map(({ line, text }) => {
      const [a, op, b, ...rest] = text.split(' ');
      const want = OPS[op ?? ''];
      if (a === undefined || b === undefined || want === undefined || rest.length > 0) {
        throw new Error(`${file}:${line}: not "a <op> b": ${text}`);
      }
      return { line, text, a, b, want };
    });
}

/**
 * Antisymmetry on every pair and reflexivity on every version seen, and a sort of the versions
 * (those `sortable` keeps) that agrees with `compare` on 100,000 random index pairs.
 */
export function checkProperties(
  compare: (a: string, b: string) => number,
  versions: string[],
  pairs: [string, string][],
  sortable: (v: string) => boolean = () => true,
): void {
  for (const [a, b] of pairs) {
    const ab = compare(a, b);
    const ba = compare(b, a);
    if (ab !== -ba) expect.fail(`not antisymmetric: ${a} vs ${b} = ${ab}, reversed ${ba}`);
  }
  for (const v of versions) expect(compare(v, v)).toBe(0);
  const sorted = versions.filter(sortable).sort(compare);
  let seed = 20240601;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % sorted.length;
  };
  for (let k = 0; k < 100_000; k++) {
    const i = next();
    const j = next();
    const [lo, hi] = i <= j ? [i, j] : [j, i];
    if (compare(sorted[lo]!, sorted[hi]!) > 0)
      expect.fail(`sort disagrees: ${sorted[lo]} after ${sorted[hi]}`);
  }
}
