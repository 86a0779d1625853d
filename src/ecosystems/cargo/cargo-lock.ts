import { parse } from 'smol-toml';
import type { Component } from '../../core/component.js';
import { crateComponent } from './cargo-purl.js';

const MAX_PACKAGES = 100_000;

/**
 * The packages of a Cargo.lock (format v1 with its `[metadata]` checksums, v2, v3 `version = 3`,
 * v4): every `[[package]]` with a `source` (crates.io, another registry, git). Packages without a
 * source are the workspace's own crates and path dependencies: not registry packages, left out.
 */
export function parseCargoLock(text: string): { components: Component[]; problems: string[] } {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    return { components: [], problems: [`not valid TOML: ${(e as Error).message.split('\n')[0]}`] };
  }
  const packages = doc.package;
  if (packages === undefined) return { components: [], problems: [] };
  if (!Array.isArray(packages)) return { components: [], problems: ['"package" is not an array of tables'] };
  const components: Component[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const p of packages.slice(0, MAX_PACKAGES) as unknown[]) {
    const { name, version, source } = (p ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof version !== 'string') {
      if (problems.length < 10) problems.push('[[package]] without name or version');
      continue;
    }
    if (typeof source !== 'string') continue;
    const key = `${name}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    components.push({ ...crateComponent(name, version), lockfile: true });
  }
  if (packages.length > MAX_PACKAGES) problems.push(`only the first ${MAX_PACKAGES} packages read`);
  return { components, problems };
}
