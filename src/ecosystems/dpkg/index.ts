export { dpkgAnalyzer, isDpkgDatabase } from './dpkg-analyzer.js';
export { type DpkgStatusOptions, type DpkgStatusResult, parseDpkgStatus } from './dpkg-status.js';
