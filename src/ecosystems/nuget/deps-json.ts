import { PackageURL } from 'packageurl-js';
import type { Component } from '../../core/component.js';

/**
 * .NET's dependency manifest (`<app>.deps.json`, written by the SDK beside the app's dll): `libraries`
 * keyed `Name/Version` with a `type` of `package` (from NuGet), `project` (the app and its project
 * references), `reference` or `runtimepack`; `targets[runtimeTarget.name]` lists what the app loads
 * for its target framework (https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md).
 * Components are the `package` libraries, only those of the runtime target when the file names one.
 */
export interface DepsJsonResult {
  components: Component[];
  problems: string[];
}

const MAX_LIBRARIES = 100_000;

/** `pkg:nuget/Newtonsoft.Json@13.0.1` */
export function nugetPurl(name: string, version: string): string {
  return new PackageURL('nuget', undefined, name, version, undefined, undefined).toString();
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function parseDepsJson(text: string): DepsJsonResult {
  let doc: Record<string, unknown> | undefined;
  try {
    doc = record(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch (e) {
    return { components: [], problems: [`invalid JSON: ${(e as Error).message}`] };
  }
  const libraries = record(doc?.['libraries']);
  if (!doc || !libraries) return { components: [], problems: ['no "libraries" object: not a .deps.json'] };
  const problems: string[] = [];
  const targets = record(doc['targets']);
  const rt = doc['runtimeTarget'];
  const runtimeName = typeof rt === 'string' ? rt : record(rt)?.['name'];
  const runtime = typeof runtimeName === 'string' ? record(targets?.[runtimeName]) : undefined;
  if (typeof runtimeName === 'string' && !runtime)
    problems.push(`runtime target ${JSON.stringify(runtimeName)} not in "targets": every package kept`);
  const components: Component[] = [];
  for (const [key, value] of Object.entries(libraries)) {
    if (record(value)?.['type'] !== 'package') continue;
    const slash = key.lastIndexOf('/');
    const name = key.slice(0, slash);
    const version = key.slice(slash + 1);
    if (slash <= 0 || version === '' || /\s/.test(key)) {
      if (problems.length < 50)
        problems.push(`library ${JSON.stringify(key.slice(0, 200))}: not Name/Version`);
      continue;
    }
    if (runtime && !Object.hasOwn(runtime, key)) continue;
    if (components.length >= MAX_LIBRARIES) {
      problems.push(`more than ${MAX_LIBRARIES} libraries: the rest not read`);
      break;
    }
    components.push({ name, version, type: 'nuget', purl: nugetPurl(name, version) });
  }
  return { components, problems };
}
