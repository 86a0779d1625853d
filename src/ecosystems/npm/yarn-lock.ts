import { parseSyml } from '@yarnpkg/parsers';
import { errorText, isNpmName, isObject, isVersionString, MAX_LOCK_ENTRIES } from './npm-common.js';
import type { LockEntry, LockParse } from './npm-lock.js';

/** `name@range` (name may be `@scope/name`) → its parts; undefined when there is no `@` after the name. */
function splitDescriptor(d: string): { name: string; range: string } | undefined {
  const at = d.indexOf('@', d.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: d.slice(0, at), range: d.slice(at + 1) };
}

/**
 * The packages of a `yarn.lock`, classic (v1) or berry (v2+, `__metadata`), both read with yarn's own
 * parser. Berry: each entry's `resolution` says what was installed; only `npm:` resolutions are
 * registry packages — `workspace:` (the project's own members), `patch:` (a patched copy of an `npm:`
 * package that the lockfile also lists), `link:`/`portal:`/`file:` and git/http sources are skipped.
 * Classic: the name comes from the first descriptor of the entry (an alias `a@npm:real@^1` counts as
 * `real`), the version from `version`; descriptors whose range is a URL or path (git, tarball, `file:`)
 * are skipped alike. The same name@version is listed once. yarn.lock does not say which packages are
 * development-only.
 */
export function parseYarnLock(text: string): LockParse {
  const entries: LockEntry[] = [];
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseSyml(text);
  } catch (e) {
    return { entries, problems: [`malformed yarn.lock: ${errorText(e)}`] };
  }
  if (!isObject(doc)) return { entries, problems: ['yarn.lock holds no entries'] };
  const berry = isObject(doc.__metadata);
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    if (entries.length >= MAX_LOCK_ENTRIES) {
      problems.push(`more than ${MAX_LOCK_ENTRIES} packages: the rest ignored`);
      break;
    }
    if (!isObject(value) || !isVersionString(value.version)) {
      problems.push(`${key.slice(0, 200)}: no version`);
      continue;
    }
    const version = value.version;
    let name: string | undefined;
    if (berry) {
      if (typeof value.resolution !== 'string') {
        problems.push(`${key.slice(0, 200)}: no resolution`);
        continue;
      }
      const r = splitDescriptor(value.resolution);
      if (!r?.range.startsWith('npm:')) continue;
      name = r.name;
    } else {
      const first = splitDescriptor((key.split(',', 1)[0] ?? '').trim().replace(/^"|"$/g, ''));
      if (!first) {
        problems.push(`${key.slice(0, 200)}: not a name@range descriptor`);
        continue;
      }
      let { name: n, range } = first;
      if (range.startsWith('npm:')) {
        const real = splitDescriptor(range.slice(4));
        // `npm:real@^1` or `npm:^1` (the same package under a version range)
        if (real) ({ name: n, range } = real);
        else range = range.slice(4);
      }
      if (range.includes(':') || range.includes('/')) continue;
      name = n;
    }
    if (!isNpmName(name)) {
      problems.push(`${key.slice(0, 200)}: invalid package name`);
      continue;
    }
    const id = `${name}@${version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    entries.push({ name, version, at: key });
  }
  return { entries, problems };
}
