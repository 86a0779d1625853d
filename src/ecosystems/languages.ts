import type { Analyzer } from '../core/analyzer.js';
import type { LanguageEcosystem } from '../core/ecosystem.js';
import { cargoEcosystem } from './cargo/index.js';
import { composerEcosystem } from './composer/index.js';
import { gemEcosystem } from './gem/index.js';
import { golangEcosystem } from './golang/index.js';
import { mavenEcosystem } from './maven/index.js';
import { npmEcosystem } from './npm/index.js';
import { nugetEcosystem } from './nuget/index.js';
import { pypiEcosystem } from './pypi/index.js';

/**
 * Every language ecosystem hullscan knows, one folder each. To add one: create
 * `src/ecosystems/<type>/index.ts` exporting a `LanguageEcosystem`, and list it here.
 */
export const LANGUAGE_ECOSYSTEMS: readonly LanguageEcosystem[] = [
  npmEcosystem,
  pypiEcosystem,
  golangEcosystem,
  cargoEcosystem,
  mavenEcosystem,
  gemEcosystem,
  composerEcosystem,
  nugetEcosystem,
];

const byType = new Map(LANGUAGE_ECOSYSTEMS.map((e) => [e.type, e]));

/** The language ecosystem of a component type, undefined for OS packages. */
export function languageEcosystem(type: string): LanguageEcosystem | undefined {
  return byType.get(type);
}

/** The analyzers of every language ecosystem, in registry order. */
export function languageAnalyzers(): Analyzer[] {
  return LANGUAGE_ECOSYSTEMS.flatMap((e) => e.analyzers);
}
