import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { isJavaArchiveName, looksLikeZip, pomPropertiesComponent, scanJavaArchive } from './java-archive.js';

/**
 * Maven artifacts (`type: maven`) in Java archives: `*.jar`, `*.war`, `*.ear`, Jenkins `*.hpi`/`*.jpi`,
 * `*.par`, `*.sar`, `*.nar`, `*.kar`, and `*.rar` resource adapters (a `.rar` that is no zip, a RAR
 * archive, is left alone), archives nested inside them included; see java-archive.ts.
 */
export const mavenArchiveAnalyzer: Analyzer = {
  name: 'maven-archive',
  version: 1,
  // application servers' EARs and fat jars run to hundreds of MiB
  maxFileSize: 512 * 1024 * 1024,
  wants(info: FileInfo): boolean {
    return isJavaArchiveName(info.path);
  },
  async analyze(file: AnalyzerFile): Promise<FileFindings | undefined> {
    const { info, content } = file;
    if (info.path.toLowerCase().endsWith('.rar') && !looksLikeZip(content)) return undefined;
    const { components, problems } = await scanJavaArchive(content, info.path);
    const findings: FileFindings = {};
    if (components.length > 0) findings.components = components;
    if (problems.length > 0) findings.problems = problems;
    return findings;
  },
};

/** Where Maven's archiver writes pom.properties; found outside an archive in exploded WARs and jars. */
const POM_PROPERTIES_DIR = 'META-INF/maven/';
const POM_PROPERTIES_FILE = '/pom.properties';

/**
 * Maven artifacts unpacked onto the filesystem (an exploded WAR, a fat jar extracted by
 * `jar -xf` as Spring Boot's Docker guide does): `…/META-INF/maven/<g>/<a>/pom.properties` files.
 */
export const mavenPomPropertiesAnalyzer: Analyzer = {
  name: 'maven-pom-properties',
  version: 1,
  maxFileSize: 1024 * 1024,
  wants(info: FileInfo): boolean {
    return info.path.endsWith(POM_PROPERTIES_FILE) && info.path.includes(POM_PROPERTIES_DIR);
  },
  analyze(file: AnalyzerFile): FileFindings | undefined {
    if (file.content.includes(0))
      return { problems: ['binary content (NUL bytes): not a pom.properties file'] };
    const c = pomPropertiesComponent(file.info.path, file.content.toString('latin1'));
    return c ? { components: [c] } : undefined;
  },
};
