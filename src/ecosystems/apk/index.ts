export { APK_INSTALLED_PATHS, apkAnalyzer } from './apk-analyzer.js';
export { type ApkInstalledResult, parseApkInstalled, splitApkLicense } from './apk-installed.js';
