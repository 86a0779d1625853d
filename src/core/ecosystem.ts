import type { Analyzer } from './analyzer.js';
import type { VersionScheme } from './version-scheme.js';

/**
 * A language package ecosystem (npm, PyPI, Go…): the analyzers that inventory its packages in an
 * image, its version order, and how its components are looked up in OSV. One folder under
 * `src/ecosystems/<type>/` exports one of these from its `index.ts`; `src/ecosystems/languages.ts`
 * lists them all.
 */
export interface LanguageEcosystem {
  /** the component type its analyzers emit, which is also the purl type: `npm`, `pypi`, `golang`… */
  type: string;
  /** the OSV ecosystem name its advisories use: `npm`, `PyPI`, `Go`, `Maven`, `RubyGems`, `crates.io`, `Packagist`, `NuGet` */
  osv: string;
  analyzers: Analyzer[];
  /** the ecosystem's own version order (OSV `ECOSYSTEM` ranges are evaluated in it) */
  versions: VersionScheme;
  /** the version as OSV records it, when the installed form differs (Go: `v1.2.3` → `1.2.3`, `go1.22.3` → `1.22.3`) */
  osvVersion?(version: string): string;
  /**
   * The place a package read from `path` is installed at, when several files can describe one
   * install (Python: `x-1.0.dist-info/METADATA` and `x.egg-info/PKG-INFO` in one site-packages):
   * findings of one package at one place are one component. Default: the file itself.
   */
  installedAt?(path: string): string;
  /**
   * Packages are installed away from the project that locks them (site-packages, gem homes): a
   * lockfile entry yields to an install of the package anywhere in the image, not only under the
   * lockfile's directory.
   */
  installsAwayFromProject?: true;
}
