import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import path from 'node:path';
import type { ReportRequest } from '../api/actions/ReportAssetHostState/index.js';
import { submitRequest } from '../api/actions/SubmitAssetImageIndex/index.js';
import { normalizeImageName } from '../core/reference.js';
import { imageRecord } from '../scan/image-record.js';
import { scanImage } from '../scan/scan-image.js';
import { scannerPlan, virusOptions } from '../scan/scanners.js';
import type { EngineClient, EngineContainer, EngineImage } from './engine.js';

/** Calls one API action signed with the agent's credential (submit-command's callAction). */
export type CallAction = (action: string, params: unknown) => Promise<Record<string, unknown>>;

export interface AgentOptions {
  engine: EngineClient;
  call: CallAction;
  dataDir: string;
  intervalSeconds: number;
  superNode: boolean;
  hostId?: string;
  agentVersion: string;
  /** images scanned per cycle at most (default 2) */
  scansPerCycle?: number;
  /** largest image export (default 4 GiB) */
  maxExportBytes?: number;
  timeZone?: string;
  /** one report (and its scans), then stop */
  once?: boolean;
  log?: (line: string) => void;
}

export interface RunningAgent {
  /** resolves when the agent stopped (after stop(), or after one cycle with `once`) */
  done: Promise<void>;
  stop(): Promise<void>;
  /** reports the agent sent and the server applied */
  readonly reports: number;
}

const IMAGE_ID = /^sha256:[a-f0-9]{64}$/;
const HEX_ID = /^[a-f0-9]{64}$/;

/** The host id: --host-id, else /etc/machine-id, else one generated once into DATA/agent-id. */
export async function stableHostId(dataDir: string, given?: string): Promise<string> {
  if (given) return given;
  try {
    const id = (await readFile('/etc/machine-id', 'utf8')).trim();
    if (/^[A-Za-z0-9]{8,128}$/.test(id)) return id;
  } catch {
    // no machine id: a generated one below
  }
  const file = path.join(dataDir, 'agent-id');
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (/^[A-Za-z0-9-]{8,128}$/.test(id)) return id;
  } catch {
    // first run
  }
  const id = randomUUID();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${id}\n`, { mode: 0o600 });
  return id;
}

/** The host's non-internal addresses, IPv4 first. */
export function hostIps(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((l) => l ?? []);
  const external = all.filter((a) => !a.internal && !a.address.startsWith('fe80:'));
  const list = (external.length ? external : all).sort((a, b) =>
    a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1,
  );
  return [...new Set(list.map((a) => a.address.split('%')[0]!))].slice(0, 64);
}

/** `s` as text of at most `max` characters, control characters as spaces. */
function clip(s: unknown, max: number): string {
  const t = typeof s === 'string' ? s.slice(0, max) : '';
  let out = '';
  for (let i = 0; i < t.length; i++) out += t.charCodeAt(i) < 0x20 ? ' ' : t[i];
  return out;
}
const withPrefix = (id: string | undefined): string =>
  id === undefined ? '' : id.startsWith('sha256:') ? id : `sha256:${id}`;

/** The report's image list from the Engine's, with the agent's scan errors. */
export function reportImages(images: EngineImage[], errors: Map<string, string>): ReportRequest['Images'] {
  const seen = new Set<string>();
  const out: ReportRequest['Images'] = [];
  for (const i of images) {
    const id = withPrefix(i.Id);
    if (!IMAGE_ID.test(id) || seen.has(id)) continue;
    seen.add(id);
    const error = errors.get(id);
    out.push({
      ImageID: id,
      RepoTags: (i.RepoTags ?? [])
        .filter((t) => t !== '<none>:<none>')
        .map((t) => clip(t, 1024))
        .slice(0, 256),
      RepoDigests: (i.RepoDigests ?? [])
        .filter((d) => !d.startsWith('<none>'))
        .map((d) => clip(d, 1024))
        .slice(0, 256),
      Size: Number.isSafeInteger(i.Size) && (i.Size ?? 0) >= 0 ? (i.Size as number) : 0,
      Created: Number.isSafeInteger(i.Created) && (i.Created ?? 0) >= 0 ? (i.Created as number) : 0,
      ...(error ? { AgentError: clip(error, 1024) } : {}),
    });
  }
  return out.slice(0, 5_000);
}

const STATES = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

export function reportContainers(containers: EngineContainer[]): ReportRequest['Containers'] {
  const out: ReportRequest['Containers'] = [];
  const seen = new Set<string>();
  for (const c of containers) {
    const imageId = withPrefix(c.ImageID);
    if (!HEX_ID.test(c.Id) || seen.has(c.Id) || !IMAGE_ID.test(imageId)) continue;
    seen.add(c.Id);
    const state = (c.State ?? '').toLowerCase();
    out.push({
      ContainerID: c.Id,
      Name: clip((c.Names?.[0] ?? '').replace(/^\//, ''), 256),
      ImageID: imageId,
      ImageName: clip(c.Image, 1024),
      State: (STATES.has(state)
        ? state
        : state === 'stopped'
          ? 'exited'
          : 'created') as ReportRequest['Containers'][number]['State'],
      Status: clip(c.Status, 256),
      Created: Number.isSafeInteger(c.Created) && (c.Created ?? 0) >= 0 ? (c.Created as number) : 0,
    });
  }
  return out.slice(0, 10_000);
}

/**
 * The host agent: reports the Engine's images and containers on start, every interval and on Engine
 * events; scans (at most `scansPerCycle` per cycle) the images the server has no scan of.
 */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const hostId = await stableHostId(opts.dataDir, opts.hostId);
  const seqFile = path.join(opts.dataDir, 'agent-seq');
  const tmpDir = path.join(opts.dataDir, 'agent-tmp');
  await mkdir(tmpDir, { recursive: true });
  let lastSeq = Number((await readFile(seqFile, 'utf8').catch(() => '0')).trim()) || 0;
  const errors = new Map<string, string>();
  const abort = new AbortController();
  let reports = 0;
  let wake: (() => void) | undefined;
  let dirty = false;

  const nextSeq = async (): Promise<number> => {
    // above the last one sent, also across restarts (kept in DATA) and a lost DATA (the clock)
    lastSeq = Math.max(lastSeq + 1, Date.now());
    await writeFile(seqFile, `${lastSeq}\n`).catch(() => undefined);
    return lastSeq;
  };

  const report = async (images: EngineImage[]): Promise<void> => {
    const containers = await opts.engine.containers(abort.signal);
    const version = await opts.engine.version(abort.signal).catch(() => ({}) as { Version?: string });
    const body: ReportRequest = {
      HostID: hostId,
      HostName: clip(hostname(), 256) || hostId,
      HostIPs: hostIps(),
      NodeType: opts.superNode ? 'SUPER' : 'NORMAL',
      AgentVersion: clip(opts.agentVersion, 64),
      DockerVersion: clip(version.Version, 64),
      Seq: await nextSeq(),
      IntervalSeconds: opts.intervalSeconds,
      Images: reportImages(images, errors),
      Containers: reportContainers(containers),
    };
    const r = await opts.call('ReportAssetHostState', body);
    if (r.Applied === true) reports++;
  };

  /** Whether the server has no scan of the image (unknown there, or NOT_SCAN). */
  const needsScan = async (imageId: string): Promise<boolean> => {
    try {
      const d = await opts.call('DescribeAssetImageDetail', { ImageID: imageId });
      return d.ScanStatus === 'NOT_SCAN';
    } catch (e) {
      if (/ResourceNotFound/.test((e as Error).message)) return true;
      throw e;
    }
  };

  const scanOne = async (image: ReportRequest['Images'][number]): Promise<void> => {
    const imageId = image.ImageID;
    const file = path.join(tmpDir, `${imageId.slice(7, 23)}-${process.pid}.tar`);
    try {
      await opts.engine.exportImage(imageId, file, opts.maxExportBytes ?? 4 * 1024 ** 3, abort.signal);
      const plan = await scannerPlan(['secret', 'risk', 'virus'], opts.dataDir, virusOptions({}));
      const result = await scanImage(`docker-archive:${file}`, {
        dataDir: opts.dataDir,
        analyzers: plan.analyzers,
        imageChecks: plan.imageChecks,
        filesystemChecks: plan.filesystemChecks,
        signal: abort.signal,
      });
      if (plan.errors.virus) result.scannerErrors = plan.errors;
      if (result.manifest.imageID !== imageId)
        throw new Error(`export-mismatch: the export is ${result.manifest.imageID}`);
      const record = imageRecord(result, opts.timeZone ?? 'UTC', plan.scans);
      // an export by ID carries no tags: the names are the Engine's
      const names = image.RepoTags.map((t) => normalizeImageName(t)).filter(
        (n): n is string => n !== undefined,
      );
      if (names.length > 0) {
        record.names = [...new Set([...names, ...record.names])];
        record.detail.ImageName = record.names[0]!;
      }
      if (image.RepoDigests.length > 0 && record.detail.RepoDigests.length === 0)
        record.detail.RepoDigests = image.RepoDigests;
      await opts.call('SubmitAssetImageIndex', submitRequest(record));
      errors.delete(imageId);
      log(`agent: scanned ${imageId}`);
    } finally {
      await rm(file, { force: true });
    }
  };

  const cycle = async (): Promise<void> => {
    const images = await opts.engine.images(abort.signal);
    await report(images);
    let changed = false;
    let budget = opts.scansPerCycle ?? 2;
    for (const image of reportImages(images, new Map())) {
      if (budget <= 0 || abort.signal.aborted) break;
      if (errors.has(image.ImageID)) continue; // failed here before: reported, not retried every cycle
      if (!(await needsScan(image.ImageID))) continue;
      budget--;
      changed = true;
      try {
        await scanOne(image);
      } catch (e) {
        if (abort.signal.aborted) return;
        const msg = (e as Error).message.split('\n')[0] ?? 'scan failed';
        errors.set(image.ImageID, msg.slice(0, 1024));
        log(`agent: scanning ${image.ImageID} failed: ${msg}`);
      }
    }
    // a submitted scan or a failure shows in the server's counters and AgentError at once
    if (changed && !abort.signal.aborted) await report(await opts.engine.images(abort.signal));
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const watchEvents = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        await opts.engine.events(() => {
          dirty = true;
          setTimeout(() => wake?.(), 200).unref();
        }, abort.signal);
      } catch {
        // no events here (or the stream broke): the interval still reports
      }
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, opts.intervalSeconds * 1000).unref());
    }
  };

  const loop = async (): Promise<void> => {
    if (!opts.once) void watchEvents();
    while (!abort.signal.aborted) {
      dirty = false;
      try {
        await cycle();
      } catch (e) {
        if (abort.signal.aborted) break;
        log(`agent: report failed: ${(e as Error).message.split('\n')[0]}`);
        if (opts.once) throw e;
      }
      if (opts.once) break;
      if (!dirty) await sleep(opts.intervalSeconds * 1000);
    }
  };

  const done = loop().finally(() => abort.abort());
  return {
    done,
    get reports() {
      return reports;
    },
    async stop() {
      abort.abort();
      wake?.();
      await done.catch(() => undefined);
    },
  };
}
