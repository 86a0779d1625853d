import { inflateSync } from 'node:zlib';
import type { Component } from '../../core/component.js';
import { type ExecFile, sectionData } from '../binary/exec-file.js';
import { crateComponent } from './cargo-purl.js';

/**
 * cargo-auditable's dependency list (https://github.com/rust-secure-code/cargo-auditable, format
 * described in its README): a section `.dep-v0` (ELF, PE; Mach-O `__DATA,.dep-v0`) holding
 * zlib-compressed JSON `{"packages":[{"name","version","source","kind","dependencies","root"}]}`.
 */
export const DEP_SECTION = '.dep-v0';
/** inflated JSON larger than this is refused (cargo-auditable's own reader defaults to 8 MiB) */
export const MAX_INFLATED = 8 * 1024 * 1024;
const MAX_PACKAGES = 100_000;

export function findDepSection(exe: ExecFile): Buffer | undefined {
  const s = exe.sections.find(
    (x) => x.name === DEP_SECTION && (exe.format !== 'macho' || x.segment === '__DATA'),
  );
  return s ? sectionData(exe, s) : undefined;
}

/**
 * The crates of a cargo-auditable dependency list. Workspace crates (`source: "local"`, among them the
 * binary's own root crate) are not registry packages and are left out; build-time dependencies
 * (`kind: "build"`) are kept: proc macros and build scripts shape the compiled code.
 */
export function parseAuditable(compressed: Buffer): { components: Component[]; problems: string[] } {
  let json: string;
  try {
    json = inflateSync(compressed, { maxOutputLength: MAX_INFLATED }).toString('utf8');
  } catch (e) {
    return {
      components: [],
      problems: [
        `${DEP_SECTION}: cannot inflate (corrupt or over ${MAX_INFLATED} bytes): ${(e as Error).message}`,
      ],
    };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    return { components: [], problems: [`${DEP_SECTION}: bad JSON: ${(e as Error).message}`] };
  }
  const packages = (doc as { packages?: unknown })?.packages;
  if (!Array.isArray(packages)) return { components: [], problems: [`${DEP_SECTION}: no "packages" list`] };
  const components: Component[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const p of packages.slice(0, MAX_PACKAGES) as unknown[]) {
    const { name, version, source } = (p ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof version !== 'string' || !name || !version) {
      if (problems.length < 10) problems.push(`${DEP_SECTION}: package without name or version`);
      continue;
    }
    if (source === 'local') continue;
    const key = `${name}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    components.push(crateComponent(name, version));
  }
  if (packages.length > MAX_PACKAGES)
    problems.push(`${DEP_SECTION}: only the first ${MAX_PACKAGES} packages read`);
  return { components, problems };
}
