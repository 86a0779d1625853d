import { parseArgs } from 'node:util';
import { imageRiskInfo } from '../api/actions/DescribeAssetImageRiskList/index.js';
import { imageVirusInfo } from '../api/actions/DescribeAssetImageVirusList/index.js';
import { imagesVul } from '../api/actions/DescribeAssetImageVulList/index.js';
import { OS_PACKAGE_TYPES } from '../core/component.js';
import { BadInputError } from '../core/errors.js';
import { checkTimeZone } from '../core/time.js';
import { openVulnDbIfPresent, withVulnerabilities } from '../match/match-image.js';
import { readSbom, type SbomIndex } from '../sbom/read-sbom.js';
import { imageRecord } from '../scan/image-record.js';
import { type ScanProgress, type ScanResult, scanImage, scanSource } from '../scan/scan-image.js';
import { type ScannerPlan, scannerPlan, virusOptions } from '../scan/scanners.js';
import { openSource, type RegistryOptions } from '../sources/open-source.js';
import { parsePlatform } from '../sources/platform.js';
import {
  cliRegistryError,
  REGISTRY_FLAGS,
  REGISTRY_USAGE,
  registryFlags,
} from '../sources/registry/cli-flags.js';
import { openStore } from '../store/open-store.js';
import { absoluteReference } from '../tasks/add-images.js';
import { DEFAULT_LIMITS } from '../walk/walk-layer.js';
import { defaultDataDir } from './data-dir.js';
import { configSummary, humanBytes, table } from './format.js';
import { localAccount } from './local-account.js';
import { cycloneDxBom } from './output/cyclonedx.js';
import { sarifLog } from './output/sarif.js';
import { filterByLevel, filterVulnerabilities, scanFilters } from './output/scan-filters.js';
import { spdxDocument } from './output/spdx.js';
import { toolVersion } from './output/tool-version.js';
import { ProgressLine } from './progress.js';

export const SCAN_USAGE = `usage: hullscan scan REF [--data DIR] [--format table|json|cyclonedx|spdx|sarif] [--quiet]
                     [--scanners vuln,secret,risk,virus|none] [--severity LOW,MEDIUM,HIGH,CRITICAL]
                     [--ignore-unfixed] [--exit-code N] [--platform OS/ARCH[/VARIANT]]
                     [--max-expansion N] [--max-layer-size BYTES] [--timezone ZONE]
                     [--signatures PATH]... [--clamd SOCKET|HOST:PORT]
REF: docker-archive:PATH[:REF|@N]  oci-archive:PATH[:REF]  oci:DIR[:REF]  a bare path (autodetected)
     sbom:PATH (CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON, at most 256 MiB)
${REGISTRY_USAGE}
--scanners: default all four: vuln (match the inventory), secret (files, ENV, history), risk (config,
  build steps, files), virus (ClamAV-format signatures); none inventories only and stores nothing.
--signatures: ClamAV signature files or folders (.hdb .hsb .ndb .cvd .cld; HULLSCAN_SIGNATURES, ':'-separated);
  default DIR/signatures when it exists; EICAR is always detected.
--clamd: scan for viruses with this clamd (zINSTREAM) instead (HULLSCAN_CLAMD).
--severity, --ignore-unfixed: filter the printed findings and what --exit-code counts, not the store.
--exit-code N: exit N when at least one vulnerability, risk or virus is left after the filters (default 0).
The result (image or SBOM, under ImageID sha256 of the image config or of the SBOM bytes) is stored in
DIR/hullscan.db (or the PostgreSQL database HULLSCAN_DATABASE_URL names) under the local account
(HULLSCAN_APP_ID/HULLSCAN_UIN, default 1/1).`;

function positiveNumber(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new BadInputError(flag, `"${v}" is not a positive number`);
  return n;
}

/** A scanned image or SBOM in the scan result's shape (an SBOM has no layers or config). */
async function inventory(
  ref: string,
  values: {
    data?: string;
    platform?: string;
    quiet?: boolean;
    'max-expansion'?: string;
    'max-layer-size'?: string;
  },
  plan: ScannerPlan,
  registry?: RegistryOptions,
): Promise<{ result: ScanResult; sbom?: SbomIndex }> {
  if (ref.startsWith('sbom:')) {
    const file = ref.slice('sbom:'.length);
    if (!file) throw new BadInputError('REF', 'sbom: needs the path of a CycloneDX or SPDX JSON file');
    const sbom = await readSbom(file);
    const result: ScanResult = {
      manifest: {
        reference: ref,
        transport: 'sbom',
        names: sbom.name ? [sbom.name] : [],
        repoDigests: [],
        imageID: sbom.documentId,
        config: sbom.created ? { created: sbom.created } : {},
        layers: [],
      },
      layers: [],
      os: sbom.os,
      components: sbom.components,
      risks: [],
      viruses: [],
      problems: sbom.problems,
      scannedAt: new Date(),
    };
    return { result, sbom };
  }
  const limits = {
    ...DEFAULT_LIMITS,
    maxExpansion: positiveNumber('--max-expansion', values['max-expansion'], DEFAULT_LIMITS.maxExpansion),
    maxLayerBytes: positiveNumber('--max-layer-size', values['max-layer-size'], DEFAULT_LIMITS.maxLayerBytes),
  };
  const progress = ProgressLine.forStderr('scanning', values.quiet ?? false);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const platform = values.platform ? parsePlatform(values.platform) : undefined;
    const opts = {
      dataDir: values.data ?? defaultDataDir(),
      platform,
      analyzers: plan.analyzers,
      imageChecks: plan.imageChecks,
      filesystemChecks: plan.filesystemChecks,
      limits,
      signal: controller.signal,
      onProgress: (p: ScanProgress) => progress?.update(p),
    };
    if (registry) {
      try {
        const source = await openSource(ref, { platform, registry });
        try {
          return { result: await scanSource(source, opts) };
        } finally {
          await source.close();
        }
      } catch (e) {
        throw cliRegistryError(ref, e);
      }
    }
    const result = await scanImage(ref, opts);
    return { result };
  } finally {
    progress?.done();
    process.off('SIGINT', onSignal);
  }
}

/** `hullscan scan`: scans one image or SBOM and prints its detail, components and vulnerabilities. Returns the exit code. */
export async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      format: { type: 'string', default: 'table' },
      platform: { type: 'string' },
      quiet: { type: 'boolean', short: 'q', default: false },
      scanners: { type: 'string' },
      severity: { type: 'string' },
      'ignore-unfixed': { type: 'boolean', default: false },
      'exit-code': { type: 'string' },
      'max-expansion': { type: 'string' },
      'max-layer-size': { type: 'string' },
      timezone: { type: 'string' },
      signatures: { type: 'string', multiple: true },
      clamd: { type: 'string' },
      ...REGISTRY_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${SCAN_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new BadInputError('usage', `scan takes exactly one image reference\n${SCAN_USAGE}`);
  const filters = scanFilters(values);
  const format = filters.format;
  const timeZone = values.timezone ?? process.env.HULLSCAN_TIMEZONE ?? 'UTC';
  try {
    checkTimeZone(timeZone);
  } catch {
    throw new BadInputError('--timezone', `"${timeZone}" is not an IANA time zone`);
  }
  const matchVulns = filters.scanners.includes('vuln');
  const ref = positionals[0]!;
  const registry = registryFlags(ref, values);
  const dataDir = values.data ?? defaultDataDir();
  const plan = await scannerPlan(
    ref.startsWith('sbom:') ? ['vuln'] : filters.scanners,
    dataDir,
    virusOptions({ signatures: values.signatures, clamd: values.clamd }),
  );
  const { result, sbom } = await inventory(ref, values, plan, registry);
  if (plan.errors.virus || plan.errors.risk) result.scannerErrors = plan.errors;
  if (plan.errors.virus) process.stderr.write(`hullscan: virus scan not done: ${plan.errors.virus}\n`);
  let record = imageRecord(result, timeZone, plan.scans);
  const vulndb = matchVulns ? await openVulnDbIfPresent(dataDir) : undefined;
  if (vulndb) {
    try {
      record = await withVulnerabilities(record, result.os, vulndb, timeZone);
    } finally {
      await vulndb.close();
    }
  }
  if (filters.scanners.length > 0) {
    const store = await openStore(dataDir);
    try {
      await store.saveImage(localAccount(), record);
      // where the image is, so a scan task can scan it again (a platform chosen by flag is not recorded:
      // a task would read the host's platform, another image)
      if (!ref.startsWith('sbom:') && !values.platform)
        await store.setImageSource(localAccount(), {
          imageId: record.detail.ImageID,
          // a registry reference is recorded as given (never with its credentials)
          reference: registry ? ref : await absoluteReference(ref),
        });
    } finally {
      await store.close();
    }
  }
  const vulnerabilities = filterVulnerabilities(record.vulnerabilities ?? [], filters);
  const risks = filterByLevel(record.risks ?? [], filters);
  const viruses = filterByLevel(record.viruses ?? [], filters);
  const exit = vulnerabilities.length + risks.length + viruses.length > 0 ? filters.exitCode : 0;
  const detail = record.detail;
  if (format === 'cyclonedx' || format === 'spdx' || format === 'sarif') {
    const report = {
      detail,
      os: result.os,
      components: result.components,
      vulnerabilities,
      risks,
      viruses,
      toolVersion: toolVersion(),
      now: new Date(),
    };
    const doc =
      format === 'cyclonedx'
        ? cycloneDxBom(report)
        : format === 'spdx'
          ? spdxDocument(report)
          : sarifLog(report);
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return exit;
  }
  const components = result.components.map((c) => ({
    name: c.name,
    version: c.version,
    type: c.type,
    arch: c.arch ?? '',
    sourceName: c.sourceName ?? c.name,
    sourceVersion: c.sourceVersion ?? c.version,
    licenses: c.licenses ?? [],
    layer: c.layer ?? '',
    path: c.path ?? '',
    purl: c.purl ?? '',
  }));
  if (format === 'json') {
    const out = {
      detail,
      ...(sbom
        ? { sbom: { format: sbom.format, specVersion: sbom.specVersion } }
        : { image: configSummary(result.manifest.config), layers: result.layers }),
      scanners: {
        requested: filters.scanners,
        ...(result.scannerErrors ? { errors: result.scannerErrors } : {}),
        ...(plan.secretStats ? { secretFiles: plan.secretStats } : {}),
      },
      components,
      vulnerabilities: vulnerabilities.map((v) => ({
        ...imagesVul(v),
        AdvisoryID: v.advisoryId,
        Aliases: v.aliases,
        ComponentType: v.componentType,
        Purl: v.purl,
        Fixable: v.fixedVersions.length > 0,
      })),
      ...(record.risks ? { risks: risks.map(imageRiskInfo) } : {}),
      ...(record.viruses
        ? {
            viruses: viruses.map((v) =>
              imageVirusInfo({ ...v, firstScanTime: detail.ScanTime, latestScanTime: detail.ScanTime }),
            ),
          }
        : {}),
      problems: result.problems,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return exit;
  }
  const layerIndex = new Map(result.layers.map((l, i) => [l.diffID, i + 1]));
  const lines = [
    `${sbom ? 'SBOM ' : 'Image'}      ${detail.ImageName || ref}`,
    `ImageID    ${detail.ImageID}`,
    `OS         ${detail.OsName || 'unknown'}${result.os?.distroless ? ' (distroless)' : ''}`,
  ];
  if (sbom) {
    lines.push(`Format     ${sbom.specVersion}`);
    if (detail.CreateTime) lines.push(`Created    ${detail.CreateTime}`);
  } else {
    lines.push(
      `Arch       ${detail.Architecture}`,
      `Created    ${detail.CreateTime}`,
      `Size       ${humanBytes(detail.Size)} in ${result.layers.length} layers (${result.layers.filter((l) => l.cached).length} from cache)`,
    );
  }
  lines.push(`Packages   ${components.length}${countsByType(components)}`);
  const filtered = vulnerabilities.length !== (record.vulnerabilities ?? []).length;
  lines.push(
    !matchVulns
      ? 'Vulns      not scanned (--scanners without vuln)'
      : record.vulnerabilities
        ? `Vulns      ${vulnerabilities.length}${levelCounts(vulnerabilities)}${filtered ? ` shown of ${record.vulnerabilities.length}` : ''}`
        : 'Vulns      not matched (no advisory database: hullscan db import FEED…)',
  );
  if (record.risks) {
    const secrets = risks.filter((r) => r.type === 2).length;
    lines.push(`Risks      ${risks.length}${levelCounts(risks)}${secrets ? `, ${secrets} secrets` : ''}`);
    const st = plan.secretStats;
    if (st && st.filesScanned + st.binarySkipped + st.overCapSkipped > 0)
      lines.push(
        `Secrets    ${st.filesScanned} files searched, ${st.binarySkipped} binary and ${st.overCapSkipped} over the size cap skipped (layers read this scan)`,
      );
  }
  if (record.viruses || result.scannerErrors?.virus)
    lines.push(
      result.scannerErrors?.virus
        ? `Viruses    not scanned: ${result.scannerErrors.virus}`
        : `Viruses    ${viruses.length}${levelCounts(viruses)}`,
    );
  if (detail.Solution) lines.push(`Fix        ${detail.Solution}`);
  if (result.problems.length)
    lines.push(
      `Problems   ${result.problems.length} (${sbom ? 'SBOM entries skipped' : 'files that could not be read fully'}; see --format json)`,
    );
  lines.push('');
  if (components.length) {
    // language packages are told apart by where they sit: show the file they were read from
    const withPath = components.some((c) => !OS_PACKAGE_TYPES.has(c.type));
    const rows = [['NAME', 'VERSION', 'TYPE', 'ARCH', 'SOURCE', 'LAYER', ...(withPath ? ['PATH'] : [])]];
    for (const c of [...components].sort(
      (a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path),
    )) {
      rows.push([
        c.name,
        c.version,
        c.type,
        c.arch,
        c.sourceName === c.name ? '' : c.sourceName,
        String(layerIndex.get(c.layer) ?? ''),
        ...(withPath ? [OS_PACKAGE_TYPES.has(c.type) ? '' : c.path] : []),
      ]);
    }
    lines.push(table(rows));
  }
  if (vulnerabilities.length) {
    const rows = [['LEVEL', 'ID', 'PACKAGE', 'INSTALLED', 'FIXED IN']];
    for (const v of vulnerabilities) {
      rows.push([
        LEVELS[v.level] ?? '',
        v.cveId,
        v.component,
        v.version,
        v.fixedVersions.join(', ') || '(no fix yet)',
      ]);
    }
    lines.push('', table(rows));
  }
  if (risks.length) {
    const rows = [['LEVEL', 'KIND', 'RULE', 'WHERE', 'LAYER']];
    for (const r of [...risks].sort((a, b) => b.level - a.level)) {
      rows.push([
        LEVELS[r.level] ?? '',
        r.type === 2 ? 'secret' : 'risk',
        r.rule,
        r.path ?? (r.historyIndex !== undefined ? `history #${r.historyIndex + 1}` : 'config'),
        r.layer ? String(layerIndex.get(r.layer) ?? '') : '',
      ]);
    }
    lines.push('', table(rows));
  }
  if (viruses.length) {
    const rows = [['LEVEL', 'VIRUS', 'PATH', 'MD5', 'LAYER']];
    for (const v of viruses)
      rows.push([
        LEVELS[v.level] ?? '',
        v.virusName,
        v.path,
        v.md5,
        String(layerIndex.get(v.layer ?? '') ?? ''),
      ]);
    lines.push('', table(rows));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return exit;
}

function countsByType(cs: { type: string }[]): string {
  const m = new Map<string, number>();
  for (const c of cs) m.set(c.type, (m.get(c.type) ?? 0) + 1);
  return m.size ? ` (${[...m].map(([t, n]) => `${t} ${n}`).join(', ')})` : '';
}

const LEVELS = ['', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

function levelCounts(vs: { level: number }[]): string {
  const parts = [4, 3, 2, 1]
    .map((l) => [LEVELS[l]!.toLowerCase(), vs.filter((v) => v.level === l).length] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
