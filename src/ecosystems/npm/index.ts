import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { semverVersion } from '../../core/semver-version.js';
import { npmInstalledAnalyzer } from './npm-installed.js';
import { npmLockfileAnalyzer } from './npm-lockfile.js';

export { licensesOf, npmPurl } from './npm-common.js';
export { isInstalledManifest, npmInstalledAnalyzer, parseInstalledManifest } from './npm-installed.js';
export { type LockEntry, type LockParse, parsePackageLock } from './npm-lock.js';
export { isLockfile, lockfileFindings, npmLockfileAnalyzer } from './npm-lockfile.js';
export { parsePnpmLock } from './pnpm-lock.js';
export { parseYarnLock } from './yarn-lock.js';

/**
 * npm packages: what is installed under `node_modules` (package.json of each package root), and what
 * npm, yarn and pnpm lockfiles pin where nothing is installed. Ordered by Semantic Versioning as
 * npm's `semver` does; OSV ecosystem `npm`, names as the registry spells them (`@scope/name`).
 */
export const npmEcosystem: LanguageEcosystem = {
  type: 'npm',
  osv: 'npm',
  analyzers: [npmInstalledAnalyzer, npmLockfileAnalyzer],
  versions: semverVersion,
};
