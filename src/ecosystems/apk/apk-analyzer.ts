import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { parseApkInstalled } from './apk-installed.js';

/**
 * The installed database; the second path is where it is a regular file in usr-merged images (Wolfi,
 * Chainguard since 2025: `lib` → `usr/lib`). An image holds one of them as a regular file.
 */
export const APK_INSTALLED_PATHS: readonly string[] = ['lib/apk/db/installed', 'usr/lib/apk/db/installed'];

/** Problems kept per file; the rest are counted, so a hostile file cannot flood the report. */
export const MAX_PROBLEMS = 50;

/** Installed Alpine (and Wolfi, Chainguard…) packages (`type: apk`) from apk's installed database. */
export const apkAnalyzer: Analyzer = {
  name: 'apk',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return APK_INSTALLED_PATHS.includes(info.path);
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (file.content.includes(0)) {
      return { problems: ['binary content (NUL bytes): not an apk installed database'] };
    }
    const { components, problems } = parseApkInstalled(file.content.toString('utf8'));
    const findings: FileFindings = { components };
    if (problems.length > MAX_PROBLEMS) {
      findings.problems = [
        ...problems.slice(0, MAX_PROBLEMS),
        `… and ${problems.length - MAX_PROBLEMS} more problems`,
      ];
    } else if (problems.length > 0) {
      findings.problems = problems;
    }
    return findings;
  },
};
