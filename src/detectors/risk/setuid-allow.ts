/**
 * The setuid/setgid programs distributions ship themselves (Debian/Ubuntu, Alpine, RHEL/Fedora,
 * SUSE): a program of one of these names, in a system program directory, is the distribution's own.
 * Anything else carrying the bit was added by the image's build. Busybox is deliberately absent:
 * no distribution installs it setuid (Alpine uses the separate `bbsuid`), and a setuid busybox makes
 * every applet (sh included) a root shell candidate.
 */

const NAMES = [
  // shadow / util-linux / login
  'su',
  'passwd',
  'chsh',
  'chfn',
  'newgrp',
  'sg',
  'gpasswd',
  'chage',
  'expiry',
  'mount',
  'umount',
  'newuidmap',
  'newgidmap',
  'unix_chkpwd',
  'unix2_chkpwd',
  'pam_extrausers_chkpwd',
  'pam-extrausers-chkpwd',
  'pam_timestamp_check',
  'wall',
  'write',
  'bsd-write',
  'write.ul',
  'login',
  // sudo & friends
  'sudo',
  'sudoedit',
  'doas',
  'pkexec',
  'polkit-agent-helper-1',
  'userhelper',
  'usernetctl',
  // networking
  'ping',
  'ping6',
  'traceroute6.iputils',
  'arping',
  'mount.nfs',
  'mount.cifs',
  'mount.smb3',
  'umount.nfs',
  'pppd',
  // openssh / dbus / fuse / X
  'ssh-keysign',
  'ssh-agent',
  'dbus-daemon-launch-helper',
  'fusermount',
  'fusermount3',
  'ntfs-3g',
  'Xorg.wrap',
  'Xorg',
  // cron, at, mail, locate, terminals
  'crontab',
  'at',
  'batch',
  'atq',
  'atrm',
  'dotlockfile',
  'mail-lock',
  'mail-unlock',
  'mail-touchlock',
  'lockfile',
  'procmail',
  'postdrop',
  'postqueue',
  'exim4',
  'sendmail',
  'locate',
  'mlocate',
  'plocate',
  'screen',
  'utempter',
  'pt_chown',
  'bbsuid',
  'staprun',
  'dmcrypt-get-device',
  'snap-confine',
  'chrome-sandbox',
  'bwrap',
  'suexec',
  'ksu',
  'vmware-user-suid-wrapper',
  'grub2-set-bootflag',
  'lockdev',
  'qemu-bridge-helper',
  'spice-client-glib-usb-acl-helper',
  'mount.ecryptfs_private',
  'cockpit-session',
  'X',
];

const ALLOWED = new Set(NAMES);

/** Directories distributions put programs in; `usr/lib*` and `usr/libexec` are matched at any depth. */
const BIN_DIRS = new Set(['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/games']);
const LIB_ROOTS = ['usr/lib/', 'usr/lib64/', 'usr/libexec/', 'lib/', 'lib64/'];

/** Whether a setuid/setgid file at `path` is one the distribution itself installs. */
export function distributionSetuid(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  if (!ALLOWED.has(name)) return false;
  const dir = slash < 0 ? '' : path.slice(0, slash);
  return BIN_DIRS.has(dir) || LIB_ROOTS.some((r) => path.startsWith(r));
}
