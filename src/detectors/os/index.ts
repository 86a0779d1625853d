export { osAnalyzer } from './os-analyzer.js';
export { OS_FILES, readOsFile } from './os-files.js';
export { parseOsRelease } from './os-release.js';
export { resolveOs } from './resolve-os.js';
