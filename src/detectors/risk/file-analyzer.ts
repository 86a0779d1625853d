/**
 * High-risk files and modes (risk Type 1): setuid/setgid programs the distribution does not ship,
 * world-writable directories without the sticky bit and world-writable system files, baked-in SSH
 * host keys and authorized_keys, services that start remote-access daemons, and package manager or
 * TLS checks disabled in configuration.
 *
 * Besides the files it reports on, the analyzer also looks at every directory, every executable
 * and every file under etc/: a later layer that fixes a mode (`chmod u-s`, `chmod o-w`) re-writes
 * the entry, and the fixed version must replace the earlier finding in the final filesystem.
 */
import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import type { FindingLevel, RiskBehavior, RiskFinding } from '../../core/finding.js';
import { instructionText } from './instruction-text.js';
import { DAEMON_BINARIES, startedDaemons, starterKind } from './remote-daemons.js';
import { distributionSetuid } from './setuid-allow.js';

export const RISK_FILES_ANALYZER = 'risk-files';

/** Executables over this size are not read just to track mode changes. */
const TRACK_MAX = 64 * 2 ** 20;
/** Text read from a configuration file (the rest is ignored) and lines examined. */
const TEXT_MAX = 1024 * 1024;
const LINES_MAX = 20_000;

const NO_DIR_CHECK = new Set(['proc', 'sys', 'dev']);
const SSH_HOST_KEY = /^etc\/ssh\/ssh_host_[a-z0-9]{1,16}_key$/;

function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

type ConfigKind = 'apt-conf' | 'apt-list' | 'apt-sources' | 'yum' | 'pip' | 'npm';

function configKind(path: string): ConfigKind | undefined {
  if (path === 'etc/apt/apt.conf' || path.startsWith('etc/apt/apt.conf.d/')) return 'apt-conf';
  if (path === 'etc/apt/sources.list' || /^etc\/apt\/sources\.list\.d\/[^/]+\.list$/.test(path))
    return 'apt-list';
  if (/^etc\/apt\/sources\.list\.d\/[^/]+\.sources$/.test(path)) return 'apt-sources';
  if (
    /^etc\/(?:yum\.repos\.d|zypp\/repos\.d)\/[^/]+\.repo$/.test(path) ||
    path === 'etc/yum.conf' ||
    path === 'etc/dnf/dnf.conf'
  )
    return 'yum';
  const b = baseOf(path);
  if (b === 'pip.conf' || b === 'pip.ini') return 'pip';
  if (b === '.npmrc' || b === '.yarnrc' || path === 'etc/npmrc' || path.endsWith('/npm/npmrc')) return 'npm';
  return undefined;
}

function isAuthorizedKeys(path: string): boolean {
  const b = baseOf(path);
  return b === 'authorized_keys' || b === 'authorized_keys2';
}

function setuidBits(mode: number): string[] {
  const bits: string[] = [];
  if (mode & 0o4000 && mode & 0o111) bits.push('setuid');
  if (mode & 0o2000 && mode & 0o010) bits.push('setgid');
  return bits;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function finding(
  behavior: RiskBehavior,
  level: FindingLevel,
  rule: string,
  path: string,
  desc: string,
  instruction: string,
  solution: string,
): RiskFinding {
  return { type: 1, behavior, level, rule, desc, instruction, solution, path };
}

function textLines(content: Buffer): string[] | undefined {
  const head = content.subarray(0, TEXT_MAX);
  if (head.subarray(0, 8192).includes(0)) return undefined;
  return head.toString('utf8').split('\n', LINES_MAX);
}

interface ConfigRule {
  rule: 'fs.package-signature-disabled' | 'fs.tls-verification-disabled';
  level: FindingLevel;
  test: RegExp;
  what: string;
}

const CONFIG_RULES: Record<ConfigKind, ConfigRule[]> = {
  'apt-conf': [
    {
      rule: 'fs.package-signature-disabled',
      level: 3,
      test: /allowunauthenticated"?\s{0,8}"?(?:true|yes|1|on)\b/,
      what: 'APT installs unauthenticated packages',
    },
    {
      rule: 'fs.package-signature-disabled',
      level: 3,
      test: /allow(?:downgradeto)?insecurerepositories"?\s{0,8}"?(?:true|yes|1|on)\b/,
      what: 'APT accepts unsigned repositories',
    },
    {
      rule: 'fs.tls-verification-disabled',
      level: 2,
      test: /verify-(?:peer|host)"?\s{0,8}"?(?:false|no|0|off)\b/,
      what: 'APT does not verify HTTPS certificates',
    },
  ],
  'apt-list': [
    {
      rule: 'fs.package-signature-disabled',
      level: 3,
      test: /^deb(?:-src)?\s{1,8}\[[^\]]{0,512}\btrusted=yes\b/,
      what: 'an APT source is marked trusted=yes (no signature check)',
    },
  ],
  'apt-sources': [
    {
      rule: 'fs.package-signature-disabled',
      level: 3,
      test: /^trusted:\s{0,8}yes\b/,
      what: 'an APT source is marked Trusted: yes (no signature check)',
    },
  ],
  yum: [
    {
      rule: 'fs.package-signature-disabled',
      level: 3,
      test: /^gpgcheck\s{0,8}=\s{0,8}(?:0|false|no|off)\b/,
      what: 'a YUM/DNF/zypper repository has gpgcheck=0 (no signature check)',
    },
    {
      rule: 'fs.tls-verification-disabled',
      level: 2,
      test: /^sslverify\s{0,8}=\s{0,8}(?:0|false|no|off)\b/,
      what: 'a YUM/DNF/zypper repository does not verify HTTPS certificates',
    },
  ],
  pip: [
    {
      rule: 'fs.tls-verification-disabled',
      level: 2,
      test: /^trusted-host\s{0,8}[=:]/,
      what: 'pip trusts hosts without verifying their HTTPS certificates',
    },
  ],
  npm: [
    {
      rule: 'fs.tls-verification-disabled',
      level: 2,
      test: /^"?strict-ssl"?\s{0,8}[=\s]\s{0,8}"?false\b/,
      what: 'npm/yarn do not verify registry HTTPS certificates (strict-ssl false)',
    },
  ],
};

const CONFIG_SOLUTION: Record<ConfigRule['rule'], string> = {
  'fs.package-signature-disabled':
    'Delete the setting (or the file) in the Dockerfile step that writes it, and install the repository signing key instead (`signed-by=` keyring for APT, `gpgcheck=1` with `gpgkey=` for YUM/DNF).',
  'fs.tls-verification-disabled':
    'Delete the setting in the Dockerfile step that writes it and install the CA certificate the server needs (`ca-certificates`, `update-ca-certificates`, `cafile=`).',
};

function configRisks(path: string, kind: ConfigKind, lines: string[]): RiskFinding[] {
  const out: RiskFinding[] = [];
  const done = new Set<string>();
  for (const [i, raw] of lines.entries()) {
    const l = raw.trim().toLowerCase();
    if (l === '' || l.startsWith('#') || l.startsWith('//') || l.startsWith(';')) continue;
    for (const r of CONFIG_RULES[kind]) {
      if (done.has(r.rule) || !r.test.test(l)) continue;
      done.add(r.rule);
      out.push(
        finding(
          4,
          r.level,
          r.rule,
          path,
          `${path}: ${r.what}, so a mirror or anyone on the network path can substitute what is installed.`,
          instructionText(`${path}:${i + 1}: ${raw.trim()}`),
          CONFIG_SOLUTION[r.rule],
        ),
      );
    }
  }
  return out;
}

function authorizedKeys(path: string, lines: string[]): RiskFinding[] {
  const keys = lines
    .map((l, i) => ({ l: l.trim(), n: i + 1 }))
    .filter(({ l }) => l !== '' && !l.startsWith('#'));
  if (keys.length === 0) return [];
  const first = keys[0]!;
  const parts = first.l.split(/\s+/);
  const at = parts.findIndex((p) => /^(?:ssh-|ecdsa-|sk-)/.test(p));
  const shown =
    at >= 0
      ? [parts[at], `${(parts[at + 1] ?? '').slice(0, 12)}…`, ...parts.slice(at + 2, at + 3)].join(' ')
      : `${first.l.slice(0, 24)}…`;
  return [
    finding(
      2,
      3,
      'fs.ssh-authorized-keys',
      path,
      `${path} holds ${keys.length} SSH public key(s) allowed to log in: a login baked into every container started from the image.`,
      instructionText(`${path}:${first.n}: ${shown}`),
      `Remove ${path} in the Dockerfile step that adds it (or do not COPY it); give access at deploy time (a mounted secret, or \`kubectl exec\`) instead of a key in the image.`,
    ),
  ];
}

function directoryRisks(info: FileInfo): RiskFinding[] {
  const top = info.path.split('/', 1)[0]!;
  if (NO_DIR_CHECK.has(top) || (info.mode & 0o002) === 0 || (info.mode & 0o1000) !== 0) return [];
  return [
    finding(
      4,
      2,
      'fs.world-writable-dir',
      info.path,
      `Directory /${info.path} is world-writable without the sticky bit (mode ${octal(info.mode)}): any user in the container can add, replace or delete files in it.`,
      `${info.path} (mode ${octal(info.mode)})`,
      `In the Dockerfile step that creates /${info.path}, use \`chmod 755\` (and \`chown\` it to the user that writes there), or \`chmod 1777\` if it really is a shared scratch directory.`,
    ),
  ];
}

function fileRisks(file: AnalyzerFile): RiskFinding[] {
  const { info, content } = file;
  const path = info.path;
  const risks: RiskFinding[] = [];
  const bits = setuidBits(info.mode);
  if (bits.length && !distributionSetuid(path)) {
    risks.push(
      finding(
        4,
        3,
        'fs.setuid-added',
        path,
        `/${path} is ${bits.join(' and ')} (mode ${octal(info.mode)}, owner ${info.uid}:${info.gid}) and is not one of the distribution's own privileged programs: any flaw in it is a privilege escalation.`,
        `${path} (mode ${octal(info.mode)})`,
        `Remove the bit in the Dockerfile step that installs it (\`RUN chmod u-s,g-s /${path}\`), or drop the program if the image does not need it.`,
      ),
    );
  }
  if ((info.mode & 0o002) !== 0 && (path.startsWith('etc/') || path.startsWith('usr/'))) {
    risks.push(
      finding(
        4,
        2,
        'fs.world-writable-file',
        path,
        `System file /${path} is world-writable (mode ${octal(info.mode)}): any user in the container can change it.`,
        `${path} (mode ${octal(info.mode)})`,
        `In the Dockerfile step that writes /${path}, use \`chmod 644\` (or \`755\` for programs).`,
      ),
    );
  }
  if (SSH_HOST_KEY.test(path)) {
    risks.push(
      finding(
        4,
        3,
        'fs.ssh-host-key',
        path,
        `SSH host private key /${path} is baked into the image: every container shares it, so anyone with the image can impersonate those servers.`,
        path,
        `Delete the host keys in the Dockerfile step that installs the SSH server (\`rm -f /etc/ssh/ssh_host_*\`) and generate them when the container first starts (\`ssh-keygen -A\`).`,
      ),
    );
  }
  const auth = isAuthorizedKeys(path);
  const config = configKind(path);
  const starter = starterKind(path);
  if (!auth && !config && !starter) return risks;
  const lines = textLines(content);
  if (!lines) return risks;
  if (auth) risks.push(...authorizedKeys(path, lines));
  if (config) risks.push(...configRisks(path, config, lines));
  if (starter) {
    for (const s of startedDaemons(starter, lines)) {
      risks.push(
        finding(
          2,
          s.daemon.level,
          `service.${s.daemon.id}-enabled`,
          path,
          `/${path} starts the ${s.daemon.service}: a remote login service runs inside every container from the image.`,
          instructionText(`${path}:${s.line}: ${s.text}`),
          `Remove the ${s.daemon.service} program from /${path} and uninstall it; use \`docker exec\`/\`kubectl exec\` for access.`,
        ),
      );
    }
  }
  return risks;
}

/** Findings of the `risk-files` analyzer: see the module comment. */
export const riskFileAnalyzer: Analyzer = {
  name: RISK_FILES_ANALYZER,
  version: 1,
  maxFileSize: 256 * 2 ** 20,
  directories: true,
  wants(info: FileInfo): boolean {
    if (info.directory) return true;
    // size 0: empty files carry no risk (and link resolution probes with size 0, mode 0777)
    if (info.size === 0) return false;
    const p = info.path;
    if ((info.mode & 0o6000) !== 0) return true;
    if ((info.mode & 0o111) !== 0 && info.size <= TRACK_MAX) return true;
    if (p.startsWith('etc/')) return info.size <= TRACK_MAX;
    if ((info.mode & 0o002) !== 0 && p.startsWith('usr/')) return true;
    const b = baseOf(p);
    return (
      DAEMON_BINARIES.has(p) ||
      b === 'authorized_keys' ||
      b === 'authorized_keys2' ||
      b === 'pip.conf' ||
      b === 'pip.ini' ||
      b === '.npmrc' ||
      b === '.yarnrc' ||
      b === 'npmrc'
    );
  },
  analyze(file: AnalyzerFile): FileFindings | undefined {
    try {
      const risks = file.info.directory ? directoryRisks(file.info) : fileRisks(file);
      return risks.length ? { risks } : undefined;
    } catch (e) {
      return { problems: [`risk-files: ${(e as Error).message}`] };
    }
  },
};
