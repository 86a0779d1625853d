import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import type { Component } from '../../core/component.js';
import { goComponent } from './go-binary-analyzer.js';
import { applyReplace, parseGoMod } from './go-mod.js';

/**
 * Go modules a shipped source tree requires (`type: golang`, `lockfile: true`), from its go.mod:
 * every `require` (direct and `// indirect`; since Go 1.17 go.mod lists the whole build list), with
 * `replace` applied. go.mod files in the module cache (`pkg/mod/`), `vendor/` and Debian's Go library
 * sources (`usr/share/gocode/`, installed as deb packages) are dependencies' own manifests, not a
 * project's, and are skipped.
 */
export const golangModAnalyzer: Analyzer = {
  name: 'golang-gomod',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return (
      (info.path === 'go.mod' || info.path.endsWith('/go.mod')) &&
      !info.path.includes('pkg/mod/') &&
      !info.path.includes('vendor/') &&
      !info.path.startsWith('usr/share/gocode/')
    );
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (file.content.includes(0)) return { problems: ['binary content (NUL bytes): not a go.mod file'] };
    const mod = parseGoMod(file.content.toString('utf8'));
    const components: Component[] = [];
    const seen = new Set<string>();
    for (const req of mod.require) {
      const m = applyReplace(req, mod.replace);
      const key = `${m.path}@${m.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      components.push({ ...goComponent(m.path, m.version), lockfile: true });
    }
    const findings: FileFindings = { components };
    if (mod.problems.length) findings.problems = mod.problems.slice(0, 50);
    return findings;
  },
};
