import { parseSyml } from '@yarnpkg/parsers';
import { errorText, isNpmName, isObject, isVersionString, MAX_LOCK_ENTRIES } from './npm-common.js';
import type { LockEntry, LockParse } from './npm-lock.js';

/**
 * `packages` key → name and version. v5: `/name/1.2.3` or `/@s/n/1.2.3_peer@1.0.0`; v6: `/name@1.2.3(peer@1.0.0)`;
 * v9: `name@1.2.3(peer@1.0.0)`. Undefined for keys naming no registry release (git hosts, tarballs, `file:`).
 */
export function splitPnpmKey(key: string, v5: boolean): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  let name: string;
  let version: string;
  if (v5) {
    const slash = k.lastIndexOf('/');
    if (slash <= 0) return undefined;
    name = k.slice(0, slash);
    version = k.slice(slash + 1);
    const peer = version.indexOf('_');
    if (peer >= 0) version = version.slice(0, peer);
  } else {
    const paren = k.indexOf('(');
    if (paren >= 0) k = k.slice(0, paren);
    const at = k.lastIndexOf('@');
    if (at <= 0) return undefined;
    name = k.slice(0, at);
    version = k.slice(at + 1);
  }
  const c = version.charCodeAt(0);
  if (!(c >= 48 && c <= 57) || !isNpmName(name) || !isVersionString(version)) return undefined;
  return { name, version };
}

type Deps = Record<string, unknown>;

/** The snapshot key a dependency reference points to: `1.0.0(peer)` under `name`, or an alias's `real@1.0.0`. */
function snapshotKey(name: string, ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  if (ref.startsWith('link:') || ref.startsWith('file:')) return undefined;
  const paren = ref.indexOf('(');
  const at = ref.indexOf('@', 1);
  return at > 0 && (paren < 0 || at < paren) ? ref : `${name}@${ref}`;
}

/**
 * Lockfile v9 keeps no `dev` flag: a package is development-only when every importer reaches it only
 * through `devDependencies`, following `snapshots` (v9's dependency graph).
 */
function devOnlyV9(doc: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const importers = isObject(doc.importers) ? Object.values(doc.importers) : [];
  const snapshots = isObject(doc.snapshots) ? doc.snapshots : {};
  const reach = (fields: string[]): Set<string> => {
    const seen = new Set<string>();
    const todo: string[] = [];
    const push = (deps: unknown, fromImporter: boolean) => {
      if (!isObject(deps)) return;
      for (const [n, v] of Object.entries(deps)) {
        const ref = fromImporter && isObject(v) ? v.version : v;
        const key = snapshotKey(n, ref);
        if (key && !seen.has(key)) {
          seen.add(key);
          todo.push(key);
        }
      }
    };
    for (const imp of importers) if (isObject(imp)) for (const f of fields) push(imp[f], true);
    while (todo.length > 0) {
      const s = snapshots[todo.pop()!];
      if (isObject(s)) {
        push(s.dependencies, false);
        push(s.optionalDependencies, false);
      }
    }
    const bases = new Set<string>();
    for (const k of seen) {
      const p = k.indexOf('(');
      bases.add(p >= 0 ? k.slice(0, p) : k);
    }
    return bases;
  };
  const prod = reach(['dependencies', 'optionalDependencies']);
  for (const k of reach(['devDependencies'])) if (!prod.has(k)) out.add(k);
  return out;
}

function lockfileVersion(doc: Record<string, unknown>): number {
  const v = doc.lockfileVersion;
  return typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN;
}

/** A line `---` starts a YAML document (pnpm writes its env lockfile and the project's in one file). */
const DOC_START = /^---[ \t]*$/m;

/**
 * The packages of a `pnpm-lock.yaml` (lockfile v5, v6 and v9; every YAML document of a multi-document
 * file, whose first document may be pnpm's own "env" lockfile). Names and versions come from the keys
 * of `packages` (peer-dependency suffixes dropped, each name@version listed once); `dev: true` where
 * v5/v6 say so, and for v9 by reachability from the importers' `devDependencies` (see devOnlyV9).
 * Keys that are not registry releases (git, tarball, `file:` and `link:` packages) are skipped.
 *
 * Read with js-yaml's failsafe schema (through @yarnpkg/parsers' parseSyml: every scalar a string,
 * aliases shared, not copied), about ten times faster than the `yaml` package on large lockfiles.
 */
export function parsePnpmLock(text: string): LockParse {
  const entries: LockEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const chunk of text.split(DOC_START)) {
    if (chunk.trim() === '') continue;
    let doc: unknown;
    try {
      doc = parseSyml(chunk);
    } catch (e) {
      problems.push(`malformed pnpm-lock.yaml: ${errorText(e)}`);
      continue;
    }
    if (!isObject(doc)) {
      problems.push('pnpm-lock.yaml document is not a mapping');
      continue;
    }
    if (Object.keys(doc).length === 0) continue;
    const lv = lockfileVersion(doc);
    if (!Number.isFinite(lv)) {
      problems.push('pnpm-lock.yaml without lockfileVersion');
      continue;
    }
    if (!isObject(doc.packages)) continue;
    const v5 = lv < 6;
    const devV9 = lv >= 9 ? devOnlyV9(doc) : undefined;
    for (const [key, value] of Object.entries(doc.packages as Deps)) {
      if (entries.length >= MAX_LOCK_ENTRIES) {
        problems.push(`more than ${MAX_LOCK_ENTRIES} packages: the rest ignored`);
        return { entries, problems };
      }
      const nv = splitPnpmKey(key, v5);
      if (!nv) continue;
      const id = `${nv.name}@${nv.version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const e: LockEntry = { ...nv, at: key };
      if (devV9 ? devV9.has(id) : isObject(value) && (value.dev === true || value.dev === 'true'))
        e.dev = true;
      entries.push(e);
    }
  }
  return { entries, problems };
}
