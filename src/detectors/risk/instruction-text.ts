/**
 * Turning a build-history line or a config line into a finding's `instruction`: secrets masked
 * (build-arg values with secret-looking names, URL passwords, auth headers, `password=` pairs) and
 * the text trimmed, so a risk row never carries a credential in clear.
 */

/** Longest instruction kept, in characters (then `…`). */
export const MAX_INSTRUCTION = 300;
/** Longest history line examined; the rest is ignored (hostile configs can be huge). */
export const MAX_LINE = 64 * 1024;

import { maskValue } from '../secrets/mask.js';

const SECRET_NAME = /pass|secret|token|key|auth|cred|pwd/i;

/** One masking rule for every finding: the secret detector's (at most 4 leading characters, ≤ 25 %). */
export { maskValue };

/** BuildKit and the classic builder prefix RUN lines with the build args in effect: `|2 A=x B=y /bin/sh -c …`. */
function maskBuildArgs(line: string): string {
  const m = /^\|\d+ /.exec(line);
  if (!m) return line;
  const cmd = line.indexOf(' /bin/sh -c ', m[0].length - 1);
  const end = cmd < 0 ? line.length : cmd;
  const args = line
    .slice(m[0].length, end)
    .split(' ')
    .map((kv) => {
      const eq = kv.indexOf('=');
      if (eq <= 0 || !SECRET_NAME.test(kv.slice(0, eq))) return kv;
      return `${kv.slice(0, eq + 1)}${maskValue(kv.slice(eq + 1))}`;
    });
  return `${m[0]}${args.join(' ')}${line.slice(end)}`;
}

const URL_PASSWORD = /(:\/\/[^\s/:@]{1,256}:)([^\s/@]{1,512})@/g;
const AUTH_HEADER = /(authorization:\s{0,4}(?:bearer|basic|token)\s{1,4})([^\s'"]{1,4096})/gi;
const SECRET_PAIR =
  /((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)[a-z_]{0,20}\s{0,2}[=:]\s{0,2}["']?)([^\s'"&;|]{1,4096})/gi;

const USER_PASS = /((?:\s-u|--user)[\s=]{1,4}["']?[^\s:'"]{1,128}:)([^\s'"@]{1,512})/g;
const CHPASSWD = /((?:echo|printf)\s{1,4}(?:-[a-z]{1,3}\s{1,4})?["']?[a-z0-9_.-]{1,64}:)([^\s'"|]{1,512})/gi;
const PASSWORD_FLAG = /(--pass(?:word)?[\s=]{1,4}["']?)([^\s'"]{1,512})/gi;

/** The line with every secret-looking value masked, trimmed to MAX_INSTRUCTION characters. */
export function instructionText(raw: string): string {
  let s = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
  s = maskBuildArgs(s.trim());
  s = s.replace(URL_PASSWORD, (_, a: string, p: string) => `${a}${maskValue(p)}@`);
  s = s.replace(AUTH_HEADER, (_, a: string, p: string) => `${a}${maskValue(p)}`);
  s = s.replace(USER_PASS, (_, a: string, p: string) => `${a}${maskValue(p)}`);
  if (/chpasswd/i.test(s)) s = s.replace(CHPASSWD, (_, a: string, p: string) => `${a}${maskValue(p)}`);
  s = s.replace(PASSWORD_FLAG, (_, a: string, p: string) => `${a}${maskValue(p)}`);
  s = s.replace(SECRET_PAIR, (_, a: string, p: string) => `${a}${maskValue(p)}`);
  s = s.replace(/\s+/g, ' ');
  return s.length > MAX_INSTRUCTION ? `${s.slice(0, MAX_INSTRUCTION - 1)}…` : s;
}
