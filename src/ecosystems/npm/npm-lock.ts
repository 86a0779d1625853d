import {
  errorText,
  isNpmName,
  isObject,
  isVersionString,
  licensesOf,
  MAX_LOCK_ENTRIES,
} from './npm-common.js';

/** One package a lockfile pins. */
export interface LockEntry {
  /** the registry name (an alias `npm:real@1` resolved to `real`) */
  name: string;
  version: string;
  dev?: boolean;
  licenses?: string[];
  /** where the lockfile places it: the node_modules path (npm), the descriptor (yarn), the key (pnpm) */
  at: string;
}

export interface LockParse {
  entries: LockEntry[];
  problems: string[];
}

/** Nesting depth of a v1 `dependencies` tree followed at most. */
const MAX_DEPTH = 256;
const NM = 'node_modules/';

/** `npm:real@1.2.3` → { name: real, version: 1.2.3 }; undefined when `spec` is no npm alias. */
export function npmAlias(spec: string): { name: string; version: string } | undefined {
  if (!spec.startsWith('npm:')) return undefined;
  const rest = spec.slice(4);
  const at = rest.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: rest.slice(0, at), version: rest.slice(at + 1) };
}

/** A version npm records for a registry package (not `file:`, `git+…`, `https://…`: code from elsewhere). */
function registryVersion(v: string): boolean {
  return !v.includes(':') && !v.includes('/');
}

/**
 * The packages of an npm `package-lock.json` or `npm-shrinkwrap.json`. Lockfile v2/v3: the `packages`
 * map keyed by install path; the root `""` is the project itself, `link: true` entries are symlinks to
 * a folder (a workspace member or `file:` dependency: the project's own code, listed under its own
 * key, which holds no `node_modules/` and is skipped too). Lockfile v1: the nested `dependencies` tree;
 * aliases `npm:real@1.0.0` are resolved to the real package, entries whose version is a URL or path
 * (git, tarball, `file:`) are skipped (v1 records no package version for them). `dev: true` marks
 * development-only packages (in v1 also what is nested under one).
 */
export function parsePackageLock(text: string): LockParse {
  const problems: string[] = [];
  const entries: LockEntry[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { entries, problems: [`malformed lockfile JSON: ${errorText(e)}`] };
  }
  if (!isObject(doc)) return { entries, problems: ['lockfile is not a JSON object'] };
  if (isObject(doc.packages)) {
    for (const [key, value] of Object.entries(doc.packages)) {
      if (entries.length >= MAX_LOCK_ENTRIES) {
        problems.push(`more than ${MAX_LOCK_ENTRIES} packages: the rest ignored`);
        break;
      }
      if (key === '') continue;
      const i = key.lastIndexOf(NM);
      if (i < 0 || (i > 0 && key.charCodeAt(i - 1) !== 47)) continue; // a workspace or local folder
      if (!isObject(value)) {
        problems.push(`${key}: entry is not an object`);
        continue;
      }
      if (value.link === true) continue;
      const name = typeof value.name === 'string' ? value.name : key.slice(i + NM.length);
      const version = value.version;
      if (!isNpmName(name) || !isVersionString(version)) {
        problems.push(`${key}: no valid name and version`);
        continue;
      }
      const e: LockEntry = { name, version, at: key };
      if (value.dev === true) e.dev = true;
      const licenses = licensesOf(value.license);
      if (licenses.length > 0) e.licenses = licenses;
      entries.push(e);
    }
    return { entries, problems };
  }
  if (!isObject(doc.dependencies)) {
    if (doc.dependencies !== undefined || doc.lockfileVersion === undefined)
      problems.push('neither `packages` nor `dependencies`: not an npm lockfile');
    return { entries, problems };
  }
  // a package nested under a development-only one is there for it alone: development-only too
  const stack: { deps: Record<string, unknown>; prefix: string; depth: number; dev: boolean }[] = [
    { deps: doc.dependencies, prefix: '', depth: 0, dev: false },
  ];
  while (stack.length > 0) {
    const { deps, prefix, depth, dev: underDev } = stack.pop()!;
    for (const [key, value] of Object.entries(deps)) {
      if (entries.length >= MAX_LOCK_ENTRIES) {
        problems.push(`more than ${MAX_LOCK_ENTRIES} packages: the rest ignored`);
        return { entries, problems };
      }
      const at = `${prefix}${NM}${key}`;
      if (!isObject(value) || !isVersionString(value.version)) {
        problems.push(`${at}: no valid version`);
        continue;
      }
      const dev = underDev || value.dev === true;
      const alias = npmAlias(value.version);
      const name = alias?.name ?? key;
      const version = alias?.version ?? value.version;
      if (!isNpmName(name)) problems.push(`${at}: invalid package name`);
      else if (isVersionString(version) && registryVersion(version)) {
        const e: LockEntry = { name, version, at };
        if (dev) e.dev = true;
        entries.push(e);
      }
      if (isObject(value.dependencies)) {
        if (depth + 1 >= MAX_DEPTH) problems.push(`${at}: dependencies nested deeper than ${MAX_DEPTH}`);
        else stack.push({ deps: value.dependencies, prefix: `${at}/`, depth: depth + 1, dev });
      }
    }
  }
  return { entries, problems };
}
