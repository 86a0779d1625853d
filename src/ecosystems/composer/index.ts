import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { composerInstalledAnalyzer, composerLockAnalyzer } from './composer-analyzer.js';
import { composerVersion } from './composer-version.js';

export { composerInstalledAnalyzer, composerLockAnalyzer } from './composer-analyzer.js';
export { composerPurl, parseComposerLock, parseInstalledJson } from './composer-packages.js';
export { composerVersion, phpVersionCompare } from './composer-version.js';

/**
 * PHP packages: Composer's installed.json and composer.lock, PHP version_compare order, OSV
 * `Packagist`. Versions stay as installed (`v5.4.21`); the order ignores the `v` OSV's ranges lack.
 */
export const composerEcosystem: LanguageEcosystem = {
  type: 'composer',
  osv: 'Packagist',
  analyzers: [composerInstalledAnalyzer, composerLockAnalyzer],
  versions: composerVersion,
};
