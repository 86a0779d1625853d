/**
 * High-risk behaviour in the image config and build history (risk Type 1): root runtime user and
 * privileged labels (Behavior 1), remote-access and dangerous service ports exposed (Behavior 2),
 * dangerous build steps in `created_by` (Behavior 4, see history-rules).
 */
import type { ImageCheck, ImageCheckInput } from '../../core/analyzer.js';
import type { FindingLevel, RiskFinding } from '../../core/finding.js';
import { type HistoryRuleId, historyHits } from './history-rules.js';
import { instructionText } from './instruction-text.js';
import { REMOTE_DAEMONS } from './remote-daemons.js';

const MAX_HISTORY = 2000;
const MAX_LABELS = 1000;
const MAX_PORTS = 1000;

/** uid 0 by name or number, with or without a group (`root`, `0`, `0:0`, `root:wheel`, `:1000`). */
export function isRootUser(user: unknown): boolean {
  const u = user == null ? '' : String(user).trim();
  const name = u.includes(':') ? u.slice(0, u.indexOf(':')) : u;
  return name === '' || name === 'root' || /^0+$/.test(name);
}

/** The last history entry whose line matches `test`, for a config finding's historyIndex. */
function lastHistory(input: ImageCheckInput, test: (line: string) => boolean): number | undefined {
  const h = input.config.history ?? [];
  for (let i = Math.min(h.length, MAX_HISTORY) - 1; i >= 0; i--) {
    const line = h[i]?.created_by;
    if (typeof line === 'string' && test(line)) return i;
  }
  return undefined;
}

function withStep(f: RiskFinding, input: ImageCheckInput, index: number | undefined): RiskFinding {
  if (index === undefined) return f;
  const layer = input.historyLayers[index];
  return { ...f, historyIndex: index, ...(layer ? { layer } : {}) };
}

function rootUser(input: ImageCheckInput): RiskFinding[] {
  const raw = input.config.config?.User;
  if (!isRootUser(raw)) return [];
  const user = raw == null ? '' : String(raw).trim();
  const set = user !== '';
  const idx = set ? lastHistory(input, (l) => /(?:^|#\(nop\)\s{0,4})USER\s/.test(l)) : undefined;
  const line = idx !== undefined ? input.config.history?.[idx]?.created_by : undefined;
  return [
    withStep(
      {
        type: 1,
        behavior: 1,
        level: 2,
        rule: 'config.root-user',
        desc: set
          ? `The image runs as root (USER ${user}): a process that is compromised, or escapes the container, has uid 0.`
          : 'The image sets no USER, so its processes run as root (uid 0): a compromised process has full control of the container and more to escape with.',
        instruction: line
          ? instructionText(line)
          : set
            ? `USER ${instructionText(user ?? '')}`
            : 'USER (not set)',
        solution:
          'Add `USER <non-root>` (e.g. `RUN useradd -r -u 10001 app` then `USER 10001`) after the steps that install packages, and give that user ownership of only the paths the application writes.',
      },
      input,
      idx,
    ),
  ];
}

interface LabelPattern {
  test: RegExp;
  what: string;
}

/** Signs, in a label's key or value, that running the image asks for privileges (docker run / compose / atomic RUN labels). */
const PRIVILEGE_SIGNS: LabelPattern[] = [
  { test: /--privileged(?!\s{0,2}=\s{0,2}false)/, what: 'privileged mode' },
  { test: /privileged["']?\s{0,2}[:=]\s{0,2}["']?(?:true|yes|on|1)\b/, what: 'privileged mode' },
  { test: /(?:--cap-add|cap_add|cap-add|capadd)\b/, what: 'added capabilities' },
  {
    test: /\b(?:cap_)?(?:sys_admin|net_admin|sys_ptrace|sys_module|sys_rawio|dac_read_search|sys_boot|bpf)\b/,
    what: 'dangerous capabilities',
  },
  {
    test: /--(?:pid|net|network|ipc|uts|userns)[= ]host\b|\b(?:pid|ipc|network_mode)["']?\s{0,2}:\s{0,2}["']?host\b/,
    what: 'host namespaces',
  },
  { test: /docker\.sock\b/, what: 'the Docker socket' },
  { test: /(?:seccomp|apparmor)[=:]\s{0,2}unconfined\b/, what: 'no seccomp/AppArmor confinement' },
];

function privilegedLabels(input: ImageCheckInput): RiskFinding[] {
  const labels = Object.entries(input.config.config?.Labels ?? {}).slice(0, MAX_LABELS);
  const out: RiskFinding[] = [];
  for (const [key, value] of labels) {
    const text = `${key}=${String(value)}`.slice(0, 8192).toLowerCase();
    const what = [...new Set(PRIVILEGE_SIGNS.filter((p) => p.test.test(text)).map((p) => p.what))];
    if (what.length === 0) continue;
    const instruction = instructionText(`LABEL ${key}=${String(value).slice(0, 4096)}`);
    out.push(
      withStep(
        {
          type: 1,
          behavior: 1,
          level: 3,
          rule: 'config.privileged-label',
          desc: `Label ${key} asks for ${what.join(', ')} when the image runs: such a container can take over its host.`,
          instruction,
          solution: `Remove or rewrite the \`LABEL ${key}\` instruction so the image runs without --privileged, added capabilities or host namespaces; grant only the specific capability the workload needs at deploy time, after review.`,
        },
        input,
        lastHistory(input, (l) => l.includes('LABEL') && l.includes(key)),
      ),
    );
  }
  return out;
}

interface PortRule {
  service: string;
  level: FindingLevel;
  why: string;
}

/**
 * Ports whose exposure means remote login or root-equivalent control. Database and app ports
 * (Redis 6379, MySQL 3306…) are left out on purpose: exposing its service is what such an image is for.
 */
export function portRule(port: number): PortRule | undefined {
  if (port === 22) return { service: 'SSH', level: 2, why: 'a remote login service inside the container' };
  if (port === 23) return { service: 'Telnet', level: 3, why: 'remote login with credentials sent in clear' };
  if (port >= 512 && port <= 514)
    return { service: 'rexec/rlogin/rsh', level: 3, why: 'unauthenticated-by-design remote shell services' };
  if (port === 3389) return { service: 'RDP', level: 2, why: 'a remote desktop login' };
  if (port >= 5900 && port <= 5910)
    return { service: 'VNC', level: 2, why: 'a remote desktop, often with a weak or no password' };
  if (port === 2375 || port === 4243)
    return {
      service: 'Docker API (plain HTTP)',
      level: 4,
      why: 'an unauthenticated Docker daemon API: root on the host for anyone who reaches it',
    };
  if (port === 2376)
    return {
      service: 'Docker API (TLS)',
      level: 2,
      why: 'the Docker daemon API, root-equivalent if its client certificates leak',
    };
  return undefined;
}

function exposedPorts(input: ImageCheckInput): RiskFinding[] {
  const out: RiskFinding[] = [];
  for (const key of Object.keys(input.config.config?.ExposedPorts ?? {}).slice(0, MAX_PORTS)) {
    const m = /^\s*(\d{1,5})(?:\/([a-z]+))?\s*$/i.exec(key);
    if (!m) continue;
    const port = Number(m[1]);
    const rule = portRule(port);
    if (!rule) continue;
    const portWord = new RegExp(`(?:^|[^0-9])${port}(?:[^0-9]|$)`);
    out.push(
      withStep(
        {
          type: 1,
          behavior: 2,
          level: rule.level,
          rule: 'config.remote-access-port',
          desc: `The image exposes port ${key} (${rule.service}): ${rule.why}.`,
          instruction: `EXPOSE ${key}`,
          solution: `Remove \`EXPOSE ${port}\` and the ${rule.service} service from the image; use \`docker exec\`/\`kubectl exec\` for access, or publish the service only on a private network with strong authentication.`,
        },
        input,
        lastHistory(input, (l) => l.includes('EXPOSE') && portWord.test(l)),
      ),
    );
  }
  return out;
}

function commandWords(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.slice(0, 200).map((x) => String(x).slice(0, 4096)) : [];
}

/** The container's command (ENTRYPOINT + CMD) starting a remote-access daemon (`CMD ["/usr/sbin/sshd", "-D"]`). */
function remoteAccessCommand(input: ImageCheckInput): RiskFinding[] {
  const c = input.config.config;
  const entry = commandWords(c?.Entrypoint);
  const cmd = commandWords(c?.Cmd);
  const line = [...entry, ...cmd].join(' ');
  const d = REMOTE_DAEMONS.find((x) => x.word.test(` ${line} `));
  if (!d) return [];
  const which = entry.some((w) => d.word.test(` ${w} `)) ? 'ENTRYPOINT' : 'CMD';
  const shown = which === 'ENTRYPOINT' ? entry : cmd;
  return [
    withStep(
      {
        type: 1,
        behavior: 2,
        level: d.level,
        rule: 'config.remote-access-command',
        desc: `The container's ${which} starts the ${d.service}: every container from the image runs a remote login service.`,
        instruction: instructionText(`${which} ${JSON.stringify(shown)}`),
        solution: `Change the \`${which}\` to run the application itself, and remove the ${d.service}; use \`docker exec\`/\`kubectl exec\` for access.`,
      },
      input,
      lastHistory(input, (l) => l.includes(which) && d.word.test(` ${l} `)),
    ),
  ];
}

const HISTORY_TEXT: Record<HistoryRuleId, { desc: string; solution: string }> = {
  'build.pipe-to-shell': {
    desc: 'A build step pipes a download straight into a shell or interpreter: whatever the server (or anyone in the middle) returns runs as root in the build, unreviewed and unpinned',
    solution:
      'Download the script to a file, verify it against a pinned checksum or signature (`sha256sum -c`), then run it; better, install the software from a signed package repository.',
  },
  'build.world-writable-mode': {
    desc: 'A build step makes files or directories world-writable without the sticky bit: any user or process in the container can replace what the application runs or reads',
    solution:
      'Replace the mode with the least that works (e.g. `chmod 755` for directories, `644` for files, `chown app:app` for what the application writes); use `1777` only for shared scratch directories.',
  },
  'build.add-remote-url': {
    desc: 'A build step ADDs a file from a URL: its content is not pinned or verified, so a rebuild can silently take in a changed or tampered file',
    solution:
      'Replace the ADD with `ADD --checksum=sha256:<hash> <url> <dest>`, or download with curl in a RUN step that verifies a pinned checksum.',
  },
  'build.package-signature-disabled': {
    desc: 'A build step disables package signature checking: packages are installed without proof of where they come from, so a mirror or network attacker can substitute them',
    solution:
      'Remove the option (`--allow-unauthenticated`, `[trusted=yes]`, `--nogpgcheck`, `gpgcheck=0`, `--allow-untrusted`…) and import the repository signing key instead (`signed-by=` keyring, `rpm --import`, `apk` keys).',
  },
  'build.tls-verification-disabled': {
    desc: 'A build step turns off TLS certificate verification for downloads: what is fetched can be replaced by anyone on the network path',
    solution:
      'Remove the option (`curl -k`, `--no-check-certificate`, `--trusted-host`, `strict-ssl false`, `sslVerify false`…) and install the CA certificate the server needs (`ca-certificates`, `update-ca-certificates`).',
  },
};

function buildSteps(input: ImageCheckInput): RiskFinding[] {
  const out: RiskFinding[] = [];
  const history = (input.config.history ?? []).slice(0, MAX_HISTORY);
  for (const [i, h] of history.entries()) {
    const line = h?.created_by;
    if (typeof line !== 'string' || line === '') continue;
    for (const hit of historyHits(line)) {
      const text = HISTORY_TEXT[hit.rule];
      const evidence = hit.evidence.map((e) => `\`${instructionText(e)}\``).join(', ');
      out.push(
        withStep(
          {
            type: 1,
            behavior: 4,
            level: hit.level,
            rule: hit.rule,
            desc: `${text.desc} (${evidence}).`,
            instruction: instructionText(line),
            solution: `In the Dockerfile step \`${instructionText(line).slice(0, 120)}\`: ${text.solution}`,
          },
          input,
          i,
        ),
      );
    }
  }
  return out;
}

/** Root user, privileged labels, exposed remote-access ports, a command starting one, and dangerous build steps. */
export const riskImageCheck: ImageCheck = {
  name: 'risk-config',
  check(input: ImageCheckInput): RiskFinding[] {
    const out: RiskFinding[] = [];
    // one malformed part of a hostile config must not hide the findings of the others
    for (const part of [rootUser, privilegedLabels, exposedPorts, remoteAccessCommand, buildSteps]) {
      try {
        out.push(...part(input));
      } catch {}
    }
    return out;
  },
};
