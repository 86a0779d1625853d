import type { Analyzer, FileFindings, LayerAnalysis } from '../core/analyzer.js';
import { type Component, OS_PACKAGE_TYPES, type Problem } from '../core/component.js';
import { BadInputError } from '../core/errors.js';
import type { RiskFinding, VirusFinding } from '../core/finding.js';
import type { OsInfo } from '../core/os.js';
import { normalizePackageName } from '../core/package-names.js';
import { languageEcosystem } from '../ecosystems/languages.js';
import { basename, isUnder, resolveLinkTarget } from '../walk/paths.js';
import type { LayerMeta } from '../walk/walk-layer.js';

/** One layer's cached or fresh results, bottom layer first. */
export interface LayerData {
  meta: LayerMeta;
  analyses: Map<string, LayerAnalysis>;
}

/** A file of the final filesystem as one analyzer saw it. */
export interface FinalFile {
  /** index of the layer that wrote the surviving version */
  layer: number;
  findings: FileFindings;
}

function applyDeletions<T>(view: Map<string, T>, meta: LayerMeta): void {
  if (meta.opaqueDirs.length === 0 && meta.whiteouts.length === 0) return;
  for (const key of [...view.keys()]) {
    if (
      meta.opaqueDirs.some((d) => key !== d && isUnder(key, d)) ||
      meta.whiteouts.some((w) => isUnder(key, w))
    ) {
      view.delete(key);
    }
  }
}

/** The surviving version of each file one analyzer looked at, after whiteouts and opaque dirs. */
export function finalFiles(layers: LayerData[], analyzer: string): Map<string, FinalFile> {
  const view = new Map<string, FinalFile>();
  for (const [i, l] of layers.entries()) {
    applyDeletions(view, l.meta);
    const a = l.analyses.get(analyzer);
    if (!a) continue;
    for (const [path, findings] of Object.entries(a.files)) view.set(path, { layer: i, findings });
  }
  return view;
}

/** The final filesystem's symbolic links. */
export function finalSymlinks(layers: LayerData[]): Map<string, string> {
  const view = new Map<string, string>();
  for (const l of layers) {
    applyDeletions(view, l.meta);
    for (const [p, t] of Object.entries(l.meta.symlinks)) view.set(p, t);
  }
  return view;
}

const MAX_HOPS = 40;

/**
 * Checks that no symbolic link an analyzer wants leads into a loop (never following it outside the
 * image root: targets are clamped there) and returns link path → resolved real path.
 */
export function resolveWantedLinks(links: Map<string, string>, analyzers: Analyzer[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, target] of links) {
    const info = { path, size: 0, mode: 0o777, uid: 0, gid: 0 };
    if (!analyzers.some((a) => a.wants(info))) continue;
    const chain = [path];
    let cur = resolveLinkTarget(path, target);
    for (;;) {
      const next = links.get(cur);
      if (next === undefined) break;
      chain.push(cur);
      if (chain.indexOf(cur) !== chain.length - 1 || chain.length > MAX_HOPS) {
        throw new BadInputError('image', `symlink loop: ${chain.join(' -> ')}`);
      }
      cur = resolveLinkTarget(cur, next);
    }
    out.set(path, cur);
  }
  return out;
}

/** The name matching uses: PEP 503 for PyPI, lower case for NuGet and Packagist, else as written. */
function matchName(c: Component): string {
  const eco = languageEcosystem(c.type);
  return eco ? normalizePackageName(eco.osv, c.name) : c.name;
}

/**
 * What makes two findings the same component: an OS package is one per (name, version, arch) however
 * many databases list it; a language package is one per place it is installed (two copies of lodash
 * in two apps are two components; a Python package's dist-info and egg-info in one site-packages, one).
 */
function componentKey(c: Component, path: string): string {
  if (OS_PACKAGE_TYPES.has(c.type)) return `${c.type}\0${c.name}\0${c.version}\0${c.arch ?? ''}`;
  const file = c.path ?? path;
  const where = languageEcosystem(c.type)?.installedAt?.(file) ?? file;
  return `${c.type}\0${matchName(c)}\0${c.version}\0${c.arch ?? ''}\0${where}`;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * Drops lockfile entries for packages that are installed: what is installed is what runs, and a
 * lockfile only speaks for a project whose packages are not there. An entry goes when the same
 * package (by its matching name) is installed under the lockfile's directory, or anywhere in the
 * image for ecosystems that install away from the project (PyPI, gems).
 */
export function dropInstalledLockfileEntries(components: Component[]): Component[] {
  const installed = new Map<string, string[]>();
  for (const c of components) {
    if (c.lockfile || OS_PACKAGE_TYPES.has(c.type)) continue;
    const k = `${c.type}\0${matchName(c)}`;
    const list = installed.get(k) ?? [];
    list.push(c.path ?? '');
    installed.set(k, list);
  }
  return components.filter((c) => {
    if (!c.lockfile) return true;
    const places = installed.get(`${c.type}\0${matchName(c)}`);
    if (!places) return true;
    if (languageEcosystem(c.type)?.installsAwayFromProject) return false;
    const dir = dirOf(c.path ?? '');
    return !places.some((p) => dir === '' || isUnder(p, dir));
  });
}

/**
 * The image's components: the surviving package databases' contents, each with the layer that
 * introduced it (the lowest layer from which the same package stayed in the same database) and
 * its database path; duplicates across databases kept once.
 */
export function coalesceComponents(
  layers: LayerData[],
  analyzers: Analyzer[],
): { components: Component[]; problems: Problem[] } {
  const components: Component[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const a of analyzers) {
    const view = finalFiles(layers, a.name);
    for (const path of [...view.keys()].sort()) {
      const f = view.get(path)!;
      for (const message of f.findings.problems ?? [])
        problems.push({ path, message, layer: layers[f.layer]!.meta.diffID });
      for (const c of f.findings.components ?? []) {
        const key = componentKey(c, path);
        if (seen.has(key)) continue;
        seen.add(key);
        let introduced = f.layer;
        for (let j = f.layer - 1; j >= 0; j--) {
          const older = layers[j]!.analyses.get(a.name)?.files[path];
          if (!older) continue;
          if (!(older.components ?? []).some((o) => componentKey(o, path) === key)) break;
          introduced = j;
        }
        components.push({ ...c, layer: layers[introduced]!.meta.diffID, path: c.path ?? path });
      }
    }
  }
  return { components: dropInstalledLockfileEntries(components), problems };
}

/**
 * Fills the licenses of components whose database records none from files that document them
 * (`packageLicenses` findings surviving in the final filesystem), matched by type and name, following
 * a symlinked Debian doc directory.
 */
export function attachLicenses(
  components: Component[],
  layers: LayerData[],
  analyzers: Analyzer[],
  links: Map<string, string>,
): void {
  const byPackage = new Map<string, string[]>();
  for (const a of analyzers) {
    for (const f of finalFiles(layers, a.name).values()) {
      const pl = f.findings.packageLicenses;
      if (pl) byPackage.set(`${pl.type}\0${pl.name}`, pl.licenses);
    }
  }
  for (const c of components) {
    if (c.licenses?.length) continue;
    let l = byPackage.get(`${c.type}\0${c.name}`);
    // Debian links the doc dirs of binary packages built together (usr/share/doc/libgcc-s1 -> gcc-12-base)
    const doc = `usr/share/doc/${c.name}`;
    const docLink = c.type === 'deb' ? links.get(doc) : undefined;
    if (!l && docLink !== undefined)
      l = byPackage.get(`${c.type}\0${basename(resolveLinkTarget(doc, docLink))}`);
    if (l) c.licenses = l;
  }
}

/** Every OS candidate file of the final filesystem, by path. */
export function osCandidates(layers: LayerData[], analyzer: string): Map<string, OsInfo> {
  const out = new Map<string, OsInfo>();
  for (const [path, f] of finalFiles(layers, analyzer)) if (f.findings.os) out.set(path, f.findings.os);
  return out;
}

/**
 * The risks and viruses of the final filesystem: findings of files that survive whiteouts, each with
 * the diffID of the layer holding the surviving version (a finding already naming a layer keeps it).
 */
export function coalesceFindings(
  layers: LayerData[],
  analyzers: Analyzer[],
): { risks: RiskFinding[]; viruses: VirusFinding[] } {
  const risks: RiskFinding[] = [];
  const viruses: VirusFinding[] = [];
  for (const a of analyzers) {
    const view = finalFiles(layers, a.name);
    for (const path of [...view.keys()].sort()) {
      const f = view.get(path)!;
      const layer = layers[f.layer]!.meta.diffID;
      for (const r of f.findings.risks ?? [])
        risks.push({ ...r, path: r.path ?? path, layer: r.layer ?? layer });
      for (const v of f.findings.viruses ?? []) viruses.push({ ...v, layer: v.layer ?? layer });
    }
  }
  return { risks, viruses };
}
