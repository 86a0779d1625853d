import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { OS_FILES, readOsFile } from './os-files.js';

const WANTED = new Set(OS_FILES);

/**
 * What each OS identification file says (`{ os }` with `source` = its path); `resolveOs` combines
 * the answers of the files present in the final filesystem into the image's OS.
 */
export const osAnalyzer: Analyzer = {
  name: 'os-release',
  version: 1,
  maxFileSize: 64 * 1024,
  wants(info: FileInfo): boolean {
    return WANTED.has(info.path);
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (file.content.includes(0)) return { problems: ['binary content (NUL bytes): not a release file'] };
    const { os, problems } = readOsFile(file.info.path, file.content.toString('utf8'));
    const findings: FileFindings = {};
    if (os) findings.os = os;
    if (problems.length > 0) findings.problems = problems.slice(0, 20);
    return findings;
  },
};
