import { describe, expect, it } from 'vitest';
import type { FileFindings, FileInfo } from '../../core/analyzer.js';
import { riskFileAnalyzer } from './file-analyzer.js';
import { enablingLink, starterKind } from './remote-daemons.js';
import { distributionSetuid } from './setuid-allow.js';

function info(path: string, mode: number, size = 10, extra: Partial<FileInfo> = {}): FileInfo {
  return { path, mode, size, uid: 0, gid: 0, ...extra };
}

function run(path: string, mode: number, body = '', extra: Partial<FileInfo> = {}): FileFindings | undefined {
  const content = Buffer.from(body);
  const i = info(path, mode, extra.directory ? 0 : Math.max(1, content.length), extra);
  if (!riskFileAnalyzer.wants(i)) return { problems: ['not wanted'] };
  return riskFileAnalyzer.analyze({ info: i, content }, { layer: 'sha256:x' }) as FileFindings | undefined;
}

const rules = (f: FileFindings | undefined) =>
  (f?.risks ?? []).map((r) => [r.rule, r.type, r.behavior, r.level, r.path]);

describe('risk-files analyzer', () => {
  it('allows the distributions own setuid programs and reports others', () => {
    for (const p of [
      'usr/bin/su',
      'usr/bin/passwd',
      'bin/mount',
      'usr/sbin/unix_chkpwd',
      'usr/lib/openssh/ssh-keysign',
      'usr/lib/dbus-1.0/dbus-daemon-launch-helper',
      'usr/libexec/polkit-agent-helper-1',
      'bin/bbsuid',
    ])
      expect(distributionSetuid(p), p).toBe(true);
    for (const p of ['app/su', 'usr/local/bin/sudo', 'bin/busybox', 'usr/bin/find', 'opt/tool/helper'])
      expect(distributionSetuid(p), p).toBe(false);
    expect(run('usr/bin/su', 0o4755, 'ELF')).toBeUndefined();
    expect(rules(run('usr/local/bin/helper', 0o4755, 'ELF'))).toEqual([
      ['fs.setuid-added', 1, 4, 3, 'usr/local/bin/helper'],
    ]);
    const sgid = run('usr/bin/find', 0o2755, 'ELF');
    expect(rules(sgid)).toEqual([['fs.setuid-added', 1, 4, 3, 'usr/bin/find']]);
    expect(sgid!.risks![0]!.desc).toContain('setgid (mode 2755');
    expect(sgid!.risks![0]!.solution).toContain('chmod u-s,g-s /usr/bin/find');
    // setgid without group-execute is mandatory locking, not a privilege
    expect(run('srv/lockfile', 0o2644, 'x')).toBeUndefined();
  });

  it('tracks executables and etc/ files so a later layer can clear a finding', () => {
    expect(riskFileAnalyzer.wants(info('usr/local/bin/helper', 0o755))).toBe(true);
    expect(run('usr/local/bin/helper', 0o755, 'ELF')).toBeUndefined();
    expect(riskFileAnalyzer.wants(info('etc/hosts', 0o644))).toBe(true);
    expect(riskFileAnalyzer.wants(info('usr/share/doc/x/README', 0o644))).toBe(false);
    // the probe link resolution makes (size 0, mode 0777) is declined
    expect(riskFileAnalyzer.wants(info('usr/bin/x', 0o777, 0))).toBe(false);
  });

  it('reports world-writable directories without the sticky bit, and system files', () => {
    const dir = { directory: true as const };
    expect(rules(run('srv/data', 0o777, '', dir))).toEqual([['fs.world-writable-dir', 1, 4, 2, 'srv/data']]);
    expect(rules(run('tmp', 0o777, '', dir))).toEqual([['fs.world-writable-dir', 1, 4, 2, 'tmp']]);
    expect(run('tmp', 0o1777, '', dir)).toBeUndefined();
    expect(run('var/tmp', 0o1777, '', dir)).toBeUndefined();
    expect(run('usr/lib', 0o755, '', dir)).toBeUndefined();
    expect(run('dev/shm', 0o777, '', dir)).toBeUndefined();
    expect(rules(run('etc/app.conf', 0o666, 'x=1'))).toEqual([
      ['fs.world-writable-file', 1, 4, 2, 'etc/app.conf'],
    ]);
    expect(rules(run('usr/local/bin/run.sh', 0o777, '#!/bin/sh'))).toEqual([
      ['fs.world-writable-file', 1, 4, 2, 'usr/local/bin/run.sh'],
    ]);
    expect(run('home/app/notes.txt', 0o666, 'x')).toEqual({ problems: ['not wanted'] });
  });

  it('reports baked-in SSH host keys and authorized_keys without their content', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----\n';
    const hk = run('etc/ssh/ssh_host_ed25519_key', 0o600, key);
    expect(rules(hk)).toEqual([['fs.ssh-host-key', 1, 4, 3, 'etc/ssh/ssh_host_ed25519_key']]);
    expect(JSON.stringify(hk)).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmU');
    expect(run('etc/ssh/ssh_host_ed25519_key.pub', 0o644, 'ssh-ed25519 AAAA')).toBeUndefined();
    const ak = run(
      'root/.ssh/authorized_keys',
      0o600,
      '# deploy\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0ZXN0a2V5 deploy@ci\n',
    );
    expect(rules(ak)).toEqual([['fs.ssh-authorized-keys', 1, 2, 3, 'root/.ssh/authorized_keys']]);
    expect(ak!.risks![0]!.instruction).toBe(
      'root/.ssh/authorized_keys:2: ssh-ed25519 AAAAC3NzaC1l… deploy@ci',
    );
    expect(run('home/app/.ssh/authorized_keys', 0o600, '# nothing\n\n')).toBeUndefined();
  });

  it('reports package manager and TLS checks disabled in configuration', () => {
    const cases: [string, string, string | undefined][] = [
      [
        'etc/apt/apt.conf.d/99insecure',
        'APT::Get::AllowUnauthenticated "true";\n',
        'fs.package-signature-disabled',
      ],
      [
        'etc/apt/apt.conf.d/99x',
        'Acquire::AllowInsecureRepositories "1";\n',
        'fs.package-signature-disabled',
      ],
      ['etc/apt/apt.conf.d/99y', 'Acquire::https::Verify-Peer "false";\n', 'fs.tls-verification-disabled'],
      [
        'etc/apt/apt.conf.d/70debconf',
        '// APT::Get::AllowUnauthenticated "true";\nDPkg::Pre-Install-Pkgs {"/usr/sbin/dpkg-preconfigure --apt || true";};\n',
        undefined,
      ],
      [
        'etc/apt/sources.list.d/local.list',
        'deb [trusted=yes] http://repo.example/ ./\n',
        'fs.package-signature-disabled',
      ],
      ['etc/apt/sources.list', 'deb http://deb.debian.org/debian bookworm main\n', undefined],
      [
        'etc/apt/sources.list.d/x.sources',
        'Types: deb\nURIs: http://r.example\nTrusted: yes\n',
        'fs.package-signature-disabled',
      ],
      [
        'etc/yum.repos.d/x.repo',
        '[x]\nbaseurl=http://r\ngpgcheck=0\nrepo_gpgcheck=0\n',
        'fs.package-signature-disabled',
      ],
      ['etc/yum.repos.d/ok.repo', '[x]\nbaseurl=https://r\ngpgcheck=1\nrepo_gpgcheck=0\n', undefined],
      ['etc/dnf/dnf.conf', '[main]\ngpgcheck=False\n', 'fs.package-signature-disabled'],
      ['etc/pip.conf', '[global]\ntrusted-host = pypi.example\n', 'fs.tls-verification-disabled'],
      ['root/.npmrc', 'registry=https://r.example/\nstrict-ssl=false\n', 'fs.tls-verification-disabled'],
      ['home/app/.npmrc', 'strict-ssl=true\n', undefined],
    ];
    for (const [path, body, rule] of cases) {
      const f = run(path, 0o644, body);
      expect(
        (f?.risks ?? []).map((r) => r.rule),
        path,
      ).toEqual(rule ? [rule] : []);
      if (rule)
        expect(f!.risks![0]!.instruction, path).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}:\\d+: `));
    }
  });

  it('reports files that start remote-access daemons', () => {
    const sv = run(
      'etc/supervisor/conf.d/sshd.conf',
      0o644,
      '[program:sshd]\ncommand=/usr/sbin/sshd -D\nautorestart=true\n',
    );
    expect(rules(sv)).toEqual([['service.ssh-enabled', 1, 2, 2, 'etc/supervisor/conf.d/sshd.conf']]);
    expect(sv!.risks![0]!.instruction).toBe('etc/supervisor/conf.d/sshd.conf:2: command=/usr/sbin/sshd -D');
    expect(
      rules(run('etc/services.d/vnc/run', 0o755, '#!/usr/bin/with-contenv sh\nexec x11vnc -forever\n')),
    ).toEqual([['service.vnc-enabled', 1, 2, 2, 'etc/services.d/vnc/run']]);
    expect(
      rules(run('etc/inetd.conf', 0o644, 'telnet stream tcp nowait root /usr/sbin/in.telnetd in.telnetd\n')),
    ).toEqual([['service.telnet-enabled', 1, 2, 3, 'etc/inetd.conf']]);
    expect(
      run('etc/inetd.conf', 0o644, '#telnet stream tcp nowait root /usr/sbin/in.telnetd\n'),
    ).toBeUndefined();
    expect(
      run(
        'etc/xinetd.d/telnet',
        0o644,
        'service telnet\n{\n server = /usr/sbin/in.telnetd\n disable = yes\n}\n',
      ),
    ).toBeUndefined();
    expect(
      run('etc/supervisor/conf.d/app.conf', 0o644, '[program:app]\ncommand=/app/server --no-sshd-needed\n'),
    ).toBeUndefined();
  });

  it('knows service manager links and starters', () => {
    expect(enablingLink('etc/systemd/system/multi-user.target.wants/ssh.service')?.id).toBe('ssh');
    expect(enablingLink('etc/systemd/system/sockets.target.wants/ssh.socket')?.id).toBe('ssh');
    expect(enablingLink('etc/rc2.d/S01ssh')?.id).toBe('ssh');
    expect(enablingLink('etc/rc2.d/K01ssh')).toBeUndefined();
    expect(enablingLink('etc/service/sshd')?.id).toBe('ssh');
    expect(enablingLink('etc/systemd/system/multi-user.target.wants/xrdp.service')?.id).toBe('rdp');
    expect(enablingLink('etc/systemd/system/sshd.service')).toBeUndefined();
    expect(enablingLink('etc/systemd/system/multi-user.target.wants/cron.service')).toBeUndefined();
    expect(starterKind('etc/supervisord.conf')).toBe('supervisord');
    expect(starterKind('etc/sv/ssh/run')).toBeUndefined();
  });

  it('returns problems, never throws, and stays fast on hostile content', () => {
    const big = Buffer.alloc(8 * 2 ** 20, 'a');
    for (const path of [
      'etc/apt/apt.conf.d/x',
      'etc/supervisord.conf',
      'root/.ssh/authorized_keys',
      'etc/yum.repos.d/a.repo',
    ]) {
      const t = performance.now();
      const i = info(path, 0o644, big.length);
      riskFileAnalyzer.analyze({ info: i, content: big }, { layer: 'x' });
      const lines = Buffer.from('gpgcheck =     \n'.repeat(200_000));
      riskFileAnalyzer.analyze({ info: { ...i, size: lines.length }, content: lines }, { layer: 'x' });
      expect(performance.now() - t, path).toBeLessThan(1500);
    }
    expect(run('etc/pip.conf', 0o644, '\0\0binary trusted-host=x')).toBeUndefined();
  });
});
