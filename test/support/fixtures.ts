/**
 * Test helpers around the real-image fixtures (test/fixtures/build-images.sh) and the hullscan CLI.
 *
 * - `requireTools(tools)`: a skip reason when a tool is missing; under CI it returns undefined instead,
 *   and `ensureFixtures` then throws, so a missing tool FAILS the suite in CI rather than skipping it.
 * - `ensureFixtures(names)`: runs the (cached, flock-serialised) builder once per process per fixture
 *   and returns each fixture's meta.json plus absolute paths and references.
 * - `runCli(args, { dataDir })`: spawns `node bin/hullscan.js`, returns exit code, output and parsed JSON.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILDER = path.join(REPO_ROOT, 'test', 'fixtures', 'build-images.sh');
export const FIXTURES_DIR =
  process.env.HULLSCAN_FIXTURES ?? path.join(homedir(), '.cache', 'hullscan-fixtures');
export const CLI = path.join(REPO_ROOT, 'bin', 'hullscan.js');

export type FixtureName = 'small' | 'multi' | 'legacy' | 'buildah' | 'bookworm';

/** The host tools each fixture's recipe runs (see build-images.sh). */
export const FIXTURE_TOOLS: Record<FixtureName, string[]> = {
  small: ['umoci', 'skopeo', 'jq', 'tar', 'gzip', 'sha256sum', 'flock'],
  multi: ['umoci', 'skopeo', 'jq', 'tar', 'gzip', 'sha256sum', 'flock'],
  legacy: ['umoci', 'skopeo', 'jq', 'tar', 'gzip', 'sha256sum', 'flock'],
  buildah: ['umoci', 'skopeo', 'jq', 'tar', 'gzip', 'sha256sum', 'flock', 'buildah', 'busybox'],
  bookworm: ['debootstrap', 'chroot', 'umoci', 'skopeo', 'jq', 'tar', 'gzip', 'sha256sum', 'flock'],
};

/** One expected component, as meta.json records it (ground truth written by the builder). */
export interface ExpectedComponent {
  name: string;
  version: string;
  arch: string;
  type: string;
  sourceName: string;
  sourceVersion: string;
  layerIndex: number;
  /** diffID of the layer that introduced it */
  layer: string;
  path: string;
}

export interface Variant {
  path: string;
  transport: 'oci' | 'oci-archive' | 'docker-archive';
  tag?: string;
  manifestDigest?: string;
  repoTag?: string;
}

export interface SmallMeta {
  name: 'small';
  tag: string;
  imageId: string;
  manifestDigest: string;
  osName: string;
  architecture: string;
  author: string;
  created: string;
  createTime: string;
  user: string;
  env: string[];
  exposedPorts: string[];
  cmd: string[];
  labels: Record<string, string>;
  history: string[];
  layers: { diffID: string; size: number; digest: string; mediaType: string; entries: string[] }[];
  size: number;
  components: ExpectedComponent[];
  removedComponents: { name: string; why: string }[];
  files: { present: string[]; absent: string[]; symlinks: Record<string, string> };
  noEndBlockLayers: number[];
  opaqueLayers: number[];
  whiteoutLayers: number[];
  variants: Record<'oci' | 'docker-archive' | 'oci-archive' | 'zstd', Variant>;
}

export interface PlatformMeta {
  imageId: string;
  manifestDigest: string;
  architecture: string;
  archFile: string;
  diffIDs: string[];
  components: ExpectedComponent[];
}

export interface MultiMeta {
  name: 'multi';
  tag: string;
  indexDigest: string;
  osName: string;
  platforms: Record<'linux/amd64' | 'linux/arm64/v8', PlatformMeta>;
  absentPlatform: string;
  variants: Record<'oci' | 'oci-archive', Variant>;
}

export interface LegacyMeta {
  name: 'legacy';
  imageId: string;
  repoTag: string;
  v1Ids: string[];
  variants: Record<'docker-archive', Variant>;
}

export interface BuildahMeta {
  name: 'buildah';
  imageId: string;
  osName: string;
  architecture: string;
  user: string;
  history: string[];
  diffIDs: string[];
  components: ExpectedComponent[];
  removedComponents: { name: string; why: string; layerIndex: number }[];
  smallPushedImageId: string;
  variants: Record<'docker-archive' | 'small-pushed', Variant>;
}

export interface BookwormMeta {
  name: 'bookworm';
  tag: string;
  imageId: string;
  manifestDigest: string;
  debianVersion: string;
  osName: string;
  mirror: string;
  packageCount: number;
  groundTruth: string;
  layers: { diffID: string; size: number; digest: string; mediaType: string }[];
  size: number;
  variants: Record<'oci' | 'docker-archive', Variant>;
}

interface MetaByName {
  small: SmallMeta;
  multi: MultiMeta;
  legacy: LegacyMeta;
  buildah: BuildahMeta;
  bookworm: BookwormMeta;
}

export type VariantName<M> = M extends { variants: infer V } ? keyof V & string : never;

export interface Fixture<M> {
  /** absolute fixture directory */
  dir: string;
  meta: M;
  /** absolute path of a file inside the fixture */
  file(rel: string): string;
  /** `transport:ABSPATH[:tag]` for a variant of meta.variants */
  ref(variant: VariantName<M>): string;
}

export type Fixtures<N extends FixtureName> = { [K in N]: Fixture<MetaByName[K]> };

function onPath(tool: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => {
    try {
      accessSync(path.join(d, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function missingTools(tools: string[]): string[] {
  return [...new Set(tools)].filter((t) => !onPath(t));
}

const INSTALL_HINT =
  'apt-get install umoci skopeo buildah runc debootstrap busybox-static jq zstd (or run .ci/run)';

/**
 * Why a suite needing `tools` cannot run here, for `describe.skipIf(reason)`; undefined when it can.
 * Under CI (`process.env.CI`) a missing tool is never a reason to skip: this returns undefined and the
 * suite's `ensureFixtures` (or `assertTools`) fails with the same message.
 */
export function requireTools(tools: string[]): string | undefined {
  const missing = missingTools(tools);
  if (missing.length === 0) return undefined;
  const reason = `missing tools: ${missing.join(', ')} (${INSTALL_HINT})`;
  if (process.env.CI) return undefined;
  console.warn(`[hullscan tests] skipping: ${reason}`);
  return reason;
}

/** Throws when a tool is missing (used by ensureFixtures; call it directly in suites that build nothing). */
export function assertTools(tools: string[]): void {
  const missing = missingTools(tools);
  if (missing.length > 0) {
    const ci = process.env.CI ? ' — CI is set, so this fails instead of skipping' : '';
    throw new Error(`missing tools: ${missing.join(', ')} (${INSTALL_HINT})${ci}`);
  }
}

const built = new Map<FixtureName, Promise<void>>();

function runBuilder(names: FixtureName[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILDER, ...names], {
      cwd: REPO_ROOT,
      env: { ...process.env, HULLSCAN_FIXTURES: FIXTURES_DIR },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (process.env.HULLSCAN_FIXTURES_VERBOSE) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${BUILDER} ${names.join(' ')} exited ${code}:\n${log.split('\n').slice(-30).join('\n')}`,
          ),
        );
    });
  });
}

function loadFixture<N extends FixtureName>(name: N): Fixture<MetaByName[N]> {
  const dir = path.join(FIXTURES_DIR, name);
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as MetaByName[N];
  const variants = (meta as { variants: Record<string, Variant> }).variants;
  return {
    dir,
    meta,
    file: (rel) => path.join(dir, rel),
    ref: (variant: string) => {
      const v = variants[variant];
      if (!v) throw new Error(`fixture ${name} has no variant ${variant}`);
      const abs = path.join(dir, v.path);
      return v.tag ? `${v.transport}:${abs}:${v.tag}` : `${v.transport}:${abs}`;
    },
  };
}

/**
 * Builds what is missing among `names` (once per process; the builder itself caches across runs and
 * serialises concurrent callers) and returns each fixture. Throws when a needed tool is missing.
 */
export async function ensureFixtures<N extends FixtureName>(names: N[]): Promise<Fixtures<N>> {
  assertTools(names.flatMap((n) => FIXTURE_TOOLS[n]).concat(['bash']));
  const todo = names.filter((n) => !built.has(n));
  if (todo.length > 0) {
    const run = runBuilder(todo);
    for (const n of todo) built.set(n, run);
  }
  await Promise.all(names.map((n) => built.get(n)));
  const out = {} as Fixtures<N>;
  for (const n of names) (out as Record<string, unknown>)[n] = loadFixture(n);
  return out;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON */
  json: unknown;
  durationMs: number;
  timedOut: boolean;
}

export interface CliOptions {
  /** passed as `--data DIR` */
  dataDir?: string;
  /** kill the CLI after this long (default 120 s) */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** working directory (default the repository root) */
  cwd?: string;
}

/** Runs `node bin/hullscan.js ...args [--data DIR]` with TZ=UTC and no stdin. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` first (npm test does)');
  }
  const fullArgs = [CLI, ...args, ...(options.dataDir ? ['--data', options.dataDir] : [])];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, fullArgs, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, signal, stdout, stderr, json, durationMs: performance.now() - started, timedOut });
    });
  });
}
