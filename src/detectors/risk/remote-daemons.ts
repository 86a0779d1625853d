/**
 * Remote-access daemons (SSH, Telnet, VNC, RDP) and the signs that an image starts them: service
 * manager links (systemd `*.wants/`, SysV `rcN.d/S*`, runit service dirs) in the final filesystem,
 * and regular files that start them (supervisord programs, s6/runit `run` scripts, inetd lines).
 */
import type { FindingLevel } from '../../core/finding.js';

export interface RemoteDaemon {
  /** rule suffix: `service.<id>-enabled` */
  id: 'ssh' | 'telnet' | 'vnc' | 'rdp';
  service: string;
  level: FindingLevel;
  /** where the daemon's program lives when installed */
  binaries: string[];
  /** a systemd unit file name (in a `.wants/` dir) that starts it */
  unit: RegExp;
  /** a SysV/runit/s6 service name that starts it */
  name: RegExp;
  /** the daemon's program named in a command line */
  word: RegExp;
}

export const REMOTE_DAEMONS: RemoteDaemon[] = [
  {
    id: 'ssh',
    service: 'SSH server',
    level: 2,
    binaries: ['usr/sbin/sshd', 'sbin/sshd', 'usr/sbin/dropbear', 'usr/bin/dropbear'],
    unit: /^(?:ssh|sshd|dropbear)(?:@[^/]*)?\.(?:service|socket)$/,
    name: /^(?:ssh|sshd|openssh|openssh-server|dropbear)$/,
    word: /(?:^|[\s/"'=])(?:sshd|dropbear)(?:$|[\s"',;])/,
  },
  {
    id: 'telnet',
    service: 'Telnet server',
    level: 3,
    binaries: ['usr/sbin/in.telnetd', 'usr/sbin/telnetd', 'usr/sbin/utelnetd', 'usr/libexec/telnetd'],
    unit: /^telnet(?:d)?(?:@[^/]*)?\.(?:service|socket)$/,
    name: /^(?:telnetd?|inetutils-telnetd|utelnetd)$/,
    word: /(?:^|[\s/"'=])(?:in\.telnetd|telnetd|utelnetd)(?:$|[\s"',;])/,
  },
  {
    id: 'vnc',
    service: 'VNC server',
    level: 2,
    binaries: [
      'usr/bin/Xvnc',
      'usr/bin/Xtigervnc',
      'usr/bin/x11vnc',
      'usr/bin/vncserver',
      'usr/bin/tigervncserver',
      'usr/bin/x0vncserver',
      'usr/sbin/vncserver-x11-serviced',
    ],
    unit: /^(?:vncserver|x11vnc|tigervnc|tigervncserver|vncserver-x11-serviced)(?:@[^/]*)?\.(?:service|socket)$/,
    name: /^(?:vncserver|x11vnc|tigervnc|tightvncserver|xvnc)$/i,
    word: /(?:^|[\s/"'=])(?:x11vnc|Xvnc|Xtigervnc|vncserver|tigervncserver|x0vncserver)(?:$|[\s"',;])/,
  },
  {
    id: 'rdp',
    service: 'RDP server (xrdp)',
    level: 2,
    binaries: ['usr/sbin/xrdp', 'usr/sbin/xrdp-sesman'],
    unit: /^xrdp(?:-sesman)?\.service$/,
    name: /^xrdp(?:-sesman)?$/,
    word: /(?:^|[\s/"'=])xrdp(?:-sesman)?(?:$|[\s"',;])/,
  },
];

export const DAEMON_BINARIES = new Set(REMOTE_DAEMONS.flatMap((d) => d.binaries));

const SYSTEMD_WANTS = /^(?:etc|usr\/lib|lib)\/systemd\/(?:system|user)\/[^/]+\.wants\/([^/]+)$/;
const SYSV_START = /^etc\/rc[2-5]\.d\/S\d\d([^/]+)$/;
const RUNIT_LINK = /^(?:etc\/service|var\/service|etc\/runit\/runsvdir\/default)\/([^/]+)$/;

/** The daemon a symbolic link at `path` starts, if it is a service manager's enabling link. */
export function enablingLink(path: string): RemoteDaemon | undefined {
  let m = SYSTEMD_WANTS.exec(path);
  if (m) return REMOTE_DAEMONS.find((d) => d.unit.test(m![1]!));
  m = SYSV_START.exec(path) ?? RUNIT_LINK.exec(path);
  if (m) return REMOTE_DAEMONS.find((d) => d.name.test(m![1]!));
  return undefined;
}

/** How a regular file at `path` would start programs, if it is a service definition we read. */
export type StarterKind = 'supervisord' | 'run-script' | 'inetd' | 'xinetd';

export function starterKind(path: string): StarterKind | undefined {
  if (
    path === 'etc/supervisord.conf' ||
    path === 'etc/supervisor/supervisord.conf' ||
    /^etc\/(?:supervisor\/conf\.d|supervisord\.d)\/[^/]+$/.test(path)
  )
    return 'supervisord';
  if (
    /^(?:etc\/service|var\/service|etc\/services\.d|etc\/runit\/runsvdir\/default|etc\/s6-overlay\/s6-rc\.d)\/[^/]+\/run$/.test(
      path,
    )
  )
    return 'run-script';
  if (path === 'etc/inetd.conf') return 'inetd';
  if (/^etc\/xinetd\.d\/[^/]+$/.test(path)) return 'xinetd';
  return undefined;
}

/** The daemons a service definition starts, each with the line that starts it. */
export function startedDaemons(
  kind: StarterKind,
  lines: string[],
): { daemon: RemoteDaemon; line: number; text: string }[] {
  const out: { daemon: RemoteDaemon; line: number; text: string }[] = [];
  const disabled = kind === 'xinetd' && lines.some((l) => /^\s*disable\s*=\s*yes\b/i.test(l));
  if (disabled) return out;
  for (const [i, raw] of lines.entries()) {
    const l = raw.trim();
    if (l === '' || l.startsWith('#') || l.startsWith(';')) continue;
    if (kind === 'supervisord' && !/^command\s*=/.test(l)) continue;
    if (kind === 'xinetd' && !/^server(?:_args)?\s*=/.test(l)) continue;
    for (const d of REMOTE_DAEMONS) {
      if (d.word.test(` ${l} `) && !out.some((o) => o.daemon === d))
        out.push({ daemon: d, line: i + 1, text: l });
    }
  }
  return out;
}
