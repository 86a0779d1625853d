/** Small judgements on candidate secret values shared by the rules and the build checks. */

const PLACEHOLDER_WORDS = new Set([
  '',
  'changeme',
  'change_me',
  'change-me',
  'changeit',
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'secrets',
  'token',
  'apikey',
  'api_key',
  'key',
  'test',
  'testing',
  'tests',
  'example',
  'sample',
  'dummy',
  'none',
  'null',
  'nil',
  'undefined',
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'foo',
  'bar',
  'foobar',
  'baz',
  'user',
  'username',
  'login',
  'admin',
  'root',
  'required',
  'optional',
  'string',
  'str',
  'text',
  'value',
  'default',
  'todo',
  'fixme',
  'tbd',
  'n/a',
  'na',
  'empty',
  'hidden',
  'redacted',
  'masked',
  'secret_key',
  'secretkey',
  'mypassword',
  'yourpassword',
  'mysecret',
  'xxx',
  'yyy',
  'zzz',
  'abc',
  'abc123',
  '123',
  '1234',
  '12345',
  '123456',
  'qwerty',
  'letmein',
  'prompt',
  'ask',
  'env',
  'file',
  'files',
  'stdin',
  'auto',
  'random',
  'generate',
  'generated',
  'unset',
  'unknown',
  'any',
  'anything',
  'public',
]);

const PLACEHOLDER_PARTS =
  /example|sample|dummy|placeholder|changeme|change_me|your[_\- ]?(?:pass|secret|token|key|api|own)|redacted|insert[_\- ]?|replace[_\- ]?me|fake|<[^>]*>|xxxx|\*\*\*|####|\.\.\.|•••/i;

/**
 * A value that stands for a secret without being one: empty, a well-known filler word, runs of `x`, `*`
 * or `#`, a variable or template reference (`$VAR`, `${VAR}`, `$(cmd)`, `{{ x }}`, `%(x)s`, `<password>`,
 * `[PASSWORD]`, `@VAR@`), or text that says it is an example.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return true;
  if (/^(.)\1*$/.test(v)) return true;
  if (/^[xX*#•.\-_?]+$/.test(v)) return true;
  if (v.startsWith('$') || v.startsWith('%') || v.startsWith('&') || v.startsWith('`')) return true;
  if (v.includes('${') || v.includes('$(') || v.includes('{{') || v.includes('#{') || v.includes('%('))
    return true;
  if (/\$[A-Za-z_]{2,}/.test(v)) return true;
  if (/^\[.*\]$/.test(v) || /^<.*>$/.test(v) || /^@.*@$/.test(v) || /^\{[A-Za-z_ .]*\}$/.test(v)) return true;
  if (PLACEHOLDER_PARTS.test(v)) return true;
  return false;
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** How many of lower case, upper case, digits and other printable characters the value uses. */
export function charClasses(value: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

/** A random-looking token: not a placeholder and at least `minBits` of entropy per character. */
export function looksRandom(value: string, minBits = 3): boolean {
  return !isPlaceholder(value) && entropy(value) >= minBits;
}

/** A password-like value: not a placeholder, at least `minLength` long and not a bare number under 6 digits. */
export function looksLikePassword(value: string, minLength = 4): boolean {
  const v = value.trim();
  if (v.length < minLength || isPlaceholder(v)) return false;
  if (/^\d{1,5}$/.test(v)) return false;
  return true;
}

const SECRET_NAME =
  /pass(?:word|wd|phrase)|(?:^|[_.-])pass$|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|(?:^|[_.-])auth$|(?:^|[_.-])key$/i;
const NOT_SECRET_NAME =
  /public|publishable|_file$|_path$|_dir$|_url$|_uri$|_host$|_user(?:name)?$|_id$|_name$|_type$|_length$|_len$|_size$|_expir|_ttl$|_timeout$|_enabled?$|_mode$|_method$|_header$|_endpoint$|_algorithm$|_version$|_policy$|_hash$|_sha\d*$|_md5$|_keyring$|_keyfile$|^gpg_?key|^no_?auth|_auth_type|_required$|_disabled$/i;

/**
 * Whether a variable name says it holds a secret (`DB_PASSWORD`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`,
 * `API_KEY`) and not merely something about one (`*_FILE`, `*_PATH`, `*_ID`, `*_USER`, `PUBLIC_KEY`).
 */
export function isSecretName(name: string): boolean {
  if (!SECRET_NAME.test(name)) return false;
  if (NOT_SECRET_NAME.test(name)) return false;
  // GPG key ids, key servers and keymaps are not secrets
  if (/keyserver|keymap|keyboard|keyid|key_?id$|monkey|turkey|hockey|donkey/i.test(name)) return false;
  return true;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib) of the ASCII string `s`. */
export function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` in base 62 (digits, upper, lower), left-padded with `0` to `width`. */
export function base62(n: number, width: number): string {
  let s = '';
  do {
    s = BASE62[n % 62]! + s;
    n = Math.floor(n / 62);
  } while (n > 0);
  return s.padStart(width, '0');
}

/**
 * GitHub's token checksum (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/):
 * the last 6 characters of `gh?_` + 30 random + 6 are the base-62 CRC-32 of the 30 random ones.
 */
export function githubChecksumValid(token: string): boolean {
  if (token.length !== 40) return false;
  return base62(crc32(token.slice(4, 34)), 6) === token.slice(34);
}
