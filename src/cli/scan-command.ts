import { parseArgs } from 'node:util';
import { imagesVul } from '../api/actions/DescribeAssetImageVulList/index.js';
import { BadInputError } from '../core/errors.js';
import { checkTimeZone } from '../core/time.js';
import { openVulnDbIfPresent, withVulnerabilities } from '../match/match-image.js';
import { imageRecord } from '../scan/image-record.js';
import { scanImage } from '../scan/scan-image.js';
import { parsePlatform } from '../sources/platform.js';
import { openStore } from '../store/open-store.js';
import { DEFAULT_LIMITS } from '../walk/walk-layer.js';
import { defaultDataDir } from './data-dir.js';
import { configSummary, humanBytes, table } from './format.js';
import { localAccount } from './local-account.js';
import { ProgressLine } from './progress.js';

export const SCAN_USAGE = `usage: hullscan scan REF [--data DIR] [--format table|json] [--platform OS/ARCH[/VARIANT]] [--quiet]
                     [--max-expansion N] [--max-layer-size BYTES] [--timezone ZONE]
REF: docker-archive:PATH[:REF|@N]  oci-archive:PATH[:REF]  oci:DIR[:REF]  or a bare path (autodetected)
The result is stored in DIR/hullscan.db under the local account (HULLSCAN_APP_ID/HULLSCAN_UIN, default 1/1).`;

function positiveNumber(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new BadInputError(flag, `"${v}" is not a positive number`);
  return n;
}

/** `hullscan scan`: scans one image and prints its detail and components. Returns the exit code. */
export async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      format: { type: 'string', default: 'table' },
      platform: { type: 'string' },
      quiet: { type: 'boolean', short: 'q', default: false },
      'max-expansion': { type: 'string' },
      'max-layer-size': { type: 'string' },
      timezone: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${SCAN_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new BadInputError('usage', `scan takes exactly one image reference\n${SCAN_USAGE}`);
  const format = values.format;
  if (format !== 'table' && format !== 'json')
    throw new BadInputError('--format', `"${format}" is not table or json`);
  const timeZone = values.timezone ?? process.env.HULLSCAN_TIMEZONE ?? 'UTC';
  try {
    checkTimeZone(timeZone);
  } catch {
    throw new BadInputError('--timezone', `"${timeZone}" is not an IANA time zone`);
  }
  const ref = positionals[0]!;
  const limits = {
    ...DEFAULT_LIMITS,
    maxExpansion: positiveNumber('--max-expansion', values['max-expansion'], DEFAULT_LIMITS.maxExpansion),
    maxLayerBytes: positiveNumber('--max-layer-size', values['max-layer-size'], DEFAULT_LIMITS.maxLayerBytes),
  };
  const progress = ProgressLine.forStderr('scanning', values.quiet);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  let result: Awaited<ReturnType<typeof scanImage>>;
  try {
    result = await scanImage(ref, {
      dataDir: values.data ?? defaultDataDir(),
      platform: values.platform ? parsePlatform(values.platform) : undefined,
      limits,
      signal: controller.signal,
      onProgress: (p) => progress?.update(p),
    });
  } finally {
    progress?.done();
    process.off('SIGINT', onSignal);
  }
  const dataDir = values.data ?? defaultDataDir();
  let record = imageRecord(result, timeZone);
  const vulndb = await openVulnDbIfPresent(dataDir);
  if (vulndb) {
    try {
      record = await withVulnerabilities(record, result.os, vulndb, timeZone);
    } finally {
      await vulndb.close();
    }
  }
  const vulnerabilities = record.vulnerabilities ?? [];
  const store = await openStore(dataDir);
  try {
    await store.saveImage(localAccount(), record);
  } finally {
    await store.close();
  }
  const detail = record.detail;
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
      image: configSummary(result.manifest.config),
      layers: result.layers,
      components,
      vulnerabilities: vulnerabilities.map((v) => ({
        ...imagesVul(v),
        AdvisoryID: v.advisoryId,
        Aliases: v.aliases,
        ComponentType: v.componentType,
        Purl: v.purl,
        Fixable: v.fixedVersions.length > 0,
      })),
      problems: result.problems,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const layerIndex = new Map(result.layers.map((l, i) => [l.diffID, i + 1]));
  const lines = [
    `Image      ${detail.ImageName || ref}`,
    `ImageID    ${detail.ImageID}`,
    `OS         ${detail.OsName || 'unknown'}${result.os?.distroless ? ' (distroless)' : ''}`,
    `Arch       ${detail.Architecture}`,
    `Created    ${detail.CreateTime}`,
    `Size       ${humanBytes(detail.Size)} in ${result.layers.length} layers (${result.layers.filter((l) => l.cached).length} from cache)`,
    `Packages   ${components.length}${countsByType(components)}`,
  ];
  lines.push(
    vulndb
      ? `Vulns      ${vulnerabilities.length}${levelCounts(vulnerabilities)}`
      : 'Vulns      not matched (no advisory database: hullscan db import FEED…)',
  );
  if (detail.Solution) lines.push(`Fix        ${detail.Solution}`);
  if (result.problems.length)
    lines.push(
      `Problems   ${result.problems.length} (files that could not be read fully; see --format json)`,
    );
  lines.push('');
  if (components.length) {
    const rows = [['NAME', 'VERSION', 'TYPE', 'ARCH', 'SOURCE', 'LAYER']];
    for (const c of [...components].sort((a, b) => a.name.localeCompare(b.name))) {
      rows.push([
        c.name,
        c.version,
        c.type,
        c.arch,
        c.sourceName === c.name ? '' : c.sourceName,
        String(layerIndex.get(c.layer) ?? ''),
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
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
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
