import type { Analyzer, AnalyzerFile, FileFindings, FileInfo } from '../../core/analyzer.js';
import { parseCoreMetadata, pypiComponent } from './metadata.js';

/** Core metadata is a few KiB of headers and the description; anything bigger is not read. */
export const MAX_METADATA_SIZE = 16 * 1024 * 1024;

function parentEndsWith(path: string, file: string, suffix: string): boolean {
  // path = …/<parent>/<file>; compare the end of <parent> case-insensitively (`DIST-INFO`, `EGG-INFO`)
  const end = path.length - file.length - 1;
  if (end < suffix.length || path.charCodeAt(end) !== 0x2f) return false;
  return path.slice(end - suffix.length, end).toLowerCase() === suffix;
}

/**
 * Whether a path holds an installed distribution's metadata: `<x>.dist-info/METADATA` (wheels, pip),
 * `<x>.egg-info/PKG-INFO` (setuptools, `pip install -e`), `<x>.egg/EGG-INFO/PKG-INFO` (eggs), or a
 * single-file `<x>.egg-info` (distutils; Debian's python3-* packages).
 */
export function isInstalledMetadataPath(path: string): boolean {
  if (path.endsWith('/METADATA')) return parentEndsWith(path, 'METADATA', 'dist-info');
  if (path.endsWith('/PKG-INFO')) return parentEndsWith(path, 'PKG-INFO', 'egg-info');
  const tail = path.slice(-9);
  return tail === '.egg-info' || tail.toLowerCase() === '.egg-info';
}

/** Installed Python distributions (`type: pypi`) from their core metadata, wherever they sit. */
export const pypiInstalledAnalyzer: Analyzer = {
  name: 'pypi-installed',
  version: 1,
  maxFileSize: MAX_METADATA_SIZE,
  wants(info: FileInfo): boolean {
    return isInstalledMetadataPath(info.path);
  },
  analyze(file: AnalyzerFile): FileFindings {
    if (file.content.length === 0) return { problems: ['empty metadata file'] };
    // only the headers are needed; they end at the first empty line, well before the description
    const head = file.content.subarray(0, Math.min(file.content.length, 1024 * 1024));
    if (head.includes(0)) return { problems: ['binary content (NUL bytes): not Python core metadata'] };
    const meta = parseCoreMetadata(head.toString('utf8'));
    if (!meta.name) return { problems: ['no Name header: not Python core metadata'] };
    if (!meta.version)
      return { problems: [`package ${JSON.stringify(meta.name.slice(0, 100))}: no Version header`] };
    const component = pypiComponent(meta.name, meta.version);
    if (meta.licenses.length > 0) component.licenses = meta.licenses;
    return { components: [component] };
  },
};
