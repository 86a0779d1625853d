import { availableParallelism } from 'node:os';
import type { Analyzer, ImageCheck, LayerAnalysis } from '../core/analyzer.js';
import type { Component, Problem } from '../core/component.js';
import type { RiskFinding, VirusFinding } from '../core/finding.js';
import type { ImageConfigJson, ImageManifest, ImageSource } from '../core/image.js';
import type { OsInfo } from '../core/os.js';
import { purlFor } from '../core/purl.js';
import { openSource } from '../sources/open-source.js';
import type { Platform } from '../sources/platform.js';
import { DEFAULT_LIMITS, type LayerMeta, type WalkLimits, walkLayer } from '../walk/walk-layer.js';
import { defaultAnalyzers, OS_ANALYZER, pickOs } from './analyzers.js';
import {
  attachLicenses,
  coalesceComponents,
  coalesceFindings,
  finalSymlinks,
  type LayerData,
  osCandidates,
  resolveWantedLinks,
} from './coalesce.js';
import { LayerCache, type LayerCacheStore } from './layer-cache.js';

export interface ScanProgress {
  /** stored bytes read so far and in all, over the layers that had to be read */
  bytesRead: number;
  bytesTotal: number;
  layersDone: number;
  layersTotal: number;
}

export interface ScanOptions {
  /** data directory holding the layer cache */
  dataDir: string;
  /** where layer analyses are kept and claimed; default: the data directory's files */
  layerCache?: LayerCacheStore;
  platform?: Platform;
  analyzers?: Analyzer[];
  /** checks over the config and build history (secrets in ENV, root user, pipe-to-shell…); none by default */
  imageChecks?: ImageCheck[];
  /** checks over the final filesystem (a daemon installed and enabled by a link); none by default */
  filesystemChecks?: ((layers: LayerData[]) => RiskFinding[])[];
  limits?: WalkLimits;
  /** layers walked at once; default: the machine's parallelism, at most 4 */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
}

export interface ScannedLayer {
  diffID: string;
  digest?: string;
  size: number;
  /** true when nothing of this layer had to be read */
  cached: boolean;
}

/** What one scan learned about an image: the index DESIGN §1 calls coalesced. */
export interface ScanResult {
  manifest: ImageManifest;
  layers: ScannedLayer[];
  os?: OsInfo;
  components: Component[];
  /** risks (secrets, risky files and settings) from the analyzers and image checks that ran */
  risks: RiskFinding[];
  viruses: VirusFinding[];
  /** a finding category that could not run as asked (`clamd: connection refused`): the detail's Scan*Error */
  scannerErrors?: { risk?: string; virus?: string };
  problems: Problem[];
  scannedAt: Date;
}

/**
 * For each history entry, the diffID of the layer it created: entries not marked `empty_layer` take
 * the layers in order. Undefined where the history and the layers disagree (no history: none known).
 */
export function historyLayers(config: ImageConfigJson, diffIDs: string[]): (string | undefined)[] {
  const history = config.history ?? [];
  let next = 0;
  const out = history.map((h) => (h.empty_layer ? undefined : diffIDs[next++]));
  return next === diffIDs.length ? out : history.map(() => undefined);
}

async function loadCached(cache: LayerCacheStore, diffID: string, analyzers: Analyzer[]) {
  // all at once: each is a file read or a database round trip, none depends on another
  const [meta, ...hits] = await Promise.all([
    cache.getMeta(diffID),
    ...analyzers.map((a) => cache.getAnalysis(diffID, a.name, a.version)),
  ]);
  const analyses = new Map<string, LayerAnalysis>();
  const missing: Analyzer[] = [];
  for (const [i, a] of analyzers.entries()) {
    const hit = hits[i] as LayerAnalysis | undefined;
    if (hit) analyses.set(a.name, hit);
    else missing.push(a);
  }
  return { meta: meta as LayerMeta | undefined, analyses, missing };
}

async function runPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length && errors.length === 0) {
      const i = next++;
      try {
        await fn(items[i]!);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  const n = Math.min(Number.isInteger(limit) && limit > 0 ? limit : 1, items.length);
  await Promise.all(Array.from({ length: n }, worker));
  if (errors.length) throw errors[0];
}

/** Scans an already opened source; see scanImage. */
export async function scanSource(source: ImageSource, opts: ScanOptions): Promise<ScanResult> {
  const analyzers = opts.analyzers ?? defaultAnalyzers();
  const cache = opts.layerCache ?? new LayerCache(opts.dataDir);
  const manifest = await source.describe(opts.signal);
  const total = manifest.layers.length;
  const data: LayerData[] = new Array(total);
  const plans = await Promise.all(manifest.layers.map((l) => loadCached(cache, l.diffID, analyzers)));
  const toRead = plans.flatMap((p, i) => (p.meta && p.missing.length === 0 ? [] : [i]));
  const bytesTotal = toRead.reduce((s, i) => s + (manifest.layers[i]!.size ?? 0), 0);
  const readSoFar = new Array<number>(total).fill(0);
  let layersDone = total - toRead.length;
  const report = () =>
    opts.onProgress?.({
      bytesRead: readSoFar.reduce((a, b) => a + b, 0),
      bytesTotal,
      layersDone,
      layersTotal: total,
    });
  for (const [i, p] of plans.entries())
    if (p.meta && p.missing.length === 0) data[i] = { meta: p.meta, analyses: p.analyses };
  report();
  const concurrency = opts.concurrency ?? Math.min(4, availableParallelism());
  const walkedHere = new Set<number>();
  await runPool(toRead, concurrency, async (i) => {
    const layer = manifest.layers[i]!;
    // one walk of a layer at a time per data directory: another scan may be walking it right now
    const release = await cache.claim(layer.diffID, opts.signal);
    try {
      const plan = await loadCached(cache, layer.diffID, analyzers);
      if (!(plan.meta && plan.missing.length === 0)) {
        const input = (await source.layerRange?.(layer)) ?? (await source.openLayer(layer, opts.signal));
        const walked = await walkLayer(input, layer, {
          position: i + 1,
          total,
          analyzers: plan.missing,
          limits: opts.limits ?? DEFAULT_LIMITS,
          signal: opts.signal,
          onProgress: (b) => {
            readSoFar[i] = b;
            report();
          },
        });
        // independent writes (files or database rows): all at once
        await Promise.all([
          cache.putMeta(walked.meta),
          ...walked.analyses.map((a) => cache.putAnalysis(layer.diffID, a)),
        ]);
        for (const a of walked.analyses) plan.analyses.set(a.analyzer, a);
        plan.meta = walked.meta;
        walkedHere.add(i);
      }
      data[i] = { meta: plan.meta!, analyses: plan.analyses };
    } finally {
      await release();
    }
    layersDone++;
    report();
  });
  const links = finalSymlinks(data);
  resolveWantedLinks(links, analyzers);
  const os = pickOs(osCandidates(data, OS_ANALYZER));
  const { components, problems } = coalesceComponents(
    data,
    analyzers.filter((a) => a.name !== OS_ANALYZER),
  );
  attachLicenses(components, data, analyzers, links);
  const findings = coalesceFindings(data, analyzers);
  const input = {
    config: manifest.config,
    historyLayers: historyLayers(
      manifest.config,
      manifest.layers.map((l) => l.diffID),
    ),
  };
  for (const check of opts.filesystemChecks ?? []) {
    try {
      findings.risks.push(...check(data));
    } catch (e) {
      problems.push({ path: 'filesystem', message: `a filesystem check failed: ${(e as Error).message}` });
    }
  }
  for (const check of opts.imageChecks ?? []) {
    try {
      findings.risks.push(...check.check(input));
    } catch (e) {
      problems.push({ path: 'config', message: `${check.name} failed: ${(e as Error).message}` });
    }
  }
  for (const c of components) {
    // an analyzer's odd version string must not fail the scan: the component just goes without a purl
    try {
      c.purl ??= purlFor(c, os);
    } catch {}
  }
  const layers = manifest.layers.map((l, i) => ({
    diffID: l.diffID,
    digest: l.digest,
    size: data[i]!.meta.size,
    cached: !walkedHere.has(i),
  }));
  return { manifest, layers, os, components, ...findings, problems, scannedAt: new Date() };
}

/** Opens `reference`, walks each layer not already in the cache once, and coalesces the image index. */
export async function scanImage(reference: string, opts: ScanOptions): Promise<ScanResult> {
  const source = await openSource(reference, { platform: opts.platform });
  try {
    return await scanSource(source, opts);
  } finally {
    await source.close();
  }
}
