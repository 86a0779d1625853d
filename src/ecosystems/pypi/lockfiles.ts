import { parse as parseToml } from 'smol-toml';
import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import type { Component } from '../../core/component.js';
import { pypiComponent } from './metadata.js';

/** Lockfiles and requirement lists are text of a few MiB at most. */
export const MAX_LOCKFILE_SIZE = 32 * 1024 * 1024;
/** Entries kept per file, so a hostile file cannot flood the inventory. */
export const MAX_ENTRIES = 50_000;
/** Problems kept per file. */
export const MAX_PROBLEMS = 50;

export type LockfileKind = 'poetry' | 'pipfile' | 'uv' | 'pdm' | 'requirements' | 'setup';

function basenameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/**
 * Which lockfile a path is: `poetry.lock`, `Pipfile.lock`, `uv.lock`, `pdm.lock`, `setup.py`, or a
 * pip requirement list (`requirements.txt`, `requirements-dev.txt`, `dev-requirements.txt`,
 * `requirements/base.txt`…). None under `site-packages/` or `dist-packages/`.
 */
export function lockfileKind(path: string): LockfileKind | undefined {
  const kind = kindByName(path);
  // inside site-packages such files are an installed package's own data (tests, examples), not a project
  return kind && !path.includes('-packages/') ? kind : undefined;
}

function kindByName(path: string): LockfileKind | undefined {
  if (path.endsWith('setup.py'))
    return path === 'setup.py' || path.endsWith('/setup.py') ? 'setup' : undefined;
  if (!path.endsWith('.lock') && !path.endsWith('.txt')) return undefined;
  const base = basenameOf(path);
  switch (base) {
    case 'poetry.lock':
      return 'poetry';
    case 'Pipfile.lock':
      return 'pipfile';
    case 'uv.lock':
      return 'uv';
    case 'pdm.lock':
      return 'pdm';
  }
  if (!base.endsWith('.txt')) return undefined;
  if (base.includes('requirements')) return 'requirements';
  // a requirements/ folder of per-environment lists
  return path.endsWith(`requirements/${base}`) ? 'requirements' : undefined;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

interface Result {
  components: Component[];
  problems: string[];
}

function entry(out: Result, name: unknown, version: unknown, dev: boolean, where: string): void {
  const n = str(name)?.trim();
  const v = str(version)?.trim();
  if (!n || !v) {
    out.problems.push(`${where}: no ${n ? 'version' : 'name'}`);
    return;
  }
  if (out.components.length >= MAX_ENTRIES) return;
  const c = pypiComponent(n, v, { lockfile: true });
  if (dev) c.dev = true;
  out.components.push(c);
}

function tomlPackages(text: string, out: Result): Table[] {
  let doc: Table;
  try {
    doc = parseToml(text, { maxDepth: 32 }) as Table;
  } catch (e) {
    out.problems.push(
      `not valid TOML: ${String((e as Error).message ?? e)
        .split('\n')[0]!
        .slice(0, 200)}`,
    );
    return [];
  }
  const pkgs = doc.package;
  if (pkgs === undefined) return [];
  if (!Array.isArray(pkgs)) {
    out.problems.push('"package" is not an array of tables');
    return [];
  }
  return pkgs.filter(isTable);
}

/**
 * poetry.lock: `[[package]]` name and version. Poetry before 1.5 writes `category = "dev"` for
 * development-only packages; Poetry 2 writes `groups = [...]`, dev-only when "main" is not among them.
 * Path dependencies (`source.type` directory or file) are the project's own code and skipped.
 */
export function parsePoetryLock(text: string): Result {
  const out: Result = { components: [], problems: [] };
  for (const [i, p] of tomlPackages(text, out).entries()) {
    const source = isTable(p.source) ? str(p.source.type) : undefined;
    if (source === 'directory' || source === 'file') continue;
    const groups = Array.isArray(p.groups) ? p.groups.filter((g) => typeof g === 'string') : undefined;
    const dev =
      p.category === 'dev' || (groups !== undefined && groups.length > 0 && !groups.includes('main'));
    entry(out, p.name, p.version, dev, `package ${i + 1}`);
  }
  return out;
}

/** The package names a uv.lock dependency list names (`[{ name = "x" }, …]`). */
function uvDependencyNames(v: unknown): string[] {
  return Array.isArray(v) ? v.flatMap((d) => (isTable(d) && typeof d.name === 'string' ? [d.name] : [])) : [];
}

/** The names of a table of dependency lists (`optional-dependencies`, `dev-dependencies`). */
function uvGroupNames(v: unknown): string[] {
  return isTable(v) ? Object.values(v).flatMap(uvDependencyNames) : [];
}

/**
 * uv.lock: `[[package]]` name and version; the project itself and local packages (`source` virtual,
 * editable, directory or path) are skipped. A package is dev-only when the project's
 * `dev-dependencies` groups reach it and its `dependencies` and extras do not.
 */
export function parseUvLock(text: string): Result {
  const out: Result = { components: [], problems: [] };
  const pkgs = tomlPackages(text, out);
  const local = (p: Table) =>
    isTable(p.source) && ['virtual', 'editable', 'directory', 'path'].some((k) => k in (p.source as Table));
  const edges = new Map<string, string[]>();
  for (const p of pkgs) {
    if (typeof p.name !== 'string') continue;
    const list = edges.get(p.name) ?? [];
    list.push(...uvDependencyNames(p.dependencies), ...uvGroupNames(p['optional-dependencies']));
    edges.set(p.name, list);
  }
  const closure = (start: string[]) => {
    const seen = new Set<string>();
    const todo = [...start];
    while (todo.length > 0) {
      const n = todo.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const d of edges.get(n) ?? []) if (!seen.has(d)) todo.push(d);
    }
    return seen;
  };
  const roots = pkgs.filter(local);
  const main = closure(
    roots.flatMap((r) => [...uvDependencyNames(r.dependencies), ...uvGroupNames(r['optional-dependencies'])]),
  );
  const dev = closure(roots.flatMap((r) => uvGroupNames(r['dev-dependencies'])));
  for (const [i, p] of pkgs.entries()) {
    if (local(p)) continue;
    const name = typeof p.name === 'string' ? p.name : '';
    entry(out, p.name, p.version, dev.has(name) && !main.has(name), `package ${i + 1}`);
  }
  return out;
}

/** pdm.lock: `[[package]]` name and version (its groups do not say which are development-only). */
export function parsePdmLock(text: string): Result {
  const out: Result = { components: [], problems: [] };
  for (const [i, p] of tomlPackages(text, out).entries()) {
    if (str(p.path) !== undefined || p.editable === true) continue;
    entry(out, p.name, p.version, false, `package ${i + 1}`);
  }
  return out;
}

/** Pipfile.lock: `default` and `develop` maps of name → `{ "version": "==1.2.3" }`; `develop` ones are dev. */
export function parsePipfileLock(text: string): Result {
  const out: Result = { components: [], problems: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    out.problems.push(`not valid JSON: ${String((e as Error).message).slice(0, 200)}`);
    return out;
  }
  if (!isTable(doc)) {
    out.problems.push('not a JSON object');
    return out;
  }
  for (const section of ['default', 'develop'] as const) {
    const deps = doc[section];
    if (deps === undefined) continue;
    if (!isTable(deps)) {
      out.problems.push(`"${section}" is not an object`);
      continue;
    }
    for (const [name, spec] of Object.entries(deps)) {
      if (!isTable(spec)) continue;
      const v = str(spec.version);
      // git, path and editable entries carry no version
      if (!v) continue;
      const m = PIN.exec(v);
      if (!m) {
        out.problems.push(
          `${section} ${JSON.stringify(name.slice(0, 100))}: version is not a pin: ${JSON.stringify(v.slice(0, 100))}`,
        );
        continue;
      }
      entry(out, name, m[1], section === 'develop', `${section} ${name}`);
    }
  }
  return out;
}

const COMMENT = /(^|\s)#/;
const OPTION = /\s--?[a-z]/;
const PIN = /^\s*===?\s*([^\s*,;]+)\s*$/;
/** `name [extras] ==|=== version`, what remains of a requirement line once options and markers are cut. */
const PINNED_REQUIREMENT =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s*,;=<>!~]+)$/;

/**
 * A pip requirements file (https://pip.pypa.io/en/stable/reference/requirements-file-format/): only
 * exact pins (`name==1.2.3`, `name===1.2.3`, with extras, environment markers, `--hash` options and
 * comments) name an installed version; ranges, wildcards, URLs, editables and `-r`/`-c` includes do not
 * and are skipped. Lines ending in `\` continue on the next line.
 */
export function parseRequirements(text: string): Result {
  const out: Result = { components: [], problems: [] };
  const raw = text.split('\n');
  let logical = '';
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    // a comment runs from a `#` at the start or after whitespace to the end of the line
    const hash = line.search(COMMENT);
    if (hash >= 0) line = line.slice(0, hash);
    if (line.endsWith('\\')) {
      logical += `${line.slice(0, -1)} `;
      if (logical.length > 1_000_000) logical = '';
      continue;
    }
    logical += line;
    const req = logical.trim();
    logical = '';
    if (req === '' || req.startsWith('-')) continue;
    if (out.components.length >= MAX_ENTRIES) break;
    // environment markers after `;`, then per-requirement options (`--hash=…`)
    let spec = req;
    const semi = spec.indexOf(';');
    if (semi >= 0) spec = spec.slice(0, semi);
    const opt = spec.search(OPTION);
    if (opt >= 0) spec = spec.slice(0, opt);
    spec = spec.trim();
    if (spec.includes('://') || spec.includes('@')) continue;
    const m = PINNED_REQUIREMENT.exec(spec);
    if (m) out.components.push(pypiComponent(m[1]!, m[2]!, { lockfile: true }));
  }
  return out;
}

/** A quoted `"name==version"` (optionally `; marker`) in Python source. */
const QUOTED_PIN =
  /(["'])\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]"']*\])?\s*===?\s*([A-Za-z0-9][^\s"';,*]*)\s*(?:;[^\n]*?)?\1/g;
/** A triple-quoted string, its content split into requirements (`"""\ndjango==4.2\n""".split()`). */
const TRIPLE_QUOTED = /("""|''')([\s\S]*?)\1/g;
const BARE_PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?:\[[^\]]*\])?===?([A-Za-z0-9][^\s;,*]*)$/;

/**
 * setup.py, read as text (never run): the exact pins it spells out, as quoted strings
 * (`install_requires=["requests==2.31.0"]`) or one per line in a triple-quoted string that is split
 * (`"""\ndjango==4.2.23\n""".split()`). Anything computed at run time is out of reach.
 */
export function parseSetupPy(text: string): Result {
  const out: Result = { components: [], problems: [] };
  const seen = new Set<string>();
  const add = (name: string, version: string) => {
    const key = `${name}\0${version}`;
    if (seen.has(key) || out.components.length >= MAX_ENTRIES) return;
    seen.add(key);
    out.components.push(pypiComponent(name, version, { lockfile: true }));
  };
  // comments are not code: drop them (a `#` inside a string is rare in a setup.py's requirements)
  const code = text
    .split('\n')
    .map((l) => (l.trimStart().startsWith('#') ? '' : l))
    .join('\n');
  const blocks: [number, number][] = [];
  for (const m of code.matchAll(TRIPLE_QUOTED)) {
    blocks.push([m.index, m.index + m[0].length]);
    for (const token of m[2]!.split(/\s+/)) {
      const p = BARE_PIN.exec(token);
      if (p) add(p[1]!, p[2]!);
    }
  }
  for (const m of code.matchAll(QUOTED_PIN)) {
    if (blocks.some(([a, b]) => m.index >= a && m.index < b)) continue;
    add(m[2]!, m[3]!);
  }
  return out;
}

function cap(problems: string[]): string[] | undefined {
  if (problems.length === 0) return undefined;
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more problems`];
}

const PARSERS: Record<LockfileKind, (text: string) => Result> = {
  poetry: parsePoetryLock,
  pipfile: parsePipfileLock,
  uv: parseUvLock,
  pdm: parsePdmLock,
  requirements: parseRequirements,
  setup: parseSetupPy,
};

/**
 * PyPI packages a project pins (`type: pypi`, `lockfile: true`): poetry, Pipfile, uv and pdm lockfiles,
 * pip requirement lists, and the exact pins a setup.py spells out.
 */
export const pypiLockfileAnalyzer: Analyzer = {
  name: 'pypi-lockfile',
  version: 1,
  maxFileSize: MAX_LOCKFILE_SIZE,
  wants(info: FileInfo): boolean {
    return lockfileKind(info.path) !== undefined;
  },
  analyze(file: AnalyzerFile): FileFindings {
    const kind = lockfileKind(file.info.path);
    if (!kind) return {};
    if (file.content.includes(0)) return { problems: ['binary content (NUL bytes): not a lockfile'] };
    const { components, problems } = PARSERS[kind](file.content.toString('utf8'));
    const findings: FileFindings = { components };
    const p = cap(problems);
    if (p) findings.problems = p;
    return findings;
  },
};
