import type { OsInfo } from '../../core/os.js';
import { excerpt, parseOsRelease } from './os-release.js';

/** The os-release files, in os-release(5) precedence: `/etc` overrides `/usr/lib`. */
export const OS_RELEASE_FILES = ['etc/os-release', 'usr/lib/os-release'] as const;

/**
 * Older or distribution-specific release files, in the order `resolveOs` trusts them when there is no
 * os-release: a distribution's own file before the generic ones it may also carry (Oracle Linux and
 * CentOS ship a `redhat-release` that names RHEL; Ubuntu ships a `debian_version` like `bookworm/sid`).
 */
export const RELEASE_FILES = [
  'etc/alpine-release',
  'etc/centos-release',
  'etc/rocky-release',
  'etc/almalinux-release',
  'etc/oracle-release',
  'etc/fedora-release',
  'etc/redhat-release',
  'etc/system-release',
  'etc/SuSE-release',
  'etc/lsb-release',
  'etc/debian_version',
] as const;

export const OS_FILES: readonly string[] = [...OS_RELEASE_FILES, ...RELEASE_FILES];

export interface OsFileResult {
  os?: OsInfo;
  problems: string[];
}

/** What one OS identification file at `path` (one of `OS_FILES`) says; never throws. */
export function readOsFile(path: string, text: string): OsFileResult {
  switch (path) {
    case 'etc/os-release':
    case 'usr/lib/os-release':
      return fromOsRelease(path, text);
    case 'etc/lsb-release':
      return fromLsbRelease(path, text);
    case 'etc/alpine-release':
      return fromVersionLine(path, text, 'alpine', /^[0-9][0-9A-Za-z._+~-]*$/);
    case 'etc/debian_version':
      return fromVersionLine(path, text, 'debian', /^[0-9A-Za-z][0-9A-Za-z._+~/-]*$/);
    case 'etc/SuSE-release':
      return fromSuseRelease(path, text);
    default:
      return fromRedHatStyle(path, text);
  }
}

/** `VERSION="16.04.7 LTS (Xenial Xerus)"` → `16.04.7` when it extends `VERSION_ID` (`16.04`). */
const VERSION_HEAD = /^([0-9][0-9A-Za-z._+~-]*)/;
/** `VERSION="Debian GNU/Linux 11 (bullseye)"` → `bullseye` (one lower-case word only: not `(Core)`). */
const VERSION_CODENAME_IN_PARENS = /\(([a-z]+)\)\s*$/;

function fromOsRelease(source: string, text: string): OsFileResult {
  const { values, problems } = parseOsRelease(text);
  const id = values.get('ID')?.toLowerCase();
  if (!id) return { problems: [...problems, 'no ID field: the distribution is not named'] };

  let version = values.get('VERSION_ID') ?? '';
  const longer = VERSION_HEAD.exec(values.get('VERSION') ?? '')?.[1];
  if (longer && refinesVersion(version, longer)) version = longer;

  const os: OsInfo = { id, version, source };
  const codename =
    values.get('VERSION_CODENAME') ||
    values.get('UBUNTU_CODENAME') ||
    VERSION_CODENAME_IN_PARENS.exec(values.get('VERSION') ?? '')?.[1];
  if (codename) os.codename = codename;
  const prettyName = values.get('PRETTY_NAME');
  if (prettyName) os.prettyName = prettyName;
  if (
    /^distroless\b/i.test(prettyName ?? '') ||
    /GoogleContainerTools\/distroless/i.test(values.get('HOME_URL') ?? '')
  ) {
    os.distroless = true;
  }
  return { os, problems };
}

function fromLsbRelease(source: string, text: string): OsFileResult {
  const { values, problems } = parseOsRelease(text);
  const id = values.get('DISTRIB_ID')?.toLowerCase().replace(/\s+/g, '');
  if (!id) return { problems: [...problems, 'no DISTRIB_ID field: the distribution is not named'] };
  const os: OsInfo = { id, version: values.get('DISTRIB_RELEASE') ?? '', source };
  const codename = values.get('DISTRIB_CODENAME');
  if (codename) os.codename = codename;
  const prettyName = values.get('DISTRIB_DESCRIPTION');
  if (prettyName) os.prettyName = prettyName;
  return { os, problems };
}

/** `etc/alpine-release` (`3.19.1`), `etc/debian_version` (`12.5`, or `trixie/sid` on testing). */
function fromVersionLine(source: string, text: string, id: string, valid: RegExp): OsFileResult {
  const line = firstLine(text);
  if (!valid.test(line)) return { problems: [`not a version: ${excerpt(line)}`] };
  return { os: { id, version: line, source }, problems: [] };
}

/**
 * `<Name> release <version> [(<codename>)]`, as in `CentOS Linux release 8.4.2105` or
 * `Red Hat Enterprise Linux release 9.4 (Plow)`. The id comes from the text, so a `redhat-release`
 * written by CentOS says `centos`; the file name is the fallback for an unknown name.
 */
const RED_HAT_STYLE = /^(.*?)\s+release\s+([0-9][^\s()]*)/i;
const NAME_IDS: [RegExp, string][] = [
  [/^red hat enterprise linux/i, 'rhel'],
  [/^centos/i, 'centos'],
  [/^rocky/i, 'rocky'],
  [/^almalinux/i, 'almalinux'],
  [/^oracle linux/i, 'ol'],
  [/^fedora/i, 'fedora'],
  [/^amazon linux/i, 'amzn'],
  [/^scientific linux/i, 'scientific'],
];
const FILE_IDS: Record<string, string> = {
  'etc/centos-release': 'centos',
  'etc/rocky-release': 'rocky',
  'etc/almalinux-release': 'almalinux',
  'etc/oracle-release': 'ol',
  'etc/fedora-release': 'fedora',
};

function fromRedHatStyle(source: string, text: string): OsFileResult {
  const line = firstLine(text);
  const m = RED_HAT_STYLE.exec(line);
  if (!m) return { problems: [`not a "<name> release <version>" line: ${excerpt(line)}`] };
  const name = m[1]!.trim();
  const id = NAME_IDS.find(([re]) => re.test(name))?.[1] ?? FILE_IDS[source];
  if (!id) return { problems: [`unknown distribution ${excerpt(name)}`] };
  return { os: { id, version: m[2]!, prettyName: line, source }, problems: [] };
}

/**
 * SUSE before os-release (SLES 11, openSUSE 13): `SUSE Linux Enterprise Server 11 (x86_64)` then
 * `VERSION = 11` and `PATCHLEVEL = 4`; the version is written as os-release writes it (`11.4`).
 */
const SUSE_IDS: [RegExp, string][] = [
  [/^suse linux enterprise server/i, 'sles'],
  [/^suse linux enterprise desktop/i, 'sled'],
  [/^opensuse/i, 'opensuse'],
];

function fromSuseRelease(source: string, text: string): OsFileResult {
  const lines = text.split('\n').map((l) => l.trim());
  const name = lines[0] ?? '';
  const id = SUSE_IDS.find(([re]) => re.test(name))?.[1];
  if (!id) return { problems: [`unknown distribution ${excerpt(name)}`] };
  const field = (key: string) => {
    for (const l of lines) {
      const m = /^([A-Z_]+)\s*=\s*(.*)$/.exec(l);
      if (m?.[1] === key) return m[2]!.trim();
    }
    return undefined;
  };
  const major = field('VERSION');
  if (!major || !/^[0-9][0-9.]*$/.test(major)) return { problems: [`no VERSION line in ${excerpt(name)}`] };
  const patch = field('PATCHLEVEL');
  const os: OsInfo = {
    id,
    version: patch && patch !== '0' && /^[0-9]+$/.test(patch) ? `${major}.${patch}` : major,
    prettyName: name,
    source,
  };
  const codename = field('CODENAME');
  if (codename) os.codename = codename;
  return { os, problems: [] };
}

/** True when `candidate` says more than `current`: `12` → `12.5`, `8` → `8.4.2105`, `` → anything. */
export function refinesVersion(current: string, candidate: string): boolean {
  if (candidate === '' || candidate === current) return false;
  return current === '' || candidate.startsWith(`${current}.`);
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).trim();
}
