import { osName } from '../core/os.js';
import { formatTime } from '../core/time.js';
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

/** One block per history entry, oldest first: `# create_time:<time> tags:<tags>` then `created_by`; the image's tags on the newest. */
export function buildHistory(r: ScanResult, timeZone: string): string {
  const history = r.manifest.config.history ?? [];
  return history
    .map((h, i) => {
      const tags = i === history.length - 1 ? r.manifest.names.join(',') : '';
      return `# create_time:${formatTime(h.created, timeZone)} tags:${tags}\n${h.created_by ?? ''}`;
    })
    .join('\n');
}

/**
 * The detail of a freshly scanned image. Counters this engine does not compute yet (vulnerabilities,
 * risks, viruses, hosts) are 0: they are the TotalCount of lists that are empty until those analyses exist.
 */
export function imageDetail(r: ScanResult, timeZone = 'UTC'): ImageDetail {
  const c = r.manifest.config;
  const size = r.layers.reduce((s, l) => s + l.size, 0);
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
    RiskCnt: 0,
    SensitiveInfoCnt: 0,
    IsTrustImage: false,
    OsName: osName(r.os),
    AgentError: '',
    ScanError: '',
    Architecture: c.architecture ? `${c.architecture}${c.variant ? `/${c.variant}` : ''}` : '',
    Author: c.author ?? '',
    BuildHistory: buildHistory(r, timeZone),
    ScanVirusProgress: 100,
    ScanVulProgress: 100,
    ScanRiskProgress: 100,
    ScanVirusError: '',
    ScanVulError: '',
    ScanRiskError: '',
    ScanStatus: 'SCANNED',
    VirusCnt: 0,
    Status: 5,
    RemainScanTime: 0,
    IsAuthorized: 1,
    Solution: '',
    Reason: '',
    RepoDigests: r.manifest.repoDigests,
  };
}
