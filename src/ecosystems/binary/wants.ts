import type { FileInfo } from '../../core/analyzer.js';

/** Executables smaller than this hold no Go build info or cargo-auditable section worth reading. */
export const MIN_EXECUTABLE_SIZE = 4096;
/** Go and Rust binaries are large (static); the walker reads the whole file */
export const MAX_EXECUTABLE_SIZE = 256 * 1024 * 1024;

/**
 * Whether a file may be a compiled program: a regular file with an execute bit (or a Windows `.exe`)
 * above a few KiB. Path and mode only; the content is checked from its magic bytes afterwards.
 */
export function wantsExecutable(info: FileInfo): boolean {
  if (info.size < MIN_EXECUTABLE_SIZE) return false;
  return (info.mode & 0o111) !== 0 || info.path.endsWith('.exe');
}
