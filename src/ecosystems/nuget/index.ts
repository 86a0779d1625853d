import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { nugetDepsAnalyzer } from './nuget-analyzer.js';
import { nugetVersion } from './nuget-version.js';

export { nugetPurl, parseDepsJson } from './deps-json.js';
export { nugetDepsAnalyzer } from './nuget-analyzer.js';
export { nugetVersion } from './nuget-version.js';

/** .NET packages: `*.deps.json` of deployed apps, NuGet's version order, OSV `NuGet` (names case-insensitive). */
export const nugetEcosystem: LanguageEcosystem = {
  type: 'nuget',
  osv: 'NuGet',
  analyzers: [nugetDepsAnalyzer],
  versions: nugetVersion,
};
