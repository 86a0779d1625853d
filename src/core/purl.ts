import { PackageURL } from 'packageurl-js';
import type { Component } from './component.js';
import type { OsInfo } from './os.js';

/**
 * The package URL of an OS package (https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst):
 * `pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12.5`, `pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1`,
 * `pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&epoch=1&distro=rocky-9.3`.
 */
export function purlFor(c: Component, os: OsInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  if (c.arch) qualifiers.arch = c.arch;
  let namespace: string | undefined;
  let version = c.version;
  switch (c.type) {
    case 'deb':
      namespace = os?.id ?? 'debian';
      if (c.sourceName && c.sourceName !== c.name) {
        qualifiers.upstream =
          c.sourceVersion && c.sourceVersion !== c.version
            ? `${c.sourceName}@${c.sourceVersion}`
            : c.sourceName;
      }
      if (os?.version) qualifiers.distro = `${os.id}-${os.version}`;
      break;
    case 'apk':
      namespace = os?.id ?? 'alpine';
      if (os?.version) qualifiers.distro = os.version;
      break;
    case 'rpm':
      namespace = os?.id;
      version = c.release ? `${c.version.replace(/^\d+:/, '')}` : c.version;
      if (c.epoch) qualifiers.epoch = String(c.epoch);
      if (os?.version) qualifiers.distro = `${os.id}-${os.version}`;
      break;
  }
  return new PackageURL(
    c.type,
    namespace,
    c.name,
    version,
    Object.keys(qualifiers).length ? qualifiers : undefined,
    undefined,
  ).toString();
}
