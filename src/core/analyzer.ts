import type { Component } from './component.js';
import type { OsInfo } from './os.js';

/** What the walker knows about a file before its content is read. */
export interface FileInfo {
  /** normalised path inside the image, no leading `/` or `./` (`etc/os-release`) */
  path: string;
  size: number;
  /** permission bits and setuid/setgid/sticky (`mode & 0o7777`) */
  mode: number;
  uid: number;
  gid: number;
}

/** A regular file handed to an analyzer, its content fully read (never over the analyzer's `maxFileSize`). */
export interface AnalyzerFile {
  info: FileInfo;
  content: Buffer;
}

/** What one analyzer found in one file. Every field is optional; an analyzer fills what it knows. */
export interface FileFindings {
  os?: OsInfo;
  components?: Component[];
  /** licenses of one package, from a file that documents them (`usr/share/doc/<pkg>/copyright`) */
  packageLicenses?: { type: string; name: string; licenses: string[] };
  /** per-file problems (corrupt database, unknown format) — recorded, the scan goes on */
  problems?: string[];
}

export interface AnalyzeContext {
  /** diffID of the layer being walked */
  layer: string;
  signal?: AbortSignal;
}

/**
 * One kind of knowledge extracted from files. An analyzer declares the paths it wants so each layer
 * is walked once; its findings are cached per (layer diffID, name, version), so bump `version`
 * whenever the output for the same input would change.
 */
export interface Analyzer {
  name: string;
  version: number;
  /** content larger than this is not read; the file is recorded as a problem instead (default 64 MiB) */
  maxFileSize?: number;
  /** cheap and pure: called for every regular file in every layer */
  wants(info: FileInfo): boolean;
  /** must not throw for bad content: return `problems` instead */
  analyze(
    file: AnalyzerFile,
    ctx: AnalyzeContext,
  ): Promise<FileFindings | undefined> | FileFindings | undefined;
}

/** Findings of one analyzer over one layer, keyed by file path; what the layer cache stores. */
export interface LayerAnalysis {
  analyzer: string;
  version: number;
  files: Record<string, FileFindings>;
}
