import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { parseDepsJson } from './deps-json.js';

/** NuGet packages a .NET application loads (`type: nuget`), from its `*.deps.json`. */
export const nugetDepsAnalyzer: Analyzer = {
  name: 'nuget-deps',
  version: 1,
  maxFileSize: 32 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return info.path.endsWith('.deps.json');
  },
  analyze(file: AnalyzerFile): FileFindings {
    const { components, problems } = parseDepsJson(file.content.toString('utf8'));
    const f: FileFindings = { components };
    if (problems.length) f.problems = problems;
    return f;
  },
};
