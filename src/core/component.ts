/** One installed package as the package manager records it. */
export interface Component {
  /**
   * package name as the package manager prints it; language packages as their registry names them:
   * npm `@scope/name`, Maven `groupId:artifactId`, Go module path, Composer `vendor/name`, PyPI as
   * written in the metadata (matching normalises it)
   */
  name: string;
  /** full version as the package manager prints it: dpkg Version, apk version, rpm `[epoch:]version-release` */
  version: string;
  /** component kind, the purl type: `deb`, `apk`, `rpm`; language packages `npm`, `pypi`, `golang`, `maven`, `gem`, `cargo`, `composer`, `nuget` */
  type: string;
  arch?: string;
  /** source package name and version, when the database records one (dpkg falls back to the binary's, as dpkg-query does) */
  sourceName?: string;
  sourceVersion?: string;
  /** rpm only: the parts of `version` */
  epoch?: number;
  release?: string;
  licenses?: string[];
  maintainer?: string;
  /** rpm only: vendor, and the module stream (`nodejs:18:…`) when the package came from one */
  vendor?: string;
  modularityLabel?: string;
  /** package URL (https://github.com/package-url/purl-spec); filled by coalesce, which knows the OS */
  purl?: string;
  /** filled by coalesce: diffID of the layer that introduced this component */
  layer?: string;
  /**
   * path (inside the image) of the database or file it was read from; filled by coalesce unless the
   * analyzer set it (a jar nested in a jar: `app/app.jar!/BOOT-INF/lib/x.jar`)
   */
  path?: string;
  /**
   * language packages: read from a lockfile or manifest (package-lock.json, poetry.lock, go.mod…), not
   * from what is installed; such an entry is dropped when the same package is installed (see coalesce)
   */
  lockfile?: true;
  /** language packages: a development-only dependency, as the lockfile marks it */
  dev?: true;
}

/** A file inside an image that could not be read fully; the scan goes on and says so. */
export interface Problem {
  /** path inside the image, or `layer` for a layer-wide problem */
  path: string;
  message: string;
  /** diffID of the layer where it was seen */
  layer?: string;
}

/** Component types that come from the OS package manager; every other type is a language ecosystem's. */
export const OS_PACKAGE_TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);
