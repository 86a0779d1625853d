import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { type DpkgStatusResult, parseDpkgStatus } from './dpkg-status.js';

export const DPKG_STATUS_PATH = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';

/**
 * Files that image builders without dpkg (Google distroless, rules_distroless, apko-for-deb) put
 * beside each `status.d/<pkg>` stanza file; they are not stanzas.
 */
const STATUS_D_SIDE_FILES =
  /\.(md5sums|conffiles|preinst|postinst|prerm|postrm|triggers|shlibs|symbols|list|templates|config)$/;

/** Problems kept per file; the rest are counted, so a hostile file cannot flood the report. */
export const MAX_PROBLEMS = 50;

/** True for `var/lib/dpkg/status` and for stanza files directly inside `var/lib/dpkg/status.d/`. */
export function isDpkgDatabase(path: string): boolean {
  if (path === DPKG_STATUS_PATH) return true;
  if (!path.startsWith(STATUS_D)) return false;
  const base = path.slice(STATUS_D.length);
  return base !== '' && !base.includes('/') && !base.startsWith('.') && !STATUS_D_SIDE_FILES.test(base);
}

/**
 * Installed Debian packages (`type: deb`) from the dpkg status database and distroless `status.d`
 * stanza files. Licenses are not recorded there (they live in `usr/share/doc/<pkg>/copyright`).
 */
export const dpkgAnalyzer: Analyzer = {
  name: 'dpkg',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return isDpkgDatabase(info.path);
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (file.content.includes(0)) {
      return { problems: ['binary content (NUL bytes): not a dpkg status file'] };
    }
    const result = parseDpkgStatus(file.content.toString('utf8'), {
      missingStatusMeansInstalled: file.info.path !== DPKG_STATUS_PATH,
    });
    return toFindings(result);
  },
};

function toFindings(result: DpkgStatusResult): FileFindings {
  const findings: FileFindings = { components: result.components };
  if (result.problems.length > 0) findings.problems = capProblems(result.problems);
  return findings;
}

export function capProblems(problems: string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more problems`];
}
