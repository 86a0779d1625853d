/**
 * hullscan's own secret rules (DESIGN §3, risk Type 2 Behavior 3). Every rule names lower-case
 * keywords: a text is run through a rule only when one of them occurs in it. Patterns start at a
 * literal or a short fixed-width class and use only bounded single-class repeats, so each match
 * attempt is bounded and a whole text costs time linear in its size; the two token shapes that could
 * overlap themselves (JWTs, PEM blocks) are found by hand-written scanners instead.
 */
import type { FindingLevel } from '../../core/finding.js';
import {
  charClasses,
  entropy,
  githubChecksumValid,
  isPlaceholder,
  isSecretName,
  looksLikePassword,
  looksRandom,
} from './text.js';

/** One candidate secret a rule found: the clear value and where it starts in the text. */
export interface RuleHit {
  secret: string;
  index: number;
  /** replaces the rule's description for this hit (an encrypted key, a locked account) */
  note?: string;
  /** replaces the rule's level for this hit */
  level?: FindingLevel;
}

export interface SecretRule {
  /** stable id, `secret.<kind>` */
  id: string;
  /** what a hit is, for people (the finding's `Desc`) */
  description: string;
  level: FindingLevel;
  /** lower-case literals; the rule runs only on texts containing one (empty: path-scoped rules only) */
  keywords: string[];
  /** a generic rule gives way to a specific one that found the same value or an overlapping span */
  generic?: boolean;
  /** path-scoped rule: runs only on files this accepts */
  paths?: (path: string) => boolean;
  /** global regexes; capture group 1 (or the whole match) is the secret */
  patterns?: RegExp[];
  validate?: (secret: string, text: string, index: number, path: string) => boolean;
  /** a hand-written scanner, for shapes a regex cannot match in linear time */
  find?: (text: string, path: string) => Iterable<RuleHit>;
  /** what to do: remove it, inject it at run time, rotate it */
  solution: string;
}

const ROTATE = 'and rotate (revoke and reissue) the credential, since every copy of the image leaks it';
const FILE_FIX = `Remove the file from the image (inject it at run time as a mounted secret or environment variable, or use a BuildKit \`RUN --mount=type=secret\` during the build) ${ROTATE}.`;
const CONFIG_FIX = `Remove the value from the file and inject it at run time (mounted secret, environment variable or secret manager) ${ROTATE}.`;

function base(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

const MAX_SCAN = 64 * 1024;

function isB64(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61
  );
}

function isB64Url(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

const PEM_HEADER =
  /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----/y;
const PEM_FIELD = /^(?:Proc-Type|DEK-Info|Version|Comment|Hash|Charset|MessageID):/;

/** The base64 body of the PEM block whose `-----BEGIN` is at `at`, or undefined when none follows. */
export function pemBody(
  text: string,
  at: number,
): { label: string; body: string; encrypted: boolean } | undefined {
  PEM_HEADER.lastIndex = at;
  const m = PEM_HEADER.exec(text);
  if (!m) return undefined;
  const label = m[1]!;
  let encrypted = label.includes('ENCRYPTED');
  const limit = Math.min(text.length, at + MAX_SCAN);
  let p = at + m[0].length;
  const parts: string[] = [];
  let lineStart = true;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13 || c === 32 || c === 9) {
      lineStart ||= c === 10 || c === 13;
      p++;
      continue;
    }
    if (c === 92 && text.charCodeAt(p + 1) === 110) {
      // a JSON or shell string holding the key with `\n` escapes
      lineStart = true;
      p += 2;
      continue;
    }
    if (c === 45) break; // `-----END …` or anything else: the body is over
    if (lineStart) {
      const field = PEM_FIELD.exec(text.slice(p, p + 16));
      if (field) {
        const line = text.slice(p, Math.min(limit, p + 256));
        if (line.startsWith('Proc-Type:') && line.includes('ENCRYPTED')) encrypted = true;
        let q = p;
        while (q < limit && text.charCodeAt(q) !== 10 && !(text.charCodeAt(q) === 92 && text[q + 1] === 'n'))
          q++;
        p = q;
        continue;
      }
    }
    lineStart = false;
    if (!isB64(c)) break;
    const s = p;
    while (p < limit && isB64(text.charCodeAt(p))) p++;
    parts.push(text.slice(s, p));
  }
  const body = parts.join('');
  return { label, body, encrypted };
}

function* findPrivateKeys(text: string): Iterable<RuleHit> {
  let at = text.indexOf('-----BEGIN ');
  while (at >= 0) {
    const k = pemBody(text, at);
    if (k && k.body.replace(/=+$/, '').length >= 40 && entropy(k.body) >= 4) {
      yield {
        secret: k.body,
        index: at,
        ...(k.encrypted
          ? { level: 3 as const, note: `An encrypted private key (${k.label}) is stored in the image.` }
          : {}),
      };
    }
    at = text.indexOf('-----BEGIN ', at + 11);
  }
}

function* findGcpServiceAccountKeys(text: string): Iterable<RuleHit> {
  if (!/"type"\s{0,20}:\s{0,20}"service_account"/.test(text)) return;
  const re = /"private_key"\s{0,20}:\s{0,20}"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = text.indexOf('-----BEGIN ', m.index);
    if (at < 0 || at - m.index > 64) continue;
    const k = pemBody(text, at);
    if (k && k.body.length >= 40) yield { secret: k.body, index: m.index };
  }
}

/** `eyJ…​.eyJ…​.sig`: header and payload decode to JSON objects, alg is not `none`, the payload has a standard claim. */
function* findJwts(text: string): Iterable<RuleHit> {
  const claims = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];
  let at = text.indexOf('eyJ');
  while (at >= 0) {
    const prev = at > 0 ? text.charCodeAt(at - 1) : 32;
    let p = at;
    while (p < text.length && isB64Url(text.charCodeAt(p))) p++;
    let next = p;
    if (!isB64Url(prev) && text.charCodeAt(p) === 46 && p - at >= 10 && p - at <= 4096) {
      const header = text.slice(at, p);
      let q = p + 1;
      while (q < text.length && isB64Url(text.charCodeAt(q))) q++;
      const payload = text.slice(p + 1, q);
      if (text.charCodeAt(q) === 46 && payload.startsWith('eyJ') && q - p <= 65536) {
        let r = q + 1;
        while (r < text.length && isB64Url(text.charCodeAt(r))) r++;
        const sig = text.slice(q + 1, r);
        next = r;
        if (sig.length >= 16 && sig.length <= 1024) {
          const h = decodeJson(header);
          const b = decodeJson(payload);
          const alg = h && typeof h['alg'] === 'string' ? (h['alg'] as string) : undefined;
          if (alg && alg.toLowerCase() !== 'none' && b && claims.some((c) => c in b)) {
            yield { secret: text.slice(at, r), index: at };
          }
        }
      }
    }
    at = text.indexOf('eyJ', Math.max(next, at + 3));
  }
}

function decodeJson(b64url: string): Record<string, unknown> | undefined {
  const s = Buffer.from(b64url, 'base64url').toString('utf8').trim();
  if (!s.startsWith('{') || !s.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A shell word at `p` (quoted and unquoted parts joined, quotes removed), bounded. */
function shellWord(text: string, p: number): { word: string; end: number } {
  let out = '';
  const limit = Math.min(text.length, p + 1024);
  while (p < limit) {
    const c = text[p]!;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, p + 1);
      if (close < 0 || close > limit || text.slice(p + 1, close).includes('\n')) return { word: out, end: p };
      out += text.slice(p + 1, close);
      p = close + 1;
      continue;
    }
    if (
      c === ' ' ||
      c === '\t' ||
      c === '\n' ||
      c === '\r' ||
      c === ';' ||
      c === '|' ||
      c === '&' ||
      c === ')'
    )
      break;
    if (c === '\\' && text[p + 1] === '\n') break;
    out += c;
    p++;
  }
  return { word: out, end: p };
}

/** Longest logical command line (continuations joined) the curl rule looks at. */
const MAX_COMMAND = 16 * 1024;

/**
 * The curl commands of `text`: from each `curl` word to the end of its logical line (joined over
 * backslash-newline continuations and over following lines that start with an indented option),
 * each cut at MAX_COMMAND.
 */
function* curlCommands(text: string): Iterable<{ start: number; line: string }> {
  let from = 0;
  for (let at = text.indexOf('curl', from); at >= 0; at = text.indexOf('curl', from)) {
    const before = at > 0 ? text[at - 1]! : ' ';
    const after = text[at + 4] ?? '';
    if (!/[\s;|&(`$#]/.test(before) || !/[ \t]/.test(after)) {
      from = at + 4;
      continue;
    }
    let end = at;
    const limit = Math.min(text.length, at + MAX_COMMAND);
    for (;;) {
      const nl = text.indexOf('\n', end);
      if (nl < 0 || nl >= limit) {
        end = nl < 0 ? text.length : nl;
        break;
      }
      let back = nl - 1;
      if (text[back] === '\r') back--;
      const continued = text[back] === '\\' || /^[ \t]+-/.test(text.slice(nl + 1, nl + 64));
      end = nl;
      if (!continued) break;
      end = nl + 1;
    }
    yield { start: at, line: text.slice(at, Math.min(end, limit)) };
    from = Math.max(end, at + 4);
  }
}

function credentialPart(v: string): string {
  return v.startsWith('{') && v.endsWith('}') ? v.slice(1, -1) : v;
}

/** A value strong enough to be a real credential: not a filler, ≥ 6 characters of ≥ 2 kinds. */
function strongCredential(v: string): boolean {
  const inner = credentialPart(v);
  return !isPlaceholder(v) && !isPlaceholder(inner) && inner.length >= 6 && charClasses(inner) >= 2;
}

/** `curl -u user:password` / `--user`: the password, or the user when the password is empty (`-u key:`). */
export function* findCurlCredentials(text: string): Iterable<RuleHit> {
  for (const cmd of curlCommands(text)) {
    const re = /[\s'"](?:-u|--user)(?:[ \t]+|=)/g;
    for (let m = re.exec(cmd.line); m; m = re.exec(cmd.line)) {
      const start = m.index + m[0].length;
      const { word } = shellWord(cmd.line, start);
      const colon = word.indexOf(':');
      if (colon < 0 || isPlaceholder(word)) continue;
      const user = word.slice(0, colon);
      const pass = word.slice(colon + 1);
      const secret = pass.length > 0 ? pass : user;
      if (!strongCredential(secret)) continue;
      const idx = cmd.line.indexOf(secret, start);
      yield { secret, index: cmd.start + (idx >= 0 ? idx : start) };
    }
  }
}

const AUTH_SCHEME =
  /^(?:Bearer|Basic|Token|Api-Token|Digest|Negotiate|OAuth|Bot|JWT|SSWS|GenieKey|Key)[ \t]+/i;
const SECRET_HEADER = /^(?:authorization|proxy-authorization|[\w-]*(?:token|api-?key|secret|auth)[\w-]*)$/i;

/** `curl -H "Authorization: Bearer …"` and other credential headers (`X-Api-Key: …`, `Token: …`). */
export function* findCurlHeaders(text: string): Iterable<RuleHit> {
  for (const cmd of curlCommands(text)) {
    const re = /[\s'"](?:-H|--header)(?:[ \t]+|=)/g;
    for (let m = re.exec(cmd.line); m; m = re.exec(cmd.line)) {
      const start = m.index + m[0].length;
      const { word } = shellWord(cmd.line, start);
      const colon = word.indexOf(':');
      if (colon <= 0 || !SECRET_HEADER.test(word.slice(0, colon).trim())) continue;
      let value = word.slice(colon + 1).trim();
      const scheme = AUTH_SCHEME.exec(value);
      if (scheme) value = value.slice(scheme[0].length).trim();
      if (/\s/.test(value) || value.length < 8 || isPlaceholder(value) || /[({<]/.test(value)) continue;
      if (charClasses(value) < 2) continue;
      if (scheme && /^basic/i.test(scheme[0]) && !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) continue;
      const idx = cmd.line.indexOf(value, start);
      yield { secret: value, index: cmd.start + (idx >= 0 ? idx : start) };
    }
  }
}

/** Hosts that only appear in documentation and tests. */
const DOC_HOST =
  /(?:^|\.)(?:example|bogus|dummy|fake|faketld|invalid|test)(?:\.|$)|^(?:foo|bar|host|hostname|server|your[\w-]*)(?:\.|$)/i;

/** `scheme://user:password@host`: the password. */
function* findUrlCredentials(text: string): Iterable<RuleHit> {
  const re = /:\/\/([^\s:/@"'<>`]{0,128}):([^\s/@"'<>`]{1,256})@([A-Za-z0-9[\]_.-]{1,64})/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const pass = m[2]!;
    if (DOC_HOST.test(m[3]!)) continue;
    if (!looksLikePassword(decodeSafe(pass), 3)) continue;
    if (/^\d{1,5}$/.test(pass)) continue; // host:port@… is not a password
    yield { secret: pass, index: m.index + 3 + m[1]!.length + 1 };
  }
}

function decodeSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

const CODE_EXT =
  /\.(?:py|pyi|js|mjs|cjs|ts|tsx|jsx|go|java|kt|kts|scala|rb|php|c|h|cc|cpp|cxx|hpp|cs|rs|swift|pl|pm|lua|m|r|groovy|dart|vue|ex|exs|erl|hs|ml|clj|tcl|awk|sql|md|rst|txt|html|htm|adoc|tex|texi|pod|1|5|8|po|pot)$/i;

/** Templates meant to be copied and filled in (`.env.example`, `config.yml.sample`). */
const TEMPLATE = /\.(?:example|sample|template|dist|tpl|orig)$/i;

/** `password = value`, `passwd: value`, `"secret": "value"`, `<password>value</password>` in configuration files. */
function* findConfigPasswords(text: string, path: string): Iterable<RuleHit> {
  if (TEMPLATE.test(path)) return;
  const code = CODE_EXT.test(path);
  const re =
    /(passw(?:or)?d|pwd|passphrase|secret)["']?[ \t]{0,16}(?:=>|:=|=|:)[ \t]{0,16}(?:"([^"\n]{0,256})"|'([^'\n]{0,256})'|([^\s"'`,;&#<>(){}[\]]{1,256}))/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[1]!.toLowerCase();
    const quoted = m[2] ?? m[3];
    const value = quoted ?? m[4] ?? '';
    const before = m.index > 0 ? text.charCodeAt(m.index - 1) : 32;
    // inside a longer word (`compwd`, `nosecret`) or a variable expansion (`$PASSWORD`)
    if (
      before === 36 ||
      (key === 'pwd' && ((before >= 97 && before <= 122) || (before >= 65 && before <= 90)))
    )
      continue;
    if (quoted === undefined) {
      if (code) continue;
      const after = text.charCodeAt(m.index + m[0].length);
      if (after === 40 || after === 46 || after === 91) continue; // a call or an expression
      if (/^[A-Za-z_]\w*(?:\.\w+)+$/.test(value)) continue;
      if (value.startsWith('/') || value.startsWith('!') || value.startsWith('~')) continue;
      // prose (`--password : validate password for user`) goes on with words; a setting ends the line
      const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 200).split('\n', 1)[0]!;
      if (!/^\s*(?:[;,)}\]]|#|\/\/|$)/.test(rest)) continue;
    }
    if (/\s/.test(value) || value.startsWith('/')) continue;
    if (/pass|secret|pwd|token/i.test(value)) continue;
    const minLength = key === 'secret' ? 8 : 4;
    if (!looksLikePassword(value, minLength)) continue;
    if (key === 'secret' && entropy(value) < 2.5) continue;
    const offset = m[0].length - (quoted !== undefined ? value.length + 1 : value.length);
    yield { secret: value, index: m.index + offset };
  }
  const xml = /<((?:[A-Za-z]{1,20}[:_.-])?(?:password|passwd|secret))>([^<\n]{1,256})<\//gi;
  for (let m = xml.exec(text); m; m = xml.exec(text)) {
    const value = m[2]!;
    if (/\s/.test(value) || /pass|secret|pwd|token/i.test(value) || !looksLikePassword(value, 4)) continue;
    yield { secret: value, index: m.index + m[1]!.length + 2 };
  }
}

/** `.env` files: `NAME=value` lines whose name says they hold a secret. */
function* findEnvFileSecrets(text: string): Iterable<RuleHit> {
  const re =
    /^[ \t]{0,16}(?:export[ \t]{1,8})?([A-Za-z_][A-Za-z0-9_.-]{0,127})[ \t]{0,8}=[ \t]{0,8}(?:"([^"\n]{0,1024})"|'([^'\n]{0,1024})'|([^\s#]{0,1024}))/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    if (!isSecretName(m[1]!) || !looksLikePassword(value, 4)) continue;
    if (/^(?:https?|file):\/\/[^@]*$/.test(value) || value.startsWith('/')) continue;
    yield { secret: value, index: m.index + m[0].length - value.length - (m[4] === undefined ? 1 : 0) };
  }
}

/** `.netrc`: `password <value>` tokens. */
function* findNetrcPasswords(text: string): Iterable<RuleHit> {
  const re = /(?:^|\s)password[ \t\r\n]{1,16}(\S{1,512})/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const value = m[1]!;
    if (looksLikePassword(value, 1)) yield { secret: value, index: m.index + m[0].length - value.length };
  }
}

/** `/etc/shadow`: accounts whose second field holds a password hash. */
function* findShadowHashes(text: string): Iterable<RuleHit> {
  let start = 0;
  let count = 0;
  while (start < text.length && count < 100_000) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + 4096));
    count++;
    const c1 = line.indexOf(':');
    const c2 = c1 < 0 ? -1 : line.indexOf(':', c1 + 1);
    const field = c1 < 0 ? '' : line.slice(c1 + 1, c2 < 0 ? undefined : c2);
    const locked = field.startsWith('!');
    const hash = field.replace(/^!+/, '');
    if (c1 > 0 && hash !== '' && hash !== '*' && hash !== 'x' && hash !== '!' && !hash.startsWith('*')) {
      const user = line.slice(0, c1);
      yield {
        secret: field,
        index: start + c1 + 1,
        note: `The account \`${user}\` has a password hash in /etc/shadow${locked ? ' (the account is locked, but the hash can still be cracked offline)' : ''}: anyone with the image can attack it offline, and every container from it shares the password.`,
      };
    }
    start = end + 1;
  }
}

const HISTORY_SECRET_OPTION =
  /^(?:--password|--passwd|--pass|-password|--token|--api-key|--apikey|--secret)$/;

/**
 * Secrets in shell command lines (history files, build steps): `mysql -pSECRET`, `--password X`,
 * `--password=X`, `sshpass -p X`, `docker login -p X`, `export TOKEN=X`, `echo user:X | chpasswd`.
 */
export function* findCommandLineSecrets(text: string): Iterable<RuleHit> {
  let start = 0;
  let lines = 0;
  while (start < text.length && lines < 200_000) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + 8192));
    lines++;
    for (const secret of commandSecrets(line)) {
      const i = line.indexOf(secret);
      yield { secret, index: start + Math.max(i, 0) };
    }
    start = end + 1;
  }
}

function commandSecrets(line: string): string[] {
  const out: string[] = [];
  const words: string[] = [];
  for (let p = 0; p < line.length && words.length < 512; ) {
    const c = line[p]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      p++;
      continue;
    }
    if (c === ';' || c === '|' || c === '&') {
      words.push(c);
      p++;
      continue;
    }
    const w = shellWord(line, p);
    if (w.end === p) {
      p++;
      continue;
    }
    words.push(w.word);
    p = w.end;
  }
  const mysql = words.some((w) =>
    /^(?:mysql|mariadb|mysqldump|mysqladmin|mysqlimport|mysqlsh)$/.test(base(w)),
  );
  const sshpass = words.some((w) => base(w) === 'sshpass');
  const login = words.includes('login');
  const push = (v: string | undefined) => {
    if (v !== undefined && looksLikePassword(v, 4) && !out.includes(v)) out.push(v);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const eq = w.indexOf('=');
    if (eq > 0 && HISTORY_SECRET_OPTION.test(w.slice(0, eq))) push(w.slice(eq + 1));
    else if (HISTORY_SECRET_OPTION.test(w)) push(words[i + 1]);
    else if (mysql && /^-p.+/.test(w)) push(w.slice(2));
    else if ((sshpass || login) && w === '-p') push(words[i + 1]);
    else if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.slice(0, eq)) && isSecretName(w.slice(0, eq))) {
      const v = w.slice(eq + 1);
      if (!v.startsWith('/')) push(v);
    }
    if (/^(?:chpasswd|passwd)$/.test(base(w)) && words[i - 1] === '|') {
      // echo 'user:secret' | chpasswd ; echo secret | passwd --stdin user
      const j = words.lastIndexOf('echo', i);
      const said = j >= 0 ? words.slice(j + 1, i - 1).filter((x) => !x.startsWith('-')) : [];
      const v = said.join(' ');
      const colon = v.indexOf(':');
      if (base(w) === 'chpasswd') {
        if (colon > 0 && !words.includes('-e')) push(v.slice(colon + 1));
      } else push(v);
    }
  }
  return out;
}

const HISTORY_FILES = new Set([
  '.bash_history',
  '.zsh_history',
  '.ash_history',
  '.sh_history',
  '.history',
  '.mysql_history',
  '.psql_history',
  '.python_history',
  '.node_repl_history',
]);
export const isShellHistory = (path: string): boolean => HISTORY_FILES.has(base(path));
export const isEnvFile = (path: string): boolean => {
  const b = base(path);
  return (
    (b === '.env' || b.startsWith('.env.')) && !/\.(?:example|sample|template|dist|defaults?|tpl)$/i.test(b)
  );
};
export const isNetrc = (path: string): boolean => base(path) === '.netrc' || base(path) === '_netrc';
export const isNpmrc = (path: string): boolean => base(path) === '.npmrc' || base(path) === 'npmrc';
export const isShadow = (path: string): boolean => path === 'etc/shadow' || path === 'etc/shadow-';

function dockerAuthValid(v: string): boolean {
  if (isPlaceholder(v)) return false;
  const clear = Buffer.from(v, 'base64').toString('utf8');
  const colon = clear.indexOf(':');
  if (colon <= 0) return false;
  const pass = clear.slice(colon + 1);
  return /^[\x20-\x7e]+$/.test(clear) && looksLikePassword(pass, 3);
}

const noExample = (v: string) => !/EXAMPLE/.test(v) && !isPlaceholder(v);

/** The rules, most specific first: a value two rules find is reported by the first. */
export const SECRET_RULES: SecretRule[] = [
  {
    id: 'secret.gcp-service-account-key',
    description: 'A Google Cloud service-account key file (JSON with `private_key`) is stored in the image.',
    level: 4,
    keywords: ['service_account'],
    find: findGcpServiceAccountKeys,
    solution: `Delete the service-account key file from the image, use workload identity or mount the key at run time, ${ROTATE} (delete the key in the Google Cloud console).`,
  },
  {
    id: 'secret.private-key',
    description: 'A private key (PEM, OpenSSH or PGP) is stored in the image.',
    level: 4,
    keywords: ['-----begin'],
    find: findPrivateKeys,
    solution: `Delete the key file from the image and mount it at run time (or use a BuildKit \`RUN --mount=type=ssh\`/\`--mount=type=secret\` during the build), ${ROTATE}: replace the key pair.`,
  },
  {
    id: 'secret.aws-access-key-id',
    description: 'An AWS access key ID is stored in the image.',
    level: 3,
    keywords: ['akia', 'asia', 'abia', 'acca'],
    patterns: [/\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g],
    validate: (v) => noExample(v) && entropy(v.slice(4)) >= 2.5,
    solution: `${CONFIG_FIX.replace('rotate (revoke and reissue) the credential', 'deactivate the access key in IAM and issue a new one')} Prefer IAM roles for the workload.`,
  },
  {
    id: 'secret.aws-secret-access-key',
    description: 'An AWS secret access key is stored in the image.',
    level: 4,
    keywords: ['secret_access_key', 'secretaccesskey', 'secret-access-key', 'aws_secret_key', 'awssecretkey'],
    patterns: [
      /(?:secret[_-]?access[_-]?key|aws[_-]?secret[_-]?key)["']?[ \t]{0,16}(?:=>|:=|=|:)[ \t]{0,16}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    ],
    validate: (v) => noExample(v) && entropy(v) >= 3.5,
    solution:
      'Remove the key from the image and use an IAM role or inject the credentials at run time; deactivate the access key in IAM and issue a new one.',
  },
  {
    id: 'secret.tencent-secret-id',
    description: 'A Tencent Cloud API SecretId (AKID…) is stored in the image.',
    level: 3,
    keywords: ['akid'],
    patterns: [/\b(AKID[A-Za-z0-9]{32})\b/g],
    validate: (v) => noExample(v) && entropy(v.slice(4)) >= 3,
    solution:
      'Remove the SecretId/SecretKey pair from the image and inject it at run time (or use a CAM role); disable the key in the Tencent Cloud CAM console and create a new one.',
  },
  {
    id: 'secret.tencent-secret-key',
    description: 'A Tencent Cloud API SecretKey is stored in the image next to its SecretId.',
    level: 4,
    keywords: ['secretkey', 'secret_key', 'secret-key'],
    patterns: [
      /secret[_-]?key["']?[ \t]{0,16}(?:=>|:=|=|:)[ \t]{0,16}["']?([A-Za-z0-9]{32})(?![A-Za-z0-9])/gi,
    ],
    validate: (v, text) =>
      noExample(v) && entropy(v) >= 3.2 && /AKID[A-Za-z0-9]{32}|tencent|qcloud/i.test(text),
    solution:
      'Remove the SecretId/SecretKey pair from the image and inject it at run time (or use a CAM role); disable the key in the Tencent Cloud CAM console and create a new one.',
  },
  {
    id: 'secret.alibaba-access-key-id',
    description: 'An Alibaba Cloud AccessKey ID (LTAI…) is stored in the image.',
    level: 3,
    keywords: ['ltai'],
    patterns: [/\b(LTAI[A-Za-z0-9]{12,20})\b/g],
    validate: (v) => noExample(v) && entropy(v.slice(4)) >= 3,
    solution:
      'Remove the AccessKey pair from the image and inject it at run time (or use a RAM role); disable the AccessKey in the RAM console and create a new one.',
  },
  {
    id: 'secret.alibaba-access-key-secret',
    description: 'An Alibaba Cloud AccessKey secret is stored in the image.',
    level: 4,
    keywords: ['accesskeysecret', 'access_key_secret', 'access-key-secret'],
    patterns: [
      /access[_-]?key[_-]?secret["']?[ \t]{0,16}(?:=>|:=|=|:)[ \t]{0,16}["']?([A-Za-z0-9]{30})(?![A-Za-z0-9])/gi,
    ],
    validate: (v) => noExample(v) && entropy(v) >= 3.2,
    solution:
      'Remove the AccessKey pair from the image and inject it at run time (or use a RAM role); disable the AccessKey in the RAM console and create a new one.',
  },
  {
    id: 'secret.azure-storage-key',
    description: 'An Azure storage account or Service Bus key is stored in a connection string in the image.',
    level: 4,
    keywords: ['accountkey=', 'sharedaccesskey='],
    patterns: [/(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})(?![A-Za-z0-9+/=])/gi],
    validate: (v) => noExample(v) && entropy(v) >= 4,
    solution:
      'Remove the connection string from the image, use a managed identity or inject it at run time, and regenerate the account key in the Azure portal.',
  },
  {
    id: 'secret.azure-client-secret',
    description: 'An Azure AD (Entra ID) application client secret is stored in the image.',
    level: 3,
    keywords: ['q~'],
    patterns: [/(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g],
    validate: (v) => looksRandom(v.slice(6), 3.5),
    solution:
      'Remove the client secret from the image (use a managed identity or inject it at run time) and delete it from the app registration, creating a new one.',
  },
  {
    id: 'secret.github-token',
    description: 'A GitHub access token is stored in the image.',
    level: 3,
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    patterns: [/\b(gh[pousr]_[A-Za-z0-9]{36})\b/g, /\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b/g],
    // classic tokens carry a CRC-32 checksum: a string of the right shape without it is not a token
    validate: (v) => (v.startsWith('github_pat_') ? looksRandom(v.slice(11), 3.5) : githubChecksumValid(v)),
    solution: `${CONFIG_FIX.replace('rotate (revoke and reissue) the credential', 'revoke the token in GitHub (Settings → Developer settings) and issue a new one')}`,
  },
  {
    id: 'secret.gitlab-token',
    description: 'A GitLab access token is stored in the image.',
    level: 3,
    keywords: ['glpat-', 'glptt-', 'glrt-', 'gldt-'],
    patterns: [/\b(gl(?:pat|ptt|rt|dt)-[A-Za-z0-9_.-]{20,80})(?![A-Za-z0-9_.-])/g],
    validate: (v) => looksRandom(v.replace(/^gl[a-z]+-/, ''), 3.5),
    solution: `${CONFIG_FIX.replace('rotate (revoke and reissue) the credential', 'revoke the token in GitLab and issue a new one')}`,
  },
  {
    id: 'secret.slack-token',
    description: 'A Slack API token is stored in the image.',
    level: 3,
    keywords: ['xox', 'xapp-'],
    patterns: [
      /\b(xoxb-[0-9]{8,14}-(?:[0-9]{8,14}-)?[A-Za-z0-9]{18,34})\b/g,
      /\b(xox[aposre]-(?:[0-9]-)?[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[a-f0-9]{10,64})\b/g,
      /\b(xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{100,200})\b/g,
      /\b(xoxe-[0-9]-[A-Za-z0-9]{100,200})\b/g,
      /\b(xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{32,80})\b/g,
    ],
    validate: (v) => !isPlaceholder(v) && entropy(v.slice(v.lastIndexOf('-') + 1)) >= 3,
    solution: `${CONFIG_FIX.replace('rotate (revoke and reissue) the credential', 'revoke the token in the Slack app settings and issue a new one')}`,
  },
  {
    id: 'secret.slack-webhook',
    description:
      'A Slack incoming-webhook URL (which lets anyone post to the channel) is stored in the image.',
    level: 3,
    keywords: ['hooks.slack.com'],
    patterns: [/(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,160})/gi],
    validate: (v) => looksRandom(v.slice(v.indexOf('.com/') + 5), 3.5),
    solution: `${CONFIG_FIX.replace('rotate (revoke and reissue) the credential', 'delete the webhook in the Slack app settings and create a new one')}`,
  },
  {
    id: 'secret.stripe-key',
    description: 'A Stripe live secret or restricted key is stored in the image.',
    level: 4,
    keywords: ['sk_live_', 'rk_live_'],
    patterns: [/\b((?:sk|rk)_live_[A-Za-z0-9]{20,247})\b/g],
    validate: (v) => looksRandom(v.slice(8), 3.5),
    solution: `${CONFIG_FIX.replace('rotate (revoke and reissue) the credential', 'roll the key in the Stripe dashboard')}`,
  },
  {
    id: 'secret.npm-token',
    description: 'An npm access token is stored in the image.',
    level: 3,
    keywords: ['npm_'],
    patterns: [/\b(npm_[A-Za-z0-9]{36})\b/g],
    validate: (v) => looksRandom(v.slice(4), 3.5),
    solution:
      'Remove the token (and any .npmrc holding it) from the image, pass it as a BuildKit secret during the build (`RUN --mount=type=secret,id=npmrc`), and revoke it with `npm token revoke`.',
  },
  {
    id: 'secret.npmrc-auth',
    description: 'An npm registry credential (`_authToken`, `_auth` or `_password`) is stored in an .npmrc.',
    level: 3,
    keywords: ['_authtoken', '_auth', '_password'],
    paths: isNpmrc,
    patterns: [/(?:_authToken|_auth|_password)[ \t]{0,8}=[ \t]{0,8}["']?([^\s"']{1,2048})/g],
    validate: (v) => looksLikePassword(v, 4),
    solution:
      'Remove the .npmrc from the image (pass it as a BuildKit secret: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) and revoke the token at the registry.',
  },
  {
    id: 'secret.pypi-token',
    description: 'A PyPI upload token is stored in the image.',
    level: 3,
    keywords: ['pypi-ageichlwas5vcmc', 'pypi-agendgvzdc5wexbplm9yzw'],
    patterns: [/\b(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})/g],
    validate: (v) => looksRandom(v.slice(24), 3.5),
    solution:
      'Remove the token (and any .pypirc holding it) from the image, pass it at publish time only, and delete it in the PyPI account settings.',
  },
  {
    id: 'secret.docker-config-auth',
    description:
      'A registry login (`auths` → `auth`, base64 of user:password) from a Docker config.json is stored in the image.',
    level: 3,
    keywords: ['"auth"'],
    patterns: [/"auth"[ \t]{0,8}:[ \t]{0,8}"([A-Za-z0-9+/]{4,4096}={0,2})"/g],
    validate: dockerAuthValid,
    solution:
      'Remove .docker/config.json from the image (log in at run time or use a credential helper), and change the registry password or revoke the token.',
  },
  {
    id: 'secret.jwt',
    description: 'A signed JSON Web Token (a bearer credential) is stored in the image.',
    level: 3,
    keywords: ['eyj'],
    find: findJwts,
    solution: `${CONFIG_FIX.replace('rotate (revoke and reissue) the credential', 'revoke the token (or rotate its signing key) and issue a new one')}`,
  },
  {
    id: 'secret.shadow-hash',
    description: 'An account has a password hash in /etc/shadow.',
    level: 3,
    keywords: [],
    paths: isShadow,
    find: findShadowHashes,
    solution:
      'Lock the account in the image (`passwd -l USER` or `usermod -p "*" USER` in the Dockerfile, or do not set a password at build time) and use keys or run-time secrets instead; change that password wherever else it is used.',
  },
  {
    id: 'secret.netrc-password',
    description: 'A password in a .netrc file is stored in the image.',
    level: 3,
    keywords: ['password'],
    paths: isNetrc,
    find: findNetrcPasswords,
    solution: FILE_FIX,
  },
  {
    id: 'secret.curl-credentials',
    description: 'A curl command with a user password (`-u user:password`) is stored in the image.',
    level: 3,
    keywords: ['curl'],
    find: findCurlCredentials,
    solution: `Remove the command or the file holding it from the image and pass credentials from a secret at run time (\`curl --netrc-file\` from a mounted secret), ${ROTATE}.`,
  },
  {
    id: 'secret.curl-auth-header',
    description:
      'A curl command sending a credential header (`Authorization: Bearer …`, an API key) is stored in the image.',
    level: 3,
    keywords: ['curl'],
    find: findCurlHeaders,
    solution: `Remove the command or the file holding it from the image and read the token from a secret at run time (\`curl -H @/run/secrets/header\`), ${ROTATE}.`,
  },
  {
    id: 'secret.url-credentials',
    description:
      'A URL with an embedded password (`scheme://user:password@host`: connection strings, git credentials) is stored in the image.',
    level: 3,
    keywords: ['://'],
    generic: true,
    find: findUrlCredentials,
    solution: CONFIG_FIX,
  },
  {
    id: 'secret.shell-history',
    description: 'A shell history file holds a command with a password or token.',
    level: 3,
    keywords: [],
    generic: true,
    paths: isShellHistory,
    find: findCommandLineSecrets,
    solution: `Delete the history file from the image (and do not build images from an interactive shell), ${ROTATE}.`,
  },
  {
    id: 'secret.env-file',
    description: 'A .env file holds a password, token or key.',
    level: 3,
    keywords: [],
    generic: true,
    paths: isEnvFile,
    find: findEnvFileSecrets,
    solution: `Delete the .env file from the image (add it to .dockerignore) and pass the values at run time, ${ROTATE}.`,
  },
  {
    id: 'secret.config-password',
    description: 'A password or secret is written in clear in a configuration file.',
    level: 2,
    keywords: ['password', 'passwd', 'pwd', 'passphrase', 'secret'],
    generic: true,
    find: findConfigPasswords,
    solution: CONFIG_FIX,
  },
];
