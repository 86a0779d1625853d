/** Operating system identity as read from os-release and its fallbacks. */
export interface OsInfo {
  /** os-release ID (`debian`, `alpine`, `centos`, `rhel`, `rocky`, `almalinux`, `ol`, `ubuntu`, …) */
  id: string;
  /** full version: `12.5`, `3.19.1`, `8.4.2105`; empty when unknown */
  version: string;
  /** VERSION_CODENAME when recorded */
  codename?: string;
  prettyName?: string;
  /** the file the answer came from */
  source: string;
  /** true for Google distroless images (Debian base without a package manager) */
  distroless?: boolean;
}

/** `<id>:<full version>` as DESIGN §3 defines OsName; `<id>` alone when the version is unknown. */
export function osName(os: OsInfo | undefined): string {
  if (!os) return '';
  return os.version ? `${os.id}:${os.version}` : os.id;
}
