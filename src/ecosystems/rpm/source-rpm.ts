/** Name, version and release of a source package, from its file name. */
export interface SourceRpm {
  name: string;
  version: string;
  release: string;
}

const SUFFIXES = ['.src.rpm', '.nosrc.rpm'];

/**
 * Splits a SOURCERPM value (`name-version-release.src.rpm`, also `.nosrc.rpm`) from the right: release
 * after the last `-`, version after the one before, the rest is the name. Undefined when the value does
 * not have that shape (missing suffix or an empty part).
 */
export function parseSourceRpm(value: string): SourceRpm | undefined {
  const suffix = SUFFIXES.find((s) => value.endsWith(s));
  if (!suffix) return undefined;
  const nvr = value.slice(0, -suffix.length);
  const r = nvr.lastIndexOf('-');
  if (r <= 0) return undefined;
  const v = nvr.lastIndexOf('-', r - 1);
  if (v <= 0) return undefined;
  const name = nvr.slice(0, v);
  const version = nvr.slice(v + 1, r);
  const release = nvr.slice(r + 1);
  if (!version || !release) return undefined;
  return { name, version, release };
}
