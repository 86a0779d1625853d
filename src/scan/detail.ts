import { osName } from '../core/os.js';
import { formatTime } from '../core/time.js';
import { buildLineSecrets, isPlaceholder, isSecretName, maskIn } from '../detectors/secrets/index.js';
import type { ScanResult } from './scan-image.js';

/** DescribeAssetImageDetail's fields (without RequestId), as DESIGN §3 defines them. */
export interface ImageDetail {
  ImageID: string;
  ImageName: string;
  ImageDigest: string;
  CreateTime: string;
  Size: number;
  HostCnt: number;
  ContainerCnt: number;
  SuperNodeCnt: number;
  ScanTime: string;
  VulCnt: number;
  RiskCnt: number;
  SensitiveInfoCnt: number;
  IsTrustImage: boolean;
  OsName: string;
  AgentError: string;
  ScanError: string;
  Architecture: string;
  Author: string;
  BuildHistory: string;
  ScanVirusProgress: number;
  ScanVulProgress: number;
  ScanRiskProgress: number;
  ScanVirusError: string;
  ScanVulError: string;
  ScanRiskError: string;
  ScanStatus: string;
  VirusCnt: number;
  Status: number;
  RemainScanTime: number;
  IsAuthorized: number;
  Solution: string;
  Reason: string;
  RepoDigests: string[];
}

/**
 * The detail of an image known but never scanned: NOT_SCAN, every count and progress 0, every text
 * empty, with the fields `known` gives (ID, name, size, …).
 */
export function notScannedDetail(known: Partial<ImageDetail> & { ImageID: string }): ImageDetail {
  return {
    ImageName: '',
    ImageDigest: known.ImageID,
    CreateTime: '',
    Size: 0,
    HostCnt: 0,
    ContainerCnt: 0,
    SuperNodeCnt: 0,
    ScanTime: '',
    VulCnt: 0,
    RiskCnt: 0,
    SensitiveInfoCnt: 0,
    IsTrustImage: false,
    OsName: '',
    AgentError: '',
    ScanError: '',
    Architecture: '',
    Author: '',
    BuildHistory: '',
    ScanVirusProgress: 0,
    ScanVulProgress: 0,
    ScanRiskProgress: 0,
    ScanVirusError: '',
    ScanVulError: '',
    ScanRiskError: '',
    ScanStatus: 'NOT_SCAN',
    VirusCnt: 0,
    Status: 0,
    RemainScanTime: 0,
    IsAuthorized: 1,
    Solution: '',
    Reason: '',
    RepoDigests: [],
    ...known,
  };
}

/** One block per history entry, oldest first: `# create_time:<time> tags:<tags>` then `created_by`; the image's tags on the newest. */
export function buildHistory(r: ScanResult, timeZone: string): string {
  const history = r.manifest.config.history ?? [];
  // values of secret-named ENV variables, masked wherever a build step repeats them
  const envSecrets = (r.manifest.config.config?.Env ?? []).flatMap((e) => {
    const eq = e.indexOf('=');
    const value = e.slice(eq + 1);
    return eq > 0 && isSecretName(e.slice(0, eq)) && !isPlaceholder(value) ? [value] : [];
  });
  return history
    .map((h, i) => {
      const tags = i === history.length - 1 ? r.manifest.names.join(',') : '';
      return `# create_time:${formatTime(h.created, timeZone)} tags:${tags}\n${maskedStep(h.created_by ?? '', envSecrets)}`;
    })
    .join('\n');
}

/** A build step as the detail shows it: every secret the secret rules find in it masked, whatever scanners ran. */
function maskedStep(line: string, envSecrets: string[]): string {
  const found = buildLineSecrets(line).map((h) => h.secret);
  return maskIn(line, [...found, ...envSecrets.filter((v) => line.includes(v))]);
}

/**
 * Which finding categories a scan covered: `risk` when the secret or risk scanners ran (their rows are
 * RiskCnt), `virus` when a malware engine ran (VirusCnt). A category that did not run is "not scanned":
 * progress 0, count 0, no rows stored.
 */
export interface FindingScans {
  risk: boolean;
  virus: boolean;
}

/** Nothing but the inventory: neither risks nor viruses were looked for. */
export const INVENTORY_ONLY: FindingScans = { risk: false, virus: false };

/**
 * A short cause per category when its scanner could not do its work (`clamd: connection refused`),
 * which becomes ScanRiskError / ScanVirusError. Proposed as optional `ScanResult.scannerErrors`; read
 * defensively until the scan sets it.
 */
export interface ScannerErrors {
  risk?: string;
  virus?: string;
}

/** The scan's per-category errors when it reports them, else none. */
export function scannerErrors(r: ScanResult): Required<ScannerErrors> {
  const e = (r as ScanResult & { scannerErrors?: ScannerErrors }).scannerErrors;
  return { risk: e?.risk ?? '', virus: e?.virus ?? '' };
}

/**
 * The detail of a freshly scanned image. RiskCnt / SensitiveInfoCnt / VirusCnt count the scan's risk
 * and virus rows (all / Type 2 / all) for the categories in `scans`, and are 0 with progress 0 for the
 * others; they are exactly the TotalCount of the unfiltered lists the stored rows answer (DESIGN §3).
 * Counters this engine does not compute here (vulnerabilities: the matcher sets them; hosts) are 0.
 */
export function imageDetail(
  r: ScanResult,
  timeZone = 'UTC',
  scans: FindingScans = INVENTORY_ONLY,
): ImageDetail {
  const c = r.manifest.config;
  const size = r.layers.reduce((s, l) => s + l.size, 0);
  const risks = scans.risk ? r.risks : [];
  const errors = scannerErrors(r);
  return {
    ImageID: r.manifest.imageID,
    ImageName: r.manifest.names[0] ?? '',
    ImageDigest: r.manifest.manifestDigest ?? r.manifest.imageID,
    CreateTime: formatTime(c.created, timeZone),
    Size: size,
    HostCnt: 0,
    ContainerCnt: 0,
    SuperNodeCnt: 0,
    ScanTime: formatTime(r.scannedAt, timeZone),
    VulCnt: 0,
    RiskCnt: risks.length,
    SensitiveInfoCnt: risks.filter((x) => x.type === 2).length,
    IsTrustImage: false,
    OsName: osName(r.os),
    AgentError: '',
    ScanError: '',
    Architecture: c.architecture ? `${c.architecture}${c.variant ? `/${c.variant}` : ''}` : '',
    Author: c.author ?? '',
    BuildHistory: buildHistory(r, timeZone),
    ScanVirusProgress: scans.virus ? 100 : 0,
    ScanVulProgress: 100,
    ScanRiskProgress: scans.risk ? 100 : 0,
    ScanVirusError: scans.virus ? errors.virus : '',
    ScanVulError: '',
    ScanRiskError: scans.risk ? errors.risk : '',
    ScanStatus: 'SCANNED',
    VirusCnt: scans.virus ? r.viruses.length : 0,
    Status: 5,
    RemainScanTime: 0,
    IsAuthorized: 1,
    Solution: '',
    Reason: '',
    RepoDigests: r.manifest.repoDigests,
  };
}
