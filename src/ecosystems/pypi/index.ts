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
  installedAt: pythonInstallDir,
  installsAwayFromProject: true,
};

const INSTALL_METADATA =
  /\/[^/]+\.(?:dist-info|egg-info)\/(?:METADATA|PKG-INFO)$|\/[^/]+\.egg\/EGG-INFO\/PKG-INFO$|\/[^/]+\.egg-info$/i;

/**
 * The directory a distribution is installed in (site-packages), from its metadata file's path:
 * `…/site-packages/x-1.0.dist-info/METADATA`, `…/x.egg-info/PKG-INFO`, `…/x.egg/EGG-INFO/PKG-INFO`
 * and the single-file `…/x.egg-info` all give `…/site-packages`; lockfiles keep their own path.
 */
export function pythonInstallDir(path: string): string {
  const m = INSTALL_METADATA.exec(path);
  return m ? path.slice(0, m.index) : path;
}
