import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { semverVersion } from '../../core/semver-version.js';
import { cargoAuditableAnalyzer, cargoLockAnalyzer } from './cargo-analyzers.js';

export { DEP_SECTION, findDepSection, parseAuditable } from './auditable.js';
export { cargoAuditableAnalyzer, cargoLockAnalyzer } from './cargo-analyzers.js';
export { parseCargoLock } from './cargo-lock.js';

/**
 * Rust crates (`type: cargo`, OSV `crates.io`): from cargo-auditable data in executables and from
 * shipped Cargo.lock files; versions are semver, as Cargo orders them.
 */
export const cargoEcosystem: LanguageEcosystem = {
  type: 'cargo',
  osv: 'crates.io',
  analyzers: [cargoAuditableAnalyzer, cargoLockAnalyzer],
  versions: semverVersion,
};
