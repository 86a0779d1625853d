import { PackageURL } from 'packageurl-js';
import type { Component } from '../../core/component.js';

/** Problems kept per file; the rest are counted, so a hostile file cannot flood the report. */
export const MAX_PROBLEMS = 50;
/** Packages read from one lockfile at most (the largest real monorepo lockfiles hold ~10k). */
export const MAX_LOCK_ENTRIES = 200_000;
/** Licenses kept per package, characters per license string. */
const MAX_LICENSES = 16;
const MAX_LICENSE_CHARS = 256;
/** npm's own limit on a package name. */
const MAX_NAME_CHARS = 214;
const MAX_VERSION_CHARS = 256;

/**
 * Whether `name` could be an npm package name: `name` or `@scope/name`, no path tricks. Legacy names
 * with capitals exist on the registry, so the check is on shape, not on npm's current rules.
 */
export function isNpmName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAME_CHARS) return false;
  const slash = name.indexOf('/');
  if (name.startsWith('@')) {
    if (slash < 2 || slash === name.length - 1 || name.indexOf('/', slash + 1) >= 0) return false;
  } else if (slash >= 0) return false;
  const base = slash >= 0 ? name.slice(slash + 1) : name;
  return !base.startsWith('.') && !/[\s\\:]/.test(name);
}

export function isVersionString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_VERSION_CHARS && !/\s/.test(v);
}

/** `pkg:npm/%40scope/name@version` */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const namespace = slash > 0 ? name.slice(0, slash) : undefined;
  const base = slash > 0 ? name.slice(slash + 1) : name;
  return new PackageURL('npm', namespace, base, version, undefined, undefined).toString();
}

/** An npm component with its purl; `licenses` only when some were stated. */
export function npmComponent(
  name: string,
  version: string,
  extra: { licenses?: string[]; lockfile?: boolean; dev?: boolean } = {},
): Component {
  const c: Component = { name, version, type: 'npm', purl: npmPurl(name, version) };
  if (extra.licenses && extra.licenses.length > 0) c.licenses = extra.licenses;
  if (extra.lockfile) c.lockfile = true;
  if (extra.dev) c.dev = true;
  return c;
}

/**
 * Licenses as package.json (and lockfile v2 entries) state them: a string (an SPDX expression, kept
 * whole), `{ type }`, or an array of either; the legacy `licenses` field takes the same forms.
 */
export function licensesOf(license: unknown, legacy?: unknown): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (out.length >= MAX_LICENSES) return;
    if (typeof v === 'string') {
      const s = v.trim();
      if (s && s.length <= MAX_LICENSE_CHARS && !out.includes(s)) out.push(s);
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      add((v as { type?: unknown }).type);
    }
  };
  for (const field of [license, legacy]) {
    if (Array.isArray(field)) for (const v of field.slice(0, MAX_LICENSES)) add(v);
    else add(field);
  }
  return out;
}

export function capProblems(problems: string[]): string[] | undefined {
  if (problems.length === 0) return undefined;
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more problems`];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first message of an error, one line. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const line = m.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
