import { PackageURL } from 'packageurl-js';
import type { Analyzer, AnalyzerFile, FileFindings } from '../../core/analyzer.js';
import type { Component } from '../../core/component.js';
import { parseExecutable } from '../binary/exec-file.js';
import { MAX_EXECUTABLE_SIZE, wantsExecutable } from '../binary/wants.js';
import { type GoModule, parseModInfo, readGoBuildInfo } from './go-buildinfo.js';

/**
 * `pkg:golang/github.com/foo/bar@v1.2.3`: the module path's last element is the purl name. packageurl-js
 * rejects (or, in its golang check, crashes on) some strings a hostile binary may carry, such as a
 * `v` version that is not semver: those are percent-encoded by hand instead.
 */
export function goPurl(path: string, version: string): string {
  const i = path.lastIndexOf('/');
  try {
    return new PackageURL(
      'golang',
      i < 0 ? undefined : path.slice(0, i),
      i < 0 ? path : path.slice(i + 1),
      version || undefined,
      undefined,
      undefined,
    ).toString();
  } catch {
    const enc = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/');
    return `pkg:golang/${enc(path.replace(/^\/+/, ''))}${version ? `@${encodeURIComponent(version)}` : ''}`;
  }
}

export function goComponent(path: string, version: string): Component {
  return { name: path, version, type: 'golang', purl: goPurl(path, version) };
}

/**
 * What runs for one module line: a module replaced by another module version is that module; one
 * replaced by a local directory (`=> ./fork (devel)`) keeps the path and version go.mod required,
 * the only version known for it.
 */
function effective(m: GoModule): { path: string; version: string } {
  const r = m.replace;
  if (r?.version && r.version !== '(devel)') return { path: r.path, version: r.version };
  return { path: m.path, version: m.version };
}

/**
 * Go modules compiled into an executable (`type: golang`), from its embedded build info: the main
 * module (unless `(devel)`, a build from a source tree with no version), every `dep` (replacements
 * applied) and the toolchain as the component `stdlib`, its version the release tag (`go1.22.3`).
 * ELF, Mach-O and PE; stripped binaries too (the build info is data, not a symbol).
 */
export const golangBinaryAnalyzer: Analyzer = {
  name: 'golang-binary',
  version: 1,
  maxFileSize: MAX_EXECUTABLE_SIZE,
  wants: wantsExecutable,
  analyze(file: AnalyzerFile): FileFindings | undefined {
    const exe = parseExecutable(file.content);
    if (exe === undefined) return undefined;
    if ('error' in exe) {
      // one malformed executable is reported once, by this analyzer (cargo-auditable stays quiet)
      return { problems: [exe.error] };
    }
    const info = readGoBuildInfo(exe);
    if (info === undefined) return undefined;
    if (typeof info === 'string') return { problems: [`Go build info: ${info}`] };
    const components: Component[] = [];
    const goVersion = info.goVersion.split(' ')[0] ?? '';
    if (goVersion.startsWith('go')) components.push(goComponent('stdlib', goVersion));
    const mod = parseModInfo(info.modInfo);
    if (mod.main) {
      const m = effective(mod.main);
      if (m.version && m.version !== '(devel)') components.push(goComponent(m.path, m.version));
    }
    for (const d of mod.deps) {
      const m = effective(d);
      if (m.version) components.push(goComponent(m.path, m.version));
    }
    return { components };
  },
};
