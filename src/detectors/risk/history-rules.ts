/**
 * Dangerous build practice in one `created_by` history line (Behavior 4): pipe-to-shell downloads,
 * world-writable modes, ADD from a URL, disabled package signature or TLS checks. Matching is plain
 * string scanning over bounded input (no backtracking-prone patterns); each rule fires at most once
 * per line and says which fragment made it fire.
 *
 * History strings as builders write them:
 * - classic builder: `/bin/sh -c curl … | sh`, `/bin/sh -c #(nop) ADD file:<hex> in /`, with build
 *   args `|1 TOKEN=… /bin/sh -c …`;
 * - BuildKit: `RUN /bin/sh -c chmod 777 /app # buildkit`, `ADD https://… /opt/ # buildkit`,
 *   `COPY --chmod=777 app /app # buildkit`;
 * - buildah: `/bin/sh -c #(nop) ADD file:<digest> in /dst` for local sources, and the bare digest
 *   for a URL (`#(nop) ADD 77e3…a24b in /opt/tool.sh`, observed with buildah 1.28 bud); `COPY --chmod`
 *   leaves no trace in its line.
 */
import type { FindingLevel } from '../../core/finding.js';
import { MAX_LINE } from './instruction-text.js';

export type HistoryRuleId =
  | 'build.pipe-to-shell'
  | 'build.world-writable-mode'
  | 'build.add-remote-url'
  | 'build.package-signature-disabled'
  | 'build.tls-verification-disabled';

export interface HistoryHit {
  rule: HistoryRuleId;
  level: FindingLevel;
  /** the fragments that made the rule fire (`curl … | sh`, `chmod 777`, `--allow-unauthenticated`) */
  evidence: string[];
}

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'iwr', 'invoke-webrequest']);
const INTERPRETERS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ash',
  'ksh',
  'mksh',
  'fish',
  'python',
  'python2',
  'python3',
  'perl',
  'ruby',
  'node',
  'php',
  'pwsh',
  'iex',
]);

/** Splits a command line into pipelines (on `;`, `&&`, `||`, `&`, newlines), each into its `|` stages. */
function pipelines(s: string): string[][] {
  const out: string[][] = [];
  let stages: string[] = [];
  let cur = '';
  const flush = (endPipeline: boolean) => {
    stages.push(cur);
    cur = '';
    if (endPipeline) {
      out.push(stages);
      stages = [];
    }
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const n = s[i + 1];
    if (c === '|' && n === '|') {
      flush(true);
      i++;
    } else if (c === '|') flush(false);
    else if (c === '&' && n === '&') {
      flush(true);
      i++;
    } else if (c === ';' || c === '\n' || (c === '&' && n !== '>' && s[i - 1] !== '>')) flush(true);
    else cur += c;
  }
  flush(true);
  return out;
}

/** Words of a command, quotes and grouping characters stripped from their edges. */
function words(stage: string): string[] {
  return stage
    .split(/[\s,]+/)
    .map((w) => w.replace(/^[[("'`{]+|[\])"'`}]+$/g, ''))
    .filter((w) => w !== '');
}

function base(w: string): string {
  return w.slice(w.lastIndexOf('/') + 1).toLowerCase();
}

/** The program a stage runs, skipping `sudo [-opts]`, `env [VAR=x]…`, `exec`, `command`. */
function program(stage: string): string | undefined {
  const ws = words(stage);
  for (let i = 0; i < ws.length; i++) {
    const w = base(ws[i]!);
    if (w === 'sudo' || w === 'env' || w === 'exec' || w === 'command' || w === 'doas') continue;
    if (ws[i]!.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(ws[i]!)) continue;
    return w;
  }
  return undefined;
}

function downloads(stage: string): boolean {
  return words(stage).some((w) => DOWNLOADERS.has(base(w)));
}

const SUBST_DOWNLOAD = /(?:\$\(|<\(|`)\s{0,8}(?:curl|wget)\b/;
const SUBST_RUNNER = /(?:^|[\s;&|(])(?:sh|bash|zsh|dash|ksh|eval|source|\.|python3?|perl)\s/;

function pipeToShell(cmd: string): string[] {
  const ev: string[] = [];
  for (const stages of pipelines(cmd)) {
    const from = stages.findIndex(downloads);
    if (from < 0) continue;
    for (let k = from + 1; k < stages.length; k++) {
      const p = program(stages[k]!);
      if (p && INTERPRETERS.has(p)) {
        const dl = words(stages[from]!).find((w) => DOWNLOADERS.has(base(w))) ?? '';
        ev.push(`${dl} … | ${stages[k]!.trim()}`.slice(0, 80));
        break;
      }
    }
  }
  // sh -c "$(curl …)", bash <(curl …), eval "$(wget -qO- …)"
  let at = 0;
  for (let guard = 0; guard < 50; guard++) {
    const m = SUBST_DOWNLOAD.exec(cmd.slice(at));
    if (!m) break;
    const pos = at + m.index;
    const before = cmd.slice(Math.max(0, pos - 24), pos);
    if (SUBST_RUNNER.test(` ${before}`)) ev.push(`${before.trim()} ${m[0]} …`.trim());
    at = pos + m[0].length;
  }
  return ev;
}

/** Whether a chmod mode (`777`, `0666`, `a+rwx`, `o=rw,u=rwx`) makes the target world-writable (no sticky bit). */
export function worldWritableMode(mode: string): boolean {
  if (/^[0-7]{1,4}$/.test(mode)) {
    const v = Number.parseInt(mode, 8);
    return (v & 0o002) !== 0 && (mode.length < 4 || (v & 0o1000) === 0);
  }
  let writable = false;
  let sticky = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=].*)$/.exec(clause);
    if (!m) return false;
    const who = m[1]!;
    const ops = m[2]!;
    // without a `who`, the umask (022 in builds) keeps others from getting `w`
    const others = who.includes('a') || who.includes('o');
    for (const op of ops.split(/(?=[-+=])/)) {
      const adds = op[0] === '+' || op[0] === '=';
      if (!adds) continue;
      if (others && op.includes('w')) writable = true;
      if (op.includes('t')) sticky = true;
    }
  }
  return writable && !sticky;
}

const CHMOD_SEP = /[;&|\n]/;

function worldWritable(cmd: string): string[] {
  const ev: string[] = [];
  const chmod = /\bchmod\s/g;
  for (let m = chmod.exec(cmd), n = 0; m && n < 50; m = chmod.exec(cmd), n++) {
    const rest = cmd.slice(m.index + m[0].length, m.index + 600);
    const cut = rest.search(CHMOD_SEP);
    const args = (cut < 0 ? rest : rest.slice(0, cut))
      .split(/\s+/)
      .map((w) => w.replace(/^["']+|["']+$/g, ''))
      .filter((w) => w !== '');
    const mode = args.find((a) => !a.startsWith('-') || /^-[rwxXst]+$/.test(a));
    if (mode && worldWritableMode(mode)) {
      ev.push(`chmod ${args.slice(0, args.indexOf(mode) + 2).join(' ')}`.slice(0, 120));
    }
  }
  const flag =
    /(?:--chmod=|--mode=|\bmkdir\s+(?:-p\s+)?-m\s*|\binstall\s+(?:-d\s+)?-m\s*)([0-7]{3,4}|[ugoa]*[-+=][rwxXst,ugoa+=-]*)/g;
  for (let m = flag.exec(cmd), n = 0; m && n < 50; m = flag.exec(cmd), n++) {
    if (worldWritableMode(m[1]!)) ev.push(m[0].trim());
  }
  return ev;
}

function addRemote(cmd: string): string[] {
  const m = /(?:^|#\(nop\)\s{0,4})ADD\s/.exec(cmd);
  if (!m) return [];
  const rest = cmd.slice(m.index + m[0].length);
  const args = words(rest.replace(/\s#\s*buildkit\s*$/, ''));
  if (args.some((a) => a.startsWith('--checksum='))) return [];
  const url = args.find((a) => /^https?:\/\//i.test(a) || /^git@/.test(a));
  if (url) return [`ADD ${url.slice(0, 120)}`];
  // buildah (and the classic builder) record a downloaded source as its bare digest, where local
  // sources carry a `file:`/`dir:`/`multi:` prefix: `#(nop) ADD 77e3…a24b in /opt/tool.sh`
  if (/^[a-f0-9]{64}$/.test(args[0] ?? '') && args[1] === 'in')
    return [`ADD ${args[0]!.slice(0, 12)}… (a URL)`];
  return [];
}

interface Needle {
  text: string;
  rule: 'build.package-signature-disabled' | 'build.tls-verification-disabled';
  /** case-insensitive needle must start at a word boundary */
  word?: boolean;
}

const NEEDLES: Needle[] = [
  { text: '--allow-unauthenticated', rule: 'build.package-signature-disabled' },
  { text: '--allow-insecure-repositories', rule: 'build.package-signature-disabled' },
  { text: 'allowinsecurerepositories', rule: 'build.package-signature-disabled' },
  { text: 'allowunauthenticated', rule: 'build.package-signature-disabled' },
  { text: '--force-yes', rule: 'build.package-signature-disabled' },
  { text: 'trusted=yes', rule: 'build.package-signature-disabled', word: true },
  { text: '--no-check-gpg', rule: 'build.package-signature-disabled' },
  { text: '--nogpgcheck', rule: 'build.package-signature-disabled' },
  { text: '--no-gpg-checks', rule: 'build.package-signature-disabled' },
  { text: '--nosignature', rule: 'build.package-signature-disabled' },
  { text: 'gpgcheck=0', rule: 'build.package-signature-disabled', word: true },
  { text: 'gpgcheck=false', rule: 'build.package-signature-disabled', word: true },
  { text: '--allow-untrusted', rule: 'build.package-signature-disabled' },
  { text: '--trusted-host', rule: 'build.tls-verification-disabled' },
  { text: 'global.trusted-host', rule: 'build.tls-verification-disabled' },
  { text: 'strict-ssl false', rule: 'build.tls-verification-disabled' },
  { text: 'strict-ssl=false', rule: 'build.tls-verification-disabled' },
  { text: 'strict_ssl=false', rule: 'build.tls-verification-disabled' },
  { text: 'node_tls_reject_unauthorized=0', rule: 'build.tls-verification-disabled' },
  { text: 'sslverify false', rule: 'build.tls-verification-disabled' },
  { text: 'sslverify=false', rule: 'build.tls-verification-disabled' },
  { text: 'git_ssl_no_verify=', rule: 'build.tls-verification-disabled' },
  { text: '--no-check-certificate', rule: 'build.tls-verification-disabled' },
  { text: 'sslverify=0', rule: 'build.tls-verification-disabled' },
];

function needles(lower: string, rule: Needle['rule']): string[] {
  const ev: string[] = [];
  for (const n of NEEDLES) {
    if (n.rule !== rule) continue;
    let i = lower.indexOf(n.text);
    while (i >= 0 && n.word && i > 0 && /[a-z0-9_]/.test(lower[i - 1]!)) i = lower.indexOf(n.text, i + 1);
    if (i >= 0) ev.push(n.text);
  }
  return ev;
}

/** `curl -k` / `curl --insecure` (also inside option clusters like `-fsSLk`). */
function curlInsecure(cmd: string): string[] {
  const ev: string[] = [];
  for (const stages of pipelines(cmd)) {
    for (const st of stages) {
      const ws = words(st);
      const i = ws.findIndex((w) => base(w) === 'curl');
      if (i < 0) continue;
      const bad = ws.slice(i + 1).find((w) => w === '--insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(w));
      if (bad) ev.push(`curl ${bad}`);
    }
  }
  return ev;
}

/** The dangerous practices in one history line, at most one hit per rule. */
export function historyHits(createdBy: string): HistoryHit[] {
  const cmd = createdBy.length > MAX_LINE ? createdBy.slice(0, MAX_LINE) : createdBy;
  const lower = cmd.toLowerCase();
  const hits: HistoryHit[] = [];
  const add = (rule: HistoryRuleId, level: FindingLevel, evidence: string[]) => {
    if (evidence.length) hits.push({ rule, level, evidence: [...new Set(evidence)].slice(0, 5) });
  };
  add('build.pipe-to-shell', 3, pipeToShell(cmd));
  add('build.world-writable-mode', 2, worldWritable(cmd));
  add('build.add-remote-url', 2, addRemote(cmd));
  add('build.package-signature-disabled', 3, needles(lower, 'build.package-signature-disabled'));
  add('build.tls-verification-disabled', 2, [
    ...needles(lower, 'build.tls-verification-disabled'),
    ...curlInsecure(cmd),
  ]);
  return hits;
}
