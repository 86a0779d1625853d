import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { gemfileLockAnalyzer, gemspecAnalyzer } from './gem-analyzer.js';
import { gemVersion } from './gem-version.js';

export { gemfileLockAnalyzer, gemPurl, gemspecAnalyzer } from './gem-analyzer.js';
export { gemVersion } from './gem-version.js';
export { type LockedGem, parseGemfileLock } from './gemfile-lock.js';
export { type GemSpec, parseGemspec } from './gemspec.js';

/** Ruby gems: installed specifications and Bundler lockfiles, RubyGems' version order, OSV `RubyGems`. */
export const gemEcosystem: LanguageEcosystem = {
  type: 'gem',
  osv: 'RubyGems',
  analyzers: [gemspecAnalyzer, gemfileLockAnalyzer],
  versions: gemVersion,
  installsAwayFromProject: true,
};
