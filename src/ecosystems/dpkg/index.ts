export { dpkgAnalyzer, isDpkgDatabase } from './dpkg-analyzer.js';
export { copyrightLicenses, dpkgCopyrightAnalyzer } from './dpkg-copyright.js';
export { type DpkgStatusOptions, type DpkgStatusResult, parseDpkgStatus } from './dpkg-status.js';
