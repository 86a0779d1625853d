import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';

const DOC = /^usr\/share\/doc\/([^/]+)\/copyright$/;
const LICENSE_FIELD = /^License:[ \t]*(.*)$/gm;
const COMMON_LICENSES = /\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+_-]*[A-Za-z0-9+])/g;
const SHORT_NAME = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;

/**
 * License short names a Debian copyright file states: the `License:` fields of the machine-readable
 * format (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/), split on `or`/`and`,
 * and the `/usr/share/common-licenses/NAME` files free-form ones refer to. In order of first mention.
 */
export function copyrightLicenses(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(LICENSE_FIELD)) {
    for (const part of (m[1] ?? '').split(/\s+(?:or|and)\s+|\s*,\s*/i)) {
      const name = part.trim();
      // `none` is the format's word for "no license statement here"
      if (SHORT_NAME.test(name) && name.toLowerCase() !== 'none') found.add(name);
    }
  }
  for (const m of text.matchAll(COMMON_LICENSES)) found.add(m[1]!);
  return [...found];
}

/** Licenses of installed Debian packages, from `usr/share/doc/<package>/copyright`. */
export const dpkgCopyrightAnalyzer: Analyzer = {
  name: 'dpkg-copyright',
  version: 1,
  maxFileSize: 1024 * 1024,
  wants(info: FileInfo): boolean {
    return DOC.test(info.path);
  },
  analyze(file: AnalyzerFile): FileFindings | undefined {
    const name = DOC.exec(file.info.path)?.[1];
    if (!name || file.content.includes(0)) return undefined;
    const licenses = copyrightLicenses(file.content.toString('utf8'));
    return licenses.length ? { packageLicenses: { type: 'deb', name, licenses } } : undefined;
  },
};
