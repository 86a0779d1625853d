export {
  BINARY_PROBE,
  createSecretFileAnalyzer,
  isSpecialSecretFile,
  MAX_SPECIAL_FILE,
  MAX_TEXT_FILE,
  type SecretScanStats,
  secretFileAnalyzer,
  secretFindings,
  wantsSecretFile,
} from './file-analyzer.js';
export { buildLineSecrets, checkBuildSecrets, secretImageCheck } from './image-check.js';
export { hashSecret, leaks, type MaskedSecret, maskIn, maskSecret, maskValue, safeExcerpt } from './mask.js';
export {
  findCommandLineSecrets,
  findCurlCredentials,
  findCurlHeaders,
  isEnvFile,
  isNetrc,
  isNpmrc,
  isShadow,
  isShellHistory,
  pemBody,
  type RuleHit,
  SECRET_RULES,
  type SecretRule,
} from './rules.js';
export { MAX_MATCHES_PER_TEXT, type SecretMatch, scanText } from './scan-text.js';
export { charClasses, entropy, isPlaceholder, isSecretName, looksLikePassword, looksRandom } from './text.js';
