/**
 * Go versions as OSV's Go database writes them. Module versions are semver with a `v`
 * (`v1.2.3`, `v0.0.0-20210101000000-abcdef123456`, `v2.0.0+incompatible`); OSV drops the `v`.
 * The toolchain (component `stdlib`) is installed as a Go release tag (`go1.22.3`, `go1.21rc2`,
 * `go1.20`), which the Go vulnerability database turns into semver: `1.22.3`, `1.21.0-rc.2`,
 * `1.20.0` (golang.org/x/vuln's GoTagToSemver does the same).
 */
const TAG = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(beta|rc)(\d+)|-([0-9A-Za-z.-]+))?$/;

/**
 * `go1.21rc2` → `1.21.0-rc.2`; a vendor build's suffix (`go1.25-20250209-RC00`) becomes a
 * prerelease of that release (`1.25.0-20250209-RC00`: after 1.24.x, before 1.25.0); undefined when
 * `tag` is not a Go release tag.
 */
export function goTagToSemver(tag: string): string | undefined {
  const m = TAG.exec(tag);
  if (!m) return undefined;
  const [, major, minor = '0', patch = '0', pre, n, suffix] = m;
  return `${major}.${minor}.${patch}${pre ? `-${pre}.${n}` : suffix ? `-${suffix}` : ''}`;
}

/** The version OSV's Go database uses for an installed module or toolchain version. */
export function goOsvVersion(version: string): string {
  if (version.startsWith('go')) return goTagToSemver(version) ?? version;
  return version.startsWith('v') ? version.slice(1) : version;
}
