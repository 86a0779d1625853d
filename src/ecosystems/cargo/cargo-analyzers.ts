import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { parseExecutable } from '../binary/exec-file.js';
import { MAX_EXECUTABLE_SIZE, wantsExecutable } from '../binary/wants.js';
import { findDepSection, parseAuditable } from './auditable.js';
import { parseCargoLock } from './cargo-lock.js';

function findings(r: { components: FileFindings['components']; problems: string[] }): FileFindings {
  const f: FileFindings = { components: r.components };
  if (r.problems.length) f.problems = r.problems;
  return f;
}

/**
 * Crates compiled into a Rust executable built with cargo-auditable (`type: cargo`), from its
 * `.dep-v0` section. Executables without the section (most) give nothing; a malformed executable is
 * reported by golang-binary, which reads the same files, not twice.
 */
export const cargoAuditableAnalyzer: Analyzer = {
  name: 'cargo-auditable',
  version: 1,
  maxFileSize: MAX_EXECUTABLE_SIZE,
  wants: wantsExecutable,
  analyze(file: AnalyzerFile): FileFindings | undefined {
    const exe = parseExecutable(file.content);
    if (exe === undefined || 'error' in exe) return undefined;
    const section = findDepSection(exe);
    if (!section) return undefined;
    return findings(parseAuditable(section));
  },
};

/**
 * Crates a shipped Rust project locks (`type: cargo`, `lockfile: true`), from Cargo.lock. Lockfiles
 * inside Cargo's download caches (`.cargo/registry/`, `.cargo/git/`) and Debian's crate sources
 * (`usr/share/cargo/registry/`) belong to dependencies and are skipped.
 */
export const cargoLockAnalyzer: Analyzer = {
  name: 'cargo-lockfile',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return (
      (info.path === 'Cargo.lock' || info.path.endsWith('/Cargo.lock')) &&
      !info.path.includes('.cargo/registry/') &&
      !info.path.includes('.cargo/git/') &&
      !info.path.startsWith('usr/share/cargo/registry/')
    );
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (file.content.includes(0)) return { problems: ['binary content (NUL bytes): not a Cargo.lock'] };
    return findings(parseCargoLock(file.content.toString('utf8')));
  },
};
