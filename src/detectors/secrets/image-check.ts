import type { ImageCheck, ImageCheckInput } from '../../core/analyzer.js';
import type { FindingLevel, RiskFinding } from '../../core/finding.js';
import { maskSecret, safeExcerpt } from './mask.js';
import { findCommandLineSecrets, findCurlCredentials, SECRET_RULES, type SecretRule } from './rules.js';
import { scanText } from './scan-text.js';
import { isPlaceholder, isSecretName, looksLikePassword } from './text.js';

/** Longest history line looked at, and longest instruction returned. */
const MAX_LINE = 64 * 1024;
const MAX_INSTRUCTION = 1000;

interface BuildHit {
  rule: string;
  level: FindingLevel;
  desc: string;
  solution: string;
  secret: string;
}

const ROTATE = 'and rotate the credential: anyone who pulls the image can read it';
const ENV_FIX = (name: string) =>
  `Remove \`ENV ${name}\` from the Dockerfile (the value stays in the image config and history): pass it when the container starts (\`docker run -e\`, a Kubernetes Secret, a secret manager) ${ROTATE}.`;
const ARG_FIX = (name: string) =>
  `Do not pass secrets as build arguments (\`ARG ${name}\` / \`--build-arg ${name}\`): BuildKit records their values in the history of every RUN step after the ARG; use \`RUN --mount=type=secret,id=…\` instead ${ROTATE}.`;
const RUN_FIX = `Remove the secret from the instruction (the history keeps the command line): read it from a build secret (\`RUN --mount=type=secret,id=…\`) or set it at run time, ${ROTATE}.`;

function secretAssignment(name: string, value: string): boolean {
  return (
    isSecretName(name) &&
    looksLikePassword(value, 4) &&
    !value.startsWith('/') &&
    !/^https?:\/\/[^@]*$/.test(value)
  );
}

/** `NAME=value` pairs of an ENV/ARG instruction (`ENV A=1 B="2 3"`, legacy `ENV A 1`). */
function envPairs(args: string): [string, string][] {
  const out: [string, string][] = [];
  const legacy = /^([A-Za-z_][A-Za-z0-9_.-]*)\s+(?![A-Za-z_][A-Za-z0-9_.-]*=)(.*)$/.exec(args.trim());
  if (legacy && !legacy[1]!.includes('=')) return [[legacy[1]!, legacy[2]!.replace(/^["']|["']$/g, '')]];
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)=(?:"((?:[^"\\]|\\.){0,4096})"|'([^']{0,4096})'|(\S{0,4096}))/g;
  for (let m = re.exec(args); m; m = re.exec(args)) out.push([m[1]!, m[2] ?? m[3] ?? m[4] ?? '']);
  return out;
}

function ruleHit(rule: SecretRule, secret: string, level?: FindingLevel, desc?: string): BuildHit {
  return {
    rule: rule.id,
    level: level ?? rule.level,
    desc: desc ?? rule.description,
    solution: rule.solution,
    secret,
  };
}

/** The secrets one build step's `created_by` line shows, most specific first. */
export function buildLineSecrets(line: string): BuildHit[] {
  const hits: BuildHit[] = [];
  const matches = scanText(line, '');
  for (const m of matches) if (!m.rule.generic) hits.push(ruleHit(m.rule, m.secret, m.level, m.description));
  // BuildKit prefixes RUN steps with the build arguments in force: `|2 A=1 B=2 /bin/sh -c …`
  const args = /^(?:RUN\s+)?\|(\d{1,3})\s+/.exec(line);
  if (args) {
    let rest = line.slice(args[0].length);
    for (let i = 0; i < Number(args[1]); i++) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)\s*/.exec(rest);
      if (!m) break;
      rest = rest.slice(m[0].length);
      const value = m[2]!.replace(/^["']|["']$/g, '');
      if (secretAssignment(m[1]!, value))
        hits.push({
          rule: 'secret.build-arg',
          level: 3,
          desc: `The build argument ${m[1]} holds a secret, and BuildKit recorded its value in the image history.`,
          solution: ARG_FIX(m[1]!),
          secret: value,
        });
    }
  }
  const inst = /(?:^|#\(nop\)\s+)(ENV|ARG)\s+(.*)$/s.exec(line);
  if (inst) {
    for (const [name, value] of envPairs(inst[2]!)) {
      if (!secretAssignment(name, value)) continue;
      const env = inst[1] === 'ENV';
      hits.push({
        rule: env ? 'secret.build-env' : 'secret.build-arg',
        level: 3,
        desc: env
          ? `The image sets the environment variable ${name} to a secret: it is in the image config and history.`
          : `The build argument ${name} has a secret default value, recorded in the image history.`,
        solution: env ? ENV_FIX(name) : ARG_FIX(name),
        secret: value,
      });
    }
  } else {
    const curl = SECRET_RULES.find((r) => r.id === 'secret.curl-credentials')!;
    for (const h of findCurlCredentials(line)) hits.push(ruleHit(curl, h.secret));
    for (const h of findCommandLineSecrets(
      line.replace(/^(?:RUN\s+)?\|\d{1,3}\s+(?:[A-Za-z_]\w*=\S*\s+)*/, ''),
    ))
      hits.push({
        rule: 'secret.build-command',
        level: 3,
        desc: /chpasswd|passwd/.test(line)
          ? 'A build step sets an account password in clear: the command line is in the image history.'
          : 'A build step passes a password or token on its command line: it is in the image history.',
        solution: /chpasswd|passwd/.test(line)
          ? `Do not set passwords in the Dockerfile (the history keeps \`echo user:… | chpasswd\`): lock the account (\`passwd -l\`) or set the password at run time, ${ROTATE}.`
          : RUN_FIX,
        secret: h.secret,
      });
  }
  const token =
    /[?&](?:access_token|token|api_key|apikey|private_token|auth_token|key|secret)=([^&\s"'#]{8,512})/gi;
  for (let m = token.exec(line); m; m = token.exec(line)) {
    const v = m[1]!;
    if (!isPlaceholder(v))
      hits.push({
        rule: 'secret.url-token',
        level: 3,
        desc: 'A build step requests a URL carrying a token in its query string: it is in the image history.',
        solution: RUN_FIX,
        secret: v,
      });
  }
  for (const m of matches) {
    // a generic rule's value overlapping one already found (`PASSWORD=a#b` read up to the `#`) is the same secret
    if (m.rule.generic && !hits.some((h) => h.secret.includes(m.secret) || m.secret.includes(h.secret)))
      hits.push(ruleHit(m.rule, m.secret, m.level, m.description));
  }
  return hits;
}

function finding(hit: BuildHit, instruction: string, secrets: string[]): RiskFinding {
  const masked = safeExcerpt(
    instruction,
    secrets,
    '(instruction withheld: it would show part of the secret)',
  );
  return {
    type: 2,
    behavior: 3,
    level: hit.level,
    rule: hit.rule,
    desc: hit.desc,
    instruction: masked.length > MAX_INSTRUCTION ? `${masked.slice(0, MAX_INSTRUCTION)}…` : masked,
    solution: hit.solution,
    ...maskSecret(hit.secret),
  };
}

/** The findings of `secretImageCheck` for one image config. */
export function checkBuildSecrets(input: ImageCheckInput): RiskFinding[] {
  const out: RiskFinding[] = [];
  const reported = new Set<string>();
  const history = input.config.history ?? [];
  for (const [i, h] of history.entries()) {
    const line = (h.created_by ?? '').slice(0, MAX_LINE);
    if (!line) continue;
    const hits = buildLineSecrets(line).filter((x) => !reported.has(x.secret));
    const secrets = hits.map((x) => x.secret);
    const seenHere = new Set<string>();
    for (const hit of hits) {
      if (seenHere.has(hit.secret)) continue;
      seenHere.add(hit.secret);
      reported.add(hit.secret);
      const layer = input.historyLayers[i];
      out.push({ ...finding(hit, line, secrets), historyIndex: i, ...(layer ? { layer } : {}) });
    }
  }
  for (const entry of input.config.config?.Env ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (reported.has(value)) continue;
    const inValue = scanText(value, '');
    const specific = inValue.filter((m) => !m.rule.generic);
    let hit: BuildHit | undefined;
    if (specific.length > 0 && specific[0]!.secret === value)
      hit = { ...ruleHit(specific[0]!.rule, value), solution: ENV_FIX(name) };
    else if (secretAssignment(name, value))
      hit = {
        rule: 'secret.env-variable',
        level: 3,
        desc: `The image config sets the environment variable ${name} to a secret.`,
        solution: ENV_FIX(name),
        secret: value,
      };
    else if (inValue.length > 0 && !reported.has(inValue[0]!.secret))
      // a secret inside a longer value: `DATABASE_URL=postgres://app:pw@db/app`, `JAVA_OPTS=-Dpassword=…`
      hit = { ...ruleHit(inValue[0]!.rule, inValue[0]!.secret), solution: ENV_FIX(name) };
    if (!hit) continue;
    reported.add(hit.secret);
    const setBy = new RegExp(`\\bENV\\b.*\\b${name.replace(/[^\w]/g, '\\$&')}\\b`);
    let where = -1;
    for (const [j, h] of history.entries()) if (setBy.test(h.created_by ?? '')) where = j;
    const layer = where >= 0 ? input.historyLayers[where] : undefined;
    out.push({
      ...finding(hit, `ENV ${name}=${value}`, [hit.secret]),
      ...(where >= 0 ? { historyIndex: where } : {}),
      ...(layer ? { layer } : {}),
    });
  }
  return out;
}

/**
 * `secret-build`: secrets in the image config's ENV and in the build history (ENV/ARG values,
 * BuildKit `|N NAME=value` build arguments, `echo user:pw | chpasswd`, `--password`, `curl -u`, tokens in
 * URLs, any file rule's token) — risk Type 2, Behavior 3, with the history index and layer, masked.
 */
export const secretImageCheck: ImageCheck = {
  name: 'secret-build',
  check: checkBuildSecrets,
};
