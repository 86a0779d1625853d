import { PackageURL } from 'packageurl-js';
import type { Component } from '../../core/component.js';

/**
 * Composer's package lists: `vendor/composer/installed.json` (Composer 1: an array of packages;
 * Composer 2: `{ "packages": [...], "dev": bool, "dev-package-names": [...] }`) and `composer.lock`
 * (`packages`, `packages-dev`). A package is `{ "name": "vendor/name", "version": "v5.4.21",
 * "license": ["MIT"], … }` (https://getcomposer.org/doc/04-schema.md).
 */
export interface ComposerPackages {
  components: Component[];
  problems: string[];
}

const NAME = /^[a-z0-9](?:[_.-]?[a-z0-9]+)*\/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]+)*$/i;
const MAX_PACKAGES = 100_000;

/** `pkg:composer/symfony/http-kernel@v5.4.21` */
export function composerPurl(name: string, version: string): string {
  const slash = name.indexOf('/');
  return new PackageURL(
    'composer',
    name.slice(0, slash),
    name.slice(slash + 1),
    version,
    undefined,
    undefined,
  ).toString();
}

function licensesOf(l: unknown): string[] {
  const list = typeof l === 'string' ? [l] : Array.isArray(l) ? l : [];
  return list.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function readList(
  list: unknown,
  where: string,
  out: ComposerPackages,
  mark: { lockfile?: true; dev?: (name: string) => boolean },
): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    out.problems.push(`${where}: not a list of packages`);
    return;
  }
  for (const [i, item] of list.entries()) {
    if (out.components.length >= MAX_PACKAGES) {
      out.problems.push(`more than ${MAX_PACKAGES} packages: the rest not read`);
      return;
    }
    const p = record(item);
    const name = p?.['name'];
    const version = p?.['version'];
    if (
      typeof name !== 'string' ||
      !NAME.test(name) ||
      typeof version !== 'string' ||
      version.trim() === ''
    ) {
      if (out.problems.length < 50) out.problems.push(`${where}[${i}]: no valid name and version`);
      continue;
    }
    const c: Component = { name, version, type: 'composer', purl: composerPurl(name, version) };
    const licenses = licensesOf(p?.['license']);
    if (licenses.length) c.licenses = licenses;
    if (mark.lockfile) c.lockfile = true;
    if (mark.dev?.(name)) c.dev = true;
    out.components.push(c);
  }
}

function parseJson(text: string): { value?: unknown; problem?: string } {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (e) {
    return { problem: `invalid JSON: ${(e as Error).message}` };
  }
}

/** What Composer installed into a vendor directory. */
export function parseInstalledJson(text: string): ComposerPackages {
  const out: ComposerPackages = { components: [], problems: [] };
  const { value, problem } = parseJson(text);
  if (problem) return { components: [], problems: [problem] };
  if (Array.isArray(value)) {
    readList(value, 'installed.json', out, {});
    return out;
  }
  const doc = record(value);
  if (!doc) return { components: [], problems: ['neither a list of packages nor an object with packages'] };
  const devNames = doc['dev-package-names'];
  const dev = new Set(
    Array.isArray(devNames) ? devNames.filter((n): n is string => typeof n === 'string').map(lower) : [],
  );
  readList(doc['packages'] ?? [], 'packages', out, { dev: (n) => dev.has(lower(n)) });
  return out;
}

/** What a Composer lockfile pins (`lockfile: true`); `packages-dev` entries are `dev: true`. */
export function parseComposerLock(text: string): ComposerPackages {
  const out: ComposerPackages = { components: [], problems: [] };
  const { value, problem } = parseJson(text);
  if (problem) return { components: [], problems: [problem] };
  const doc = record(value);
  if (!doc) return { components: [], problems: ['not a JSON object'] };
  readList(doc['packages'], 'packages', out, { lockfile: true });
  readList(doc['packages-dev'], 'packages-dev', out, { lockfile: true, dev: () => true });
  return out;
}

const lower = (s: string) => s.toLowerCase();
