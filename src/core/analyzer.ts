import type { Component } from './component.js';
import type { RiskFinding, VirusFinding } from './finding.js';
import type { ImageConfigJson } from './image.js';
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
  /** set for a directory entry, handed only to analyzers with `directories: true` (content empty) */
  directory?: true;
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
  /** risks in this file: secrets (Type 2), risky files and settings (Type 1) */
  risks?: RiskFinding[];
  /** malware in this file (or in archive members inside it) */
  viruses?: VirusFinding[];
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
  /** also offer directory entries to `wants` (FileInfo.directory set): for checks on modes, not content */
  directories?: boolean;
  /** cheap and pure: called for every regular file in every layer (and directory, see `directories`) */
  wants(info: FileInfo): boolean;
  /**
   * With `needsContent`: the analyzer may decide from a file's first `headBytes` bytes that its
   * findings are empty, and the walker then reads no further for it (a virus scan of every file need
   * not copy every byte). Both or neither.
   */
  headBytes?: number;
  /** false when a file starting with `head` (its first headBytes bytes or more) has empty findings; pure */
  needsContent?(info: FileInfo, head: Buffer): boolean;
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

/** What an image-level check sees: the config (user, env, ports, labels, history) and no layer content. */
export interface ImageCheckInput {
  config: ImageConfigJson;
  /** for each config history entry (oldest first), the diffID of the layer it created; undefined for empty_layer entries */
  historyLayers: (string | undefined)[];
}

/**
 * A check over the image config and build history (ENV secrets, root user, exposed SSH, pipe-to-shell
 * in a RUN line…). Pure and cheap; must not throw. Findings about a build step carry its
 * `historyIndex` and, when the step created a layer, that layer's diffID.
 */
export interface ImageCheck {
  name: string;
  check(input: ImageCheckInput): RiskFinding[];
}
