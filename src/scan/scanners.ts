import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Analyzer, ImageCheck } from '../core/analyzer.js';
import type { RiskFinding } from '../core/finding.js';
import {
  builtinMalwareAnalyzer,
  type ClamdOptions,
  clamdMalwareAnalyzer,
} from '../detectors/malware/index.js';
import { riskFileAnalyzer, riskFromFinalFilesystem, riskImageCheck } from '../detectors/risk/index.js';
import {
  createSecretFileAnalyzer,
  type SecretScanStats,
  secretImageCheck,
} from '../detectors/secrets/index.js';
import { defaultAnalyzers } from './analyzers.js';
import type { LayerData } from './coalesce.js';

/** What `--scanners` names: vulnerabilities (matching), secrets, risky behaviour, malware. */
export const SCANNERS = ['vuln', 'secret', 'risk', 'virus'] as const;
export type ScannerName = (typeof SCANNERS)[number];

/** Where the virus scanner gets its signatures, or which clamd it asks instead. */
export interface VirusOptions {
  /**
   * ClamAV-format signature files or folders (.hdb .hsb .ndb .cvd .cld); default `DATA/signatures`
   * when it exists. EICAR is always known.
   */
  signatures?: string[];
  /** scan with this clamd (zINSTREAM) instead of the built-in engine */
  clamd?: ClamdOptions;
}

/**
 * `--clamd` / `HULLSCAN_CLAMD`: a Unix socket path, or `HOST:PORT` (`127.0.0.1:3310`).
 */
export function parseClamd(v: string): ClamdOptions {
  const m = /^([^/:][^:]*):(\d{1,5})$/.exec(v);
  if (m) return { host: m[1]!, port: Number(m[2]) };
  return { socket: v };
}

/**
 * The virus options from flags, else the environment: `--signatures` (repeatable) or
 * HULLSCAN_SIGNATURES (`:`-separated), `--clamd` or HULLSCAN_CLAMD.
 */
export function virusOptions(
  flags: { signatures?: string[]; clamd?: string },
  env: NodeJS.ProcessEnv = process.env,
): VirusOptions {
  const signatures = flags.signatures ?? env.HULLSCAN_SIGNATURES?.split(':').filter(Boolean);
  const clamd = flags.clamd ?? env.HULLSCAN_CLAMD;
  return {
    ...(signatures?.length ? { signatures } : {}),
    ...(clamd ? { clamd: parseClamd(clamd) } : {}),
  };
}

/** A check over the final filesystem (all layers coalesced), for facts no single file shows. */
export type FilesystemCheck = (layers: LayerData[]) => RiskFinding[];

/** The analyzers and checks a scan runs for the requested scanners (the inventory always runs). */
export interface ScannerPlan {
  analyzers: Analyzer[];
  imageChecks: ImageCheck[];
  filesystemChecks: FilesystemCheck[];
  /** which finding categories ran: what the detail's progress and counts say */
  scans: { risk: boolean; virus: boolean };
  /** a category that was asked for but cannot run (clamd unreachable): ScanVirusError */
  errors: { risk?: string; virus?: string };
  /**
   * what the secret scanner read, and skipped as binary or over its size cap, in the layers this scan
   * read (cached layers are not read again); present when `secret` runs
   */
  secretStats?: SecretScanStats;
}

/** The signature sources a virus scan uses when none are given: `DATA/signatures` if present. */
export function defaultSignatures(dataDir: string): string[] {
  const dir = path.join(dataDir, 'signatures');
  return existsSync(dir) ? [dir] : [];
}

/**
 * Analyzers and checks for `scanners`: secret → secret files + ENV/history secrets; risk → risky
 * files, config and build steps, daemons enabled in the final filesystem; virus → the built-in
 * ClamAV-format engine (or clamd when configured). `vuln` adds nothing here: matching runs on the
 * inventory afterwards.
 */
export async function scannerPlan(
  scanners: readonly string[],
  dataDir: string,
  virus: VirusOptions = {},
): Promise<ScannerPlan> {
  const want = new Set(scanners);
  const analyzers = defaultAnalyzers();
  const imageChecks: ImageCheck[] = [];
  const filesystemChecks: FilesystemCheck[] = [];
  let secretStats: SecretScanStats | undefined;
  if (want.has('secret')) {
    const files = createSecretFileAnalyzer();
    secretStats = files.stats;
    analyzers.push(files);
    imageChecks.push(secretImageCheck);
  }
  if (want.has('risk')) {
    analyzers.push(riskFileAnalyzer);
    imageChecks.push(riskImageCheck);
    filesystemChecks.push(riskFromFinalFilesystem);
  }
  const errors: ScannerPlan['errors'] = {};
  if (want.has('virus')) {
    if (virus.clamd) {
      // an unreachable clamd is the virus category's error; the other scanners still run
      try {
        analyzers.push(await clamdMalwareAnalyzer(virus.clamd));
      } catch (e) {
        errors.virus = `clamd: ${(e as Error).message}`;
      }
    } else {
      analyzers.push(
        await builtinMalwareAnalyzer({ signatures: virus.signatures ?? defaultSignatures(dataDir) }),
      );
    }
  }
  return {
    analyzers,
    imageChecks,
    filesystemChecks,
    scans: { risk: want.has('secret') || want.has('risk'), virus: want.has('virus') },
    errors,
    ...(secretStats ? { secretStats } : {}),
  };
}
