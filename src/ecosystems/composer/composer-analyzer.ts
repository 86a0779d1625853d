import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { type ComposerPackages, parseComposerLock, parseInstalledJson } from './composer-packages.js';

function findings({ components, problems }: ComposerPackages): FileFindings {
  const f: FileFindings = { components };
  if (problems.length) f.problems = problems;
  return f;
}

/** PHP packages Composer installed (`type: composer`), from `<vendor dir>/composer/installed.json`. */
export const composerInstalledAnalyzer: Analyzer = {
  name: 'composer-installed',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return info.path.endsWith('/composer/installed.json') || info.path === 'composer/installed.json';
  },
  analyze(file: AnalyzerFile): FileFindings {
    return findings(parseInstalledJson(file.content.toString('utf8')));
  },
};

/**
 * PHP packages a `composer.lock` pins (`lockfile: true`), dropped when installed under its directory.
 * A lockfile inside a vendor directory (`vendor/acme/lib/composer.lock`) is a dependency's own and
 * says nothing of what the application uses: skipped.
 */
export const composerLockAnalyzer: Analyzer = {
  name: 'composer-lockfile',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    const p = info.path;
    return (
      (p === 'composer.lock' || p.endsWith('/composer.lock')) &&
      !p.startsWith('vendor/') &&
      !p.includes('/vendor/')
    );
  },
  analyze(file: AnalyzerFile): FileFindings {
    return findings(parseComposerLock(file.content.toString('utf8')));
  },
};
