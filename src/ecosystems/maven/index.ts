import type { LanguageEcosystem } from '../../core/ecosystem.js';
import { mavenArchiveAnalyzer, mavenPomPropertiesAnalyzer } from './maven-analyzer.js';
import { mavenVersion } from './maven-version.js';

export { type JarManifest, parseManifest, parseProperties } from './jar-text.js';
export {
  type ArchiveLimits,
  DEFAULT_LIMITS,
  isJavaArchiveName,
  JAVA_ARCHIVE_EXTENSIONS,
  scanJavaArchive,
} from './java-archive.js';
export { mavenArchiveAnalyzer, mavenPomPropertiesAnalyzer } from './maven-analyzer.js';
export { mavenVersion } from './maven-version.js';

/**
 * Java: Maven artifacts in Java archives (nested ones included) and in unpacked pom.properties files,
 * named `groupId:artifactId`, ordered by Maven's version order.
 */
export const mavenEcosystem: LanguageEcosystem = {
  type: 'maven',
  osv: 'Maven',
  analyzers: [mavenArchiveAnalyzer, mavenPomPropertiesAnalyzer],
  versions: mavenVersion,
};
