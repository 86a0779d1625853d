import { PackageURL } from 'packageurl-js';
import { type Component, OS_PACKAGE_TYPES } from '../core/component.js';
import type { OsInfo } from '../core/os.js';

/** A package URL taken apart: the component it names and the OS its `distro` qualifier names, if any. */
export interface PurlComponent {
  component: Component;
  os?: OsInfo;
}

/**
 * The component a purl names (https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst), the
 * inverse of core/purl.ts for deb, rpm and apk: `upstream` gives the source package, `epoch` the rpm
 * epoch, `arch` the architecture. Other types keep their purl type as component type, and language
 * packages get the name their registry uses (see nameOf). Throws on a bad purl.
 */
export function componentFromPurl(purl: string): PurlComponent {
  const p = PackageURL.fromString(purl);
  const q = p.qualifiers ?? {};
  let version = p.version ?? '';
  const c: Component = { name: nameOf(p.type, p.namespace, p.name), version, type: p.type, purl };
  if (q.arch) c.arch = q.arch;
  if (p.type === 'deb' && q.upstream) {
    const at = q.upstream.indexOf('@');
    c.sourceName = at < 0 ? q.upstream : q.upstream.slice(0, at);
    c.sourceVersion = at < 0 ? version : q.upstream.slice(at + 1);
  }
  if (p.type === 'rpm') {
    const epoch = q.epoch ? Number(q.epoch) : 0;
    if (epoch > 0 && Number.isInteger(epoch)) {
      c.epoch = epoch;
      version = `${epoch}:${version}`;
      c.version = version;
    }
    const dash = version.lastIndexOf('-');
    if (dash > 0) c.release = version.slice(dash + 1);
  }
  return { component: c, os: osFromDistro(p.type, p.namespace, q.distro) };
}

/** `debian-12.5` → debian 12.5; `3.19.1` (apk) → the namespace's OS at 3.19.1; `rocky-9.3` → rocky 9.3. */
export function osFromDistro(
  type: string,
  namespace: string | undefined,
  distro: string | undefined,
): OsInfo | undefined {
  if (!distro) return undefined;
  const m = /^(.*)-(\d[^-]*)$/.exec(distro);
  if (m) return { id: m[1]!, version: m[2]!, source: 'purl distro' };
  if (/^\d/.test(distro)) {
    const id = namespace ?? (type === 'apk' ? 'alpine' : type === 'deb' ? 'debian' : '');
    return id ? { id, version: distro, source: 'purl distro' } : undefined;
  }
  return { id: distro, version: '', source: 'purl distro' };
}

/**
 * The registry's name of a language package from its purl parts: Maven `group:artifact`, npm
 * `@scope/name`, Go `host/path/module`, Composer `vendor/name`; OS packages keep the bare name (their
 * namespace is the distribution).
 */
export function nameOf(type: string, namespace: string | undefined, name: string): string {
  if (!namespace || OS_PACKAGE_TYPES.has(type)) return name;
  return type === 'maven' ? `${namespace}:${name}` : `${namespace}/${name}`;
}
