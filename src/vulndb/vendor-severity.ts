import type { Severity } from '../core/advisory.js';

export type VendorSeverity = NonNullable<Severity['vendor']>;

/** low < medium < high < critical, as 1–4 (stored as `vendor_level`, so SQL can take the maximum). */
export const VENDOR_LEVELS: Record<VendorSeverity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export const VENDOR_BY_LEVEL: readonly (VendorSeverity | undefined)[] = [
  undefined,
  'low',
  'medium',
  'high',
  'critical',
];

/**
 * Vendor words normalised: GitHub's `MODERATE`, Red Hat's `Important`, Debian's `unimportant` and
 * `low**` (the stars mark a guess), Ubuntu's `negligible`. Words with no level (`not yet assigned`,
 * `end-of-life`, `unknown`) give undefined.
 */
export function vendorSeverity(word: unknown): VendorSeverity | undefined {
  if (typeof word !== 'string') return undefined;
  switch (word.trim().replace(/\*+$/, '').toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'negligible':
    case 'unimportant':
      return 'low';
    default:
      return undefined;
  }
}
