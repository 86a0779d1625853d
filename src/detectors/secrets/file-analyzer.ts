import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import type { RiskFinding } from '../../core/finding.js';
import { maskIn, maskSecret, maskValue, safeExcerpt } from './mask.js';
import { isEnvFile, isNetrc, isNpmrc, isShadow, isShellHistory, SECRET_RULES } from './rules.js';
import { scanText } from './scan-text.js';

/** Ordinary files larger than this are not offered to the rules (they are rarely hand-written config). */
export const MAX_TEXT_FILE = 2 * 1024 * 1024;
/** Special files (keys, .env, histories, shadow…) are read up to this size; larger ones are recorded as problems. */
export const MAX_SPECIAL_FILE = 8 * 1024 * 1024;
/** Content with a NUL byte in this many leading bytes is binary and skipped. */
export const BINARY_PROBE = 8192;

/** Counters of one analyzer instance (files it read, bytes, binary files it skipped). */
export interface SecretScanStats {
  filesScanned: number;
  bytesScanned: number;
  binarySkipped: number;
  /** ordinary text files over MAX_TEXT_FILE that `wants` turned down (special files over the cap become problems) */
  overCapSkipped: number;
}

function base(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

const SPECIAL_NAMES = new Set([
  '.pypirc',
  '.git-credentials',
  '.pgpass',
  '.my.cnf',
  '.s3cfg',
  '.htpasswd',
  '.boto',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'id_ecdsa_sk',
  'id_ed25519_sk',
]);
const SPECIAL_EXT = /\.(?:pem|key|p8|ppk|env)$/i;

/** Files always read whatever their place or size (up to MAX_SPECIAL_FILE): the usual homes of credentials. */
export function isSpecialSecretFile(path: string): boolean {
  const b = base(path);
  return (
    SPECIAL_NAMES.has(b) ||
    isEnvFile(path) ||
    isShellHistory(path) ||
    isNetrc(path) ||
    isNpmrc(path) ||
    isShadow(path) ||
    SPECIAL_EXT.test(b) ||
    path.endsWith('.docker/config.json') ||
    path.endsWith('.aws/credentials') ||
    path.endsWith('gcloud/application_default_credentials.json')
  );
}

/** Trees of distribution data, documentation and toolchains: not where an image's own secrets live. */
const SKIP_PREFIXES = [
  'usr/share/doc/',
  'usr/share/man/',
  'usr/share/info/',
  'usr/share/locale/',
  'usr/lib/locale/',
  'usr/share/i18n/',
  'usr/share/zoneinfo/',
  'usr/share/mime/',
  'usr/share/icons/',
  'usr/share/fonts/',
  'usr/share/pixmaps/',
  'usr/share/X11/',
  'usr/share/terminfo/',
  'usr/share/common-licenses/',
  'usr/share/ca-certificates/',
  'etc/ssl/certs/',
  'usr/share/gtk-doc/',
  'usr/share/help/',
  'usr/share/perl/',
  'usr/share/perl5/',
  'usr/share/vim/',
  'usr/share/javascript/',
  'usr/share/bash-completion/',
  'usr/share/zsh/',
  'usr/share/lintian/',
  'bin/',
  'sbin/',
  'usr/bin/',
  'usr/sbin/',
  'usr/libexec/',
  'usr/lib/x86_64-linux-gnu/',
  'usr/lib/aarch64-linux-gnu/',
  'usr/lib/gcc/',
  'usr/lib/systemd/',
  'lib/systemd/',
  'usr/lib/udev/',
  'lib/udev/',
  'usr/include/',
  'usr/src/',
  'usr/lib/modules/',
  'lib/modules/',
  'usr/lib/firmware/',
  'lib/firmware/',
  'usr/lib/jvm/',
  'usr/local/go/',
  'usr/lib/go/',
  'usr/share/go/',
  'usr/lib/python3/dist-packages/',
  'var/lib/dpkg/',
  'var/lib/rpm/',
  'var/lib/apk/',
  'lib/apk/db/',
  'var/lib/apt/lists/',
  'var/cache/',
  'var/log/',
  'proc/',
  'sys/',
  'dev/',
];
const SKIPPED = new RegExp(
  `^(?:${SKIP_PREFIXES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
);
/** Language toolchains shipped with their own test keys (`usr/share/go-1.19/src/crypto/tls/testdata`). */
const TOOLCHAINS = /^usr\/(?:share|lib|local)\/go[-\d.]*\//;
/** Standard libraries of interpreters (site-/dist-packages below them are still read). */
const STDLIB =
  /^usr\/(?:local\/)?lib\/(?:python\d[\d.]*\/(?!site-packages\/|dist-packages\/)|[^/]*-linux-[^/]*\/perl|ruby\/\d)/;
/** Installed software and its dependencies (system library trees, package-manager folders). */
export const LIBRARY_TREE =
  /^(?:usr\/(?:local\/)?(?:lib|lib64|libexec|share)\/|(?:usr\/)?s?bin\/|opt\/[^/]+\/lib\/)|(?:^|\/)(?:node_modules|site-packages|dist-packages|gems|vendor|third_party|vendored|pkg\/mod|\.cargo\/registry)\//;
/** Test, example and documentation folders: inside installed software their keys and tokens are public fixtures. */
const FIXTURE_DIR =
  /(?:^|\/)(?:tests?|__tests__|spec|specs|testdata|test_data|test-data|testing|fixtures?|__fixtures__|examples?|samples?|docs?|benchmarks?|dummyserver)\//;
const BINARY_EXT =
  /\.(?:so(?:\.[\d.]+)?|a|o|ko|pyc|pyo|class|jar|war|ear|whl|egg|gz|tgz|xz|bz2|zst|lz4|lzma|zip|7z|rar|deb|rpm|apk|png|jpe?g|gif|bmp|ico|webp|tiff?|svg|woff2?|ttf|otf|eot|pdf|mo|gmo|db|sqlite3?|mp3|mp4|ogg|wav|flac|avi|mkv|wasm|node|exe|dll|dylib|bin|dat|pack|idx|cache|pf2|mmdb|icns|psd|xcf)$/i;

/** Cheap, path-only: which files the secret rules read. */
export function wantsSecretFile(info: FileInfo): boolean {
  if (info.directory) return false;
  const path = info.path;
  const skipped = () =>
    SKIPPED.test(path) ||
    TOOLCHAINS.test(path) ||
    STDLIB.test(path) ||
    (LIBRARY_TREE.test(path) && FIXTURE_DIR.test(path));
  if (isSpecialSecretFile(path)) return !(SPECIAL_EXT.test(path) && skipped());
  if (info.size === 0 || info.size > MAX_TEXT_FILE) return false;
  return !BINARY_EXT.test(path) && !skipped();
}

/**
 * The rules run on installed software: only those of exact formats (keys, cloud keys, tokens). Library
 * code and docs are full of example passwords, URLs with credentials and sample JWTs; the config
 * password, URL, curl and JWT rules run only on the image's own files.
 */
const LIBRARY_RULES = SECRET_RULES.filter(
  (r) => !r.generic && !['secret.jwt', 'secret.curl-credentials', 'secret.curl-auth-header'].includes(r.id),
);

const EXCERPT = 160;

/** The line holding `index`, every secret on it masked, shortened around the masked secret. */
function excerpt(text: string, index: number, secrets: string[], secret: string): string {
  let start = text.lastIndexOf('\n', index) + 1;
  if (index - start > 4096) start = index - 256;
  let end = text.indexOf('\n', index);
  if (end < 0 || end - index > 4096) end = Math.min(text.length, index + 4096);
  const line = Buffer.from(text.slice(start, end), 'latin1').toString('utf8');
  const masked = maskIn(line, secrets).replace(/\s+/g, ' ').trim();
  if (masked.length <= EXCERPT) return masked;
  const at = Math.max(0, masked.indexOf(maskValue(secret)));
  const from = Math.max(0, at - 60);
  return `${from > 0 ? '…' : ''}${masked.slice(from, from + EXCERPT)}${from + EXCERPT < masked.length ? '…' : ''}`;
}

/** The findings of the secret rules over one file's content (path as in the image). */
export function secretFindings(path: string, content: Buffer): RiskFinding[] {
  const text = content.toString('latin1');
  const library = LIBRARY_TREE.test(path) && !isSpecialSecretFile(path);
  const matches = scanText(text, path, library ? LIBRARY_RULES : SECRET_RULES);
  if (matches.length === 0) return [];
  const clear = matches.map((m) => Buffer.from(m.secret, 'latin1').toString('utf8'));
  const raw = matches.map((m) => m.secret);
  return matches.map((m, i) => ({
    type: 2,
    behavior: 3,
    level: m.level,
    rule: m.rule.id,
    desc: m.description,
    instruction: safeExcerpt(
      `${path}:${m.line}: ${excerpt(text, m.index, raw, m.secret)}`,
      [...clear, ...raw],
      `${path}:${m.line}: (excerpt withheld: it would show part of the secret)`,
    ),
    solution: m.rule.solution,
    path,
    ...maskSecret(clear[i]!),
  }));
}

/** A secret file analyzer with its own counters. */
export function createSecretFileAnalyzer(): Analyzer & { stats: SecretScanStats } {
  const stats: SecretScanStats = { filesScanned: 0, bytesScanned: 0, binarySkipped: 0, overCapSkipped: 0 };
  return {
    name: 'secret-files',
    version: 1,
    maxFileSize: MAX_SPECIAL_FILE,
    stats,
    wants(info: FileInfo): boolean {
      if (wantsSecretFile(info)) return true;
      if (info.size > MAX_TEXT_FILE && wantsSecretFile({ ...info, size: 1 })) stats.overCapSkipped++;
      return false;
    },
    analyze(file: AnalyzerFile): FileFindings | undefined {
      const { content, info } = file;
      if (content.subarray(0, BINARY_PROBE).includes(0)) {
        stats.binarySkipped++;
        return undefined;
      }
      stats.filesScanned++;
      stats.bytesScanned += content.length;
      try {
        const risks = secretFindings(info.path, content);
        return risks.length > 0 ? { risks } : undefined;
      } catch (e) {
        return { problems: [`secret rules failed: ${(e as Error).message}`] };
      }
    },
  };
}

/**
 * `secret-files`: private keys, cloud keys, tokens, passwords in configuration, .env files, shell
 * histories, .netrc, .git-credentials and /etc/shadow hashes (risk Type 2, Behavior 3), one finding
 * per (rule, distinct secret) per file, masked.
 */
export const secretFileAnalyzer = createSecretFileAnalyzer();
