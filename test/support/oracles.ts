import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** `../shared/oracles` beside the repository: external ground truth (see its README). */
export const ORACLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/oracles');

/**
 * Whether the oracle folder is here. When it is not, says so once for `suite`: a printed skip reason
 * on a user's machine, a failing test in CI (CI must provide `../shared`).
 */
export function haveOracles(suite: string): boolean {
  if (existsSync(ORACLES)) return true;
  if (process.env.CI && process.env.CI !== 'false') {
    describe(suite, () => {
      it('has its oracle folder (required in CI)', () => {
        expect.fail(`oracle folder ${ORACLES} is missing; CI must provide ../shared/oracles`);
      });
    });
  } else {
    console.warn(`${suite} skipped: ${ORACLES} not found (a fresh clone has no ../shared)`);
  }
  return false;
}

/**
 * A describe block over the oracle sub-folder `rel` (relative to ORACLES): runs `body(dir)` when it
 * exists; otherwise a printed skip on a user's machine and a failing test in CI.
 */
export function oracleSuite(rel: string, body: (dir: string) => void): void {
  const dir = resolve(ORACLES, rel);
  if (existsSync(dir)) {
    describe(rel, () => body(dir));
    return;
  }
  if (process.env.CI && process.env.CI !== 'false') {
    describe(rel, () => {
      it('has its oracle folder (required in CI)', () => {
        expect.fail(`${dir} is missing; CI must provide ../shared/oracles`);
      });
    });
  } else {
    console.warn(`skipping oracle ${rel}: ${dir} absent (a fresh clone has no ../shared)`);
    describe.skip(rel, () => {
      it('oracle', () => {});
    });
  }
}
