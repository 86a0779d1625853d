import type { Analyzer } from '../core/analyzer.js';
import type { OsInfo } from '../core/os.js';
import { osAnalyzer, resolveOs } from '../detectors/os/index.js';
import { apkAnalyzer } from '../ecosystems/apk/index.js';
import { dpkgAnalyzer, dpkgCopyrightAnalyzer } from '../ecosystems/dpkg/index.js';
import { languageAnalyzers } from '../ecosystems/languages.js';
import { rpmAnalyzer } from '../ecosystems/rpm/rpm-analyzer.js';

export const OS_ANALYZER = osAnalyzer.name;

/**
 * The analyzers a scan runs unless told otherwise: OS release, the OS package databases, Debian
 * copyright files, then every language ecosystem's.
 */
export function defaultAnalyzers(): Analyzer[] {
  return [osAnalyzer, dpkgAnalyzer, dpkgCopyrightAnalyzer, apkAnalyzer, rpmAnalyzer, ...languageAnalyzers()];
}

/** The image's OS from every candidate file surviving in the final filesystem. */
export function pickOs(candidates: Map<string, OsInfo>): OsInfo | undefined {
  return resolveOs(candidates);
}
