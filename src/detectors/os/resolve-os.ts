import type { OsInfo } from '../../core/os.js';
import { OS_FILES, RELEASE_FILES, refinesVersion } from './os-files.js';

/**
 * The image's OS from what each identification file in the final filesystem said (path → the
 * `osAnalyzer` answer for it). Pure.
 *
 * Identity: the first present of `etc/os-release`, `usr/lib/os-release`, then `RELEASE_FILES` in
 * their order (a distribution's own file before generic ones, `lsb-release` before `debian_version`).
 * Version (DESIGN §3, full version): release files naming the same id refine it when they extend it:
 * `debian` 12 → `etc/debian_version` 12.5, `centos` 8 → `etc/centos-release` 8.4.2105. A file that
 * disagrees instead of extending (RHEL os-release 7.7 beside a redhat-release 7.4) does not change it.
 * A missing codename is taken from a same-id file that has one (`lsb-release`).
 * `source` stays the file that gave the identity.
 */
export function resolveOs(files: ReadonlyMap<string, OsInfo>): OsInfo | undefined {
  const primaryPath = OS_FILES.find((p) => files.has(p));
  if (primaryPath === undefined) return undefined;
  const result: OsInfo = { ...files.get(primaryPath)! };
  for (const path of RELEASE_FILES) {
    const other = files.get(path);
    if (!other || path === primaryPath || other.id !== result.id) continue;
    if (refinesVersion(result.version, other.version)) result.version = other.version;
    if (!result.codename && other.codename) result.codename = other.codename;
  }
  return result;
}
