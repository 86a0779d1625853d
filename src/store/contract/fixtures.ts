import type { Component } from '../../core/component.js';
import type { ImageDetail } from '../../scan/detail.js';
import type { Account, ImageRecord } from '../store.js';

export const alice: Account = { appId: 1250000000, uin: '100000000001' };
export const bob: Account = { appId: 1250000001, uin: '100000000002' };

/** A Docker-style image ID made from a number: `sha256:` + 64 hex digits. */
export const imageId = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** A detail with every field set to something other than its zero value. */
export function detail(n: number, overrides: Partial<ImageDetail> = {}): ImageDetail {
  return {
    ImageID: imageId(n),
    ImageName: `registry.example.com/team/app-${n}:1.${n}`,
    ImageDigest: `sha256:${(n + 0xabc).toString(16).padStart(64, 'f')}`,
    CreateTime: '2024-01-02 03:04:05',
    Size: 123_456_789_012,
    HostCnt: 3,
    ContainerCnt: 7,
    SuperNodeCnt: 1,
    ScanTime: '2024-05-06 07:08:09',
    VulCnt: 11,
    RiskCnt: 2,
    SensitiveInfoCnt: 1,
    IsTrustImage: true,
    OsName: 'debian:12.5',
    AgentError: 'agent offline',
    ScanError: 'layer-corrupt: sha256:00',
    Architecture: 'arm/v7',
    Author: 'Jane Doe <jane@example.com>',
    BuildHistory:
      '# create_time:2024-01-02 03:04:05 tags:\nADD file:abc in /\n# create_time:2024-01-02 03:04:06 tags:x\nCMD ["bash"]',
    ScanVirusProgress: 40,
    ScanVulProgress: 100,
    ScanRiskProgress: 75,
    ScanVirusError: 'timeout',
    ScanVulError: '',
    ScanRiskError: 'registry-auth',
    ScanStatus: 'SCANNED',
    VirusCnt: 4,
    Status: 5,
    RemainScanTime: 12,
    IsAuthorized: 1,
    Solution: 'upgrade openssl to 3.0.13-1~deb12u1',
    Reason: 'CVE-2024-0727 in openssl — "quoted", \'single\', 中文',
    RepoDigests: [
      `registry.example.com/team/app-${n}@sha256:${'1'.repeat(64)}`,
      `docker.io/x/y@sha256:${'2'.repeat(64)}`,
    ],
    ...overrides,
  };
}

/** A component with every optional field set. */
export function fullComponent(i: number): Component {
  return {
    name: `lib-${i}`,
    version: `1:2.${i}-3`,
    type: 'rpm',
    arch: 'x86_64',
    sourceName: `lib-src-${i}`,
    sourceVersion: `2.${i}`,
    epoch: 1,
    release: '3.el9',
    licenses: ['MIT', 'GPL-2.0-or-later'],
    maintainer: 'Someone <s@example.com>',
    vendor: 'Example Corp',
    modularityLabel: 'nodejs:18:8090020231026112046:a75119d5',
    purl: `pkg:rpm/example/lib-${i}@2.${i}-3.el9?arch=x86_64&epoch=1`,
    layer: `sha256:${'3'.repeat(64)}`,
    path: 'var/lib/rpm/rpmdb.sqlite',
  };
}

/** A component with only the required fields. */
export const bareComponent = (name: string, version = '1.0', type = 'deb'): Component => ({
  name,
  version,
  type,
});

/** An image record; names default to [ImageName, one more tag], two layers, no components. */
export function record(
  n: number,
  overrides: Partial<ImageDetail> = {},
  more: Partial<Omit<ImageRecord, 'detail'>> = {},
): ImageRecord {
  const d = detail(n, overrides);
  return {
    detail: d,
    components: more.components ?? [],
    names: more.names ?? [d.ImageName, `docker.io/library/alias-${n}:latest`],
    layers: more.layers ?? [
      { diffID: `sha256:${'a'.repeat(64)}`, size: 1000 },
      { diffID: `sha256:${'b'.repeat(64)}`, size: 2000 },
    ],
  };
}
