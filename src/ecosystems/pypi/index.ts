import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { pypiInstalledAnalyzer } from './installed-analyzer.js';
import { pypiLockfileAnalyzer } from './lockfiles.js';
import { pep440Version } from './pep440-version.js';

/** Python packages: installed distributions (dist-info, egg-info) and project lockfiles, PEP 440 order. */
export const pypiEcosystem: LanguageEcosystem = {
  type: 'pypi',
  osv: 'PyPI',
  analyzers: [pypiInstalledAnalyzer, pypiLockfileAnalyzer],
  versions: pep440Version,
};
