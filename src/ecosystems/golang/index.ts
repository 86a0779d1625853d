import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { semverVersion } from '../../core/semver-version.js';
import { golangBinaryAnalyzer } from './go-binary-analyzer.js';
import { golangModAnalyzer } from './go-mod-analyzer.js';
import { goOsvVersion } from './golang-version.js';

export { golangBinaryAnalyzer, goPurl } from './go-binary-analyzer.js';
export { type GoBuildInfo, parseModInfo, readGoBuildInfo } from './go-buildinfo.js';
export { parseGoMod } from './go-mod.js';
export { golangModAnalyzer } from './go-mod-analyzer.js';
export { goOsvVersion, goTagToSemver } from './golang-version.js';

/**
 * Go modules (`type: golang`, OSV `Go`): from the build info of Go executables (modules, and the
 * toolchain as `stdlib` at its release tag `go1.22.3`) and from shipped go.mod files. Versions are
 * kept as Go writes them (`v1.2.3`, `go1.22.3`) and ordered by semver; OSV gets them without the `v`
 * and the toolchain tag as semver (`1.22.3`).
 */
export const golangEcosystem: LanguageEcosystem = {
  type: 'golang',
  osv: 'Go',
  analyzers: [golangBinaryAnalyzer, golangModAnalyzer],
  versions: semverVersion,
  osvVersion: goOsvVersion,
};
