import type { Component } from '../../core/component.js';

/**
 * Parser for apk-tools' installed database (`lib/apk/db/installed`), format "Installed Database V2":
 * https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2 — one stanza per package,
 * stanzas separated by blank lines, each line `K:value` with a one-letter key. Used here: `P` name,
 * `V` version, `A` arch, `o` origin (source package), `L` license, `m` maintainer.
 */

export interface ApkInstalledResult {
  components: Component[];
  problems: string[];
}

interface Stanza {
  line: number;
  fields: Map<string, string>;
  hasLines: boolean;
}

/** Parses installed-database text; never throws. Components come in file order. */
export function parseApkInstalled(text: string): ApkInstalledResult {
  const components: Component[] = [];
  const problems: string[] = [];
  let stanza: Stanza | undefined;

  const finish = () => {
    if (stanza?.hasLines) {
      const c = toComponent(stanza, problems);
      if (c) components.push(c);
    }
    stanza = undefined;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      finish();
      continue;
    }
    stanza ??= { line: i + 1, fields: new Map(), hasLines: false };
    if (line.length < 2 || line[1] !== ':' || line[0] === ' ' || line[0] === '\t') {
      problems.push(`line ${i + 1}: not a "K:value" line: ${excerpt(line)}`);
      continue;
    }
    stanza.hasLines = true;
    const key = line[0]!;
    if (!stanza.fields.has(key)) stanza.fields.set(key, line.slice(2).trim());
  }
  finish();
  return { components, problems };
}

function toComponent(stanza: Stanza, problems: string[]): Component | undefined {
  const f = stanza.fields;
  const name = f.get('P') ?? '';
  const version = f.get('V') ?? '';
  if (!name || !version) {
    const what = name
      ? `stanza at line ${stanza.line} (package ${excerpt(name)})`
      : `stanza at line ${stanza.line}`;
    problems.push(`${what}: missing ${name ? 'V: (version)' : 'P: (package name)'}`);
    return undefined;
  }
  const component: Component = {
    name,
    version,
    type: 'apk',
    sourceName: f.get('o') || name,
    sourceVersion: version,
  };
  const arch = f.get('A');
  if (arch) component.arch = arch;
  const licenses = splitApkLicense(f.get('L') ?? '');
  if (licenses.length > 0) component.licenses = licenses;
  const maintainer = f.get('m');
  if (maintainer) component.maintainer = maintainer;
  return component;
}

/**
 * The licenses an apk `L:` value names, in order, without repeats. Current aports write an SPDX
 * expression (`(Apache-2.0 OR MIT) AND MPL-2.0`); older ones a space-separated list (`MIT BSD GPL2+`).
 * Both become the named identifiers as written (`AND`/`OR` and parentheses dropped; `X WITH Y` kept
 * as one entry); mapping legacy names to SPDX ids is left to whoever needs SPDX.
 */
export function splitApkLicense(value: string): string[] {
  const tokens = value.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const upper = t.toUpperCase();
    if (upper === 'AND' || upper === 'OR') continue;
    if (upper === 'WITH' && out.length > 0 && i + 1 < tokens.length) {
      out[out.length - 1] = `${out[out.length - 1]} WITH ${tokens[++i]}`;
      continue;
    }
    out.push(t);
  }
  return [...new Set(out)];
}

function excerpt(s: string, max = 80): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}…` : clean);
}
