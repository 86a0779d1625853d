import type { Component } from '../../core/component.js';
import { excerpt, parseControlStanzas } from './control-stanzas.js';

/**
 * Installed packages of a dpkg status database (`var/lib/dpkg/status`, dpkg(1) "status" file, in
 * deb822 syntax) or of one distroless `var/lib/dpkg/status.d/<pkg>` file (same syntax, written by
 * image builders that have no dpkg: usually without a `Status:` field).
 */

export interface DpkgStatusOptions {
  /**
   * How to count a stanza without `Status:`. dpkg reads it as `unknown ok not-installed` (false, right
   * for `var/lib/dpkg/status`); distroless `status.d` files list only installed packages and often omit
   * the field (true). Even then a stanza with neither `Status:` nor `Version:` claims nothing and is
   * skipped, as dpkg skips it.
   */
  missingStatusMeansInstalled: boolean;
}

export interface DpkgStatusResult {
  components: Component[];
  problems: string[];
}

/**
 * The package's files are on disk in these dpkg states (dpkg-query(1) "Package states"): unpacked
 * and the configure states up to installed. `not-installed`, `config-files` (removed, conffiles kept)
 * and `half-installed` (unpack or removal started and did not finish) are not counted. The desired
 * action (`install`, `hold`, `deinstall`, `purge`) does not change what is on disk, so it is ignored.
 */
const ON_DISK_STATES = new Set([
  'installed',
  'triggers-pending',
  'triggers-awaited',
  'half-configured',
  'unpacked',
]);
const KNOWN_STATES = new Set([...ON_DISK_STATES, 'not-installed', 'config-files', 'half-installed']);

const SOURCE = /^([^\s()]+)(?:\s*\(\s*([^()\s]+)\s*\))?$/;

/** Parses status-file text; never throws. Components come in file order. */
export function parseDpkgStatus(text: string, opts: DpkgStatusOptions): DpkgStatusResult {
  const parsed = parseControlStanzas(text);
  const problems = [...parsed.problems];
  const components: Component[] = [];

  for (const stanza of parsed.stanzas) {
    const f = stanza.fields;
    const name = f.get('package')?.split('\n')[0]?.trim() ?? '';
    const where = name
      ? `stanza at line ${stanza.line} (package ${excerpt(name)})`
      : `stanza at line ${stanza.line}`;
    if (!name) {
      problems.push(`${where}: missing Package field`);
      continue;
    }

    const status = f.get('status');
    let installed: boolean;
    if (status === undefined) {
      installed = opts.missingStatusMeansInstalled && f.has('version');
    } else {
      const words = status.split(/\s+/).filter(Boolean);
      const state = words[2];
      if (words.length !== 3 || state === undefined || !KNOWN_STATES.has(state)) {
        problems.push(`${where}: unreadable Status ${excerpt(status)}`);
        continue;
      }
      installed = ON_DISK_STATES.has(state);
    }
    if (!installed) continue;

    const version = f.get('version') ?? '';
    if (!version || version.includes('\n')) {
      problems.push(`${where}: missing Version field`);
      continue;
    }

    const component: Component = { name, version, type: 'deb', sourceName: name, sourceVersion: version };
    const arch = f.get('architecture');
    if (arch) component.arch = arch;
    const source = f.get('source');
    if (source) {
      const m = SOURCE.exec(source);
      if (m) {
        component.sourceName = m[1]!;
        if (m[2]) component.sourceVersion = m[2];
      } else {
        problems.push(`${where}: unreadable Source ${excerpt(source)} (package name used)`);
      }
    }
    const maintainer = f.get('maintainer');
    if (maintainer) component.maintainer = maintainer;
    components.push(component);
  }
  return { components, problems };
}
