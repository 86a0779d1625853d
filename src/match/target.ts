import type { Component } from '../core/component.js';
import type { OsInfo } from '../core/os.js';
import { normalizePackageName } from '../core/package-names.js';
import type { VersionScheme } from '../core/version-scheme.js';
import { apkVersion } from '../ecosystems/apk/apk-version.js';
import { dpkgVersion } from '../ecosystems/dpkg/dpkg-version.js';
import { languageEcosystem } from '../ecosystems/languages.js';
import { rpmVersion } from '../ecosystems/rpm/rpm-version.js';

/** What a component is looked up as in the advisory database, and how its versions order. */
export interface MatchTarget {
  ecosystem: string;
  /** Debian and Alpine advisories name source packages; RPM advisories binary ones */
  packageName: string;
  version: string;
  scheme: VersionScheme;
}

const RPM_ECOSYSTEMS: Record<string, string> = {
  almalinux: 'AlmaLinux',
  rocky: 'Rocky Linux',
  rhel: 'Red Hat',
  centos: 'CentOS',
  ol: 'Oracle Linux',
  fedora: 'Fedora',
  amzn: 'Amazon Linux',
  mariner: 'Mariner',
  azurelinux: 'Azure Linux',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE',
  sles: 'SUSE',
};

/** The version order of a component type (OS package or language ecosystem). */
export function schemeFor(type: string): VersionScheme | undefined {
  return type === 'deb'
    ? dpkgVersion
    : type === 'rpm'
      ? rpmVersion
      : type === 'apk'
        ? apkVersion
        : languageEcosystem(type)?.versions;
}

/** OSV names Ubuntu's long-term releases (even year, April) `Ubuntu:22.04:LTS`, the others `Ubuntu:23.10`. */
export function ubuntuEcosystem(release: string): string {
  const m = /^(\d{2})\.04$/.exec(release);
  return m && Number(m[1]) % 2 === 0 ? `Ubuntu:${release}:LTS` : `Ubuntu:${release}`;
}

const major = (v: string) => v.split('.')[0] ?? '';
const majorMinor = (v: string) => v.split('.').slice(0, 2).join('.');

/**
 * The OSV ecosystem of an OS package: `Debian:12` (matched through the source package), `Alpine:v3.19`
 * (through the origin), `AlmaLinux:9`, `Rocky Linux:9`… (binary rpm name, full `[epoch:]version-release`).
 * A language package (npm, PyPI, Go…) is looked up in its OSV ecosystem whatever the OS, by its
 * normalised name. Undefined when the OS or type is one no feed covers.
 */
export function matchTarget(c: Component, os: OsInfo | undefined): MatchTarget | undefined {
  const language = languageEcosystem(c.type);
  if (language) {
    return {
      ecosystem: language.osv,
      packageName: normalizePackageName(language.osv, c.name),
      version: language.osvVersion?.(c.version) ?? c.version,
      scheme: language.versions,
    };
  }
  if (!os?.version) return undefined;
  switch (c.type) {
    case 'deb':
      if (os.id === 'debian') {
        return {
          // testing/unstable images carry `trixie/sid` in debian_version; the tracker calls that unstable
          ecosystem: /(^|\/)sid$/.test(os.version) ? 'Debian:unstable' : `Debian:${major(os.version)}`,
          packageName: c.sourceName ?? c.name,
          version: c.version,
          scheme: dpkgVersion,
        };
      }
      if (os.id === 'ubuntu') {
        return {
          ecosystem: ubuntuEcosystem(majorMinor(os.version)),
          packageName: c.sourceName ?? c.name,
          version: c.version,
          scheme: dpkgVersion,
        };
      }
      return undefined;
    case 'apk':
      return {
        ecosystem: `Alpine:v${majorMinor(os.version)}`,
        packageName: c.sourceName ?? c.name,
        version: c.version,
        scheme: apkVersion,
      };
    case 'rpm': {
      const family = RPM_ECOSYSTEMS[os.id];
      if (!family) return undefined;
      return {
        ecosystem: `${family}:${major(os.version)}`,
        packageName: c.name,
        version: c.version,
        scheme: rpmVersion,
      };
    }
    default:
      return undefined;
  }
}
