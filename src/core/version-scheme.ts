/**
 * How one ecosystem orders its version strings, as that ecosystem's own package manager does. Both
 * methods are pure and total: they never throw, whatever string they are given.
 */
export interface VersionScheme {
  /** Stable name of the scheme ('dpkg', 'rpm', 'apk'), used in keys and logs. */
  id: string;
  /** -1, 0 or 1 as `a` sorts before, equal to or after `b`; antisymmetric, and defined for invalid strings too. */
  compare(a: string, b: string): -1 | 0 | 1;
  /** Whether the package manager accepts `v` as a version (compare still orders the strings it rejects). */
  valid(v: string): boolean;
}
