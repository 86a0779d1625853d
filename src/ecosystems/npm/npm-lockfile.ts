import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { capProblems, npmComponent } from './npm-common.js';
import { type LockParse, parsePackageLock } from './npm-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parseYarnLock } from './yarn-lock.js';

const PARSERS = new Map<string, (text: string) => LockParse>([
  ['package-lock.json', parsePackageLock],
  ['npm-shrinkwrap.json', parsePackageLock],
  ['yarn.lock', parseYarnLock],
  ['pnpm-lock.yaml', parsePnpmLock],
]);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Whether `path` is a project lockfile. Lockfiles inside `node_modules` are skipped: what they pin is
 * installed beside them or was never installed (published packages ship stray yarn.lock files), and
 * npm's hidden lockfile `node_modules/.package-lock.json` only repeats what is installed.
 */
export function isLockfile(path: string): boolean {
  return PARSERS.has(baseName(path)) && !path.startsWith('node_modules/') && !path.includes('/node_modules/');
}

/** The components of one lockfile's text, by its file name (`lockfile: true`, `dev: true` where it says). */
export function lockfileFindings(path: string, text: string): FileFindings {
  const parse = PARSERS.get(baseName(path));
  if (!parse) return {};
  const { entries, problems } = parse(text);
  const findings: FileFindings = {
    components: entries.map((e) =>
      npmComponent(e.name, e.version, { licenses: e.licenses, lockfile: true, dev: e.dev }),
    ),
  };
  const p = capProblems(problems);
  if (p) findings.problems = p;
  return findings;
}

/**
 * Packages pinned by npm, yarn and pnpm lockfiles (`type: npm`, `lockfile: true`): package-lock.json /
 * npm-shrinkwrap.json v1–v3, yarn.lock classic and berry, pnpm-lock.yaml v5–v9. Coalesce drops an entry
 * when the same package is installed under the lockfile's directory.
 */
export const npmLockfileAnalyzer: Analyzer = {
  name: 'npm-lockfile',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return isLockfile(info.path);
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (file.content.includes(0)) return { problems: ['binary content (NUL bytes): not a lockfile'] };
    return lockfileFindings(file.info.path, file.content.toString('utf8'));
  },
};
