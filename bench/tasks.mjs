#!/usr/bin/env node
// Scan-task throughput benchmark (issue #7): one scan task over N images (default 300) run by 1, then by 3
// `hullscan worker` processes on PostgreSQL, behind a `hullscan serve --workers 0` API node driven with the
// real Tencent Cloud SDK (AddAssetImage, CreateAssetImageScanTask with every scanner on, then
// DescribeAssetImageScanStatus every 250 ms until Status END).
// Measured per run: seconds from task creation to END, images/minute, and from the workers' stop lines the
// layer reads and the reads the shared layer cache saved, out of all N × 3 layer references.
// The images (one OCI layout, cached in ~/.cache/hullscan-bench/tasks-N) share two base layers (a Debian 12
// layer with a dpkg database and --base-mb MiB of incompressible files; an npm layer with lodash 4.17.20)
// and have one small layer each, every 10th with an AWS key pair in it (they run as a non-root USER, so those
// are the only risky images; the bench prints how many the task found). Reference: 1 worker; the ratio
// images/min(3) ÷ images/min(1) is the scale-out. This machine has 2 cores (shared with serve and
// PostgreSQL), so 3 workers cannot reach 3×.
// Each run uses a fresh schema (and its _jobs and _layers schemas), dropped afterwards, even on failure.
// Usage: npm run bench:tasks [-- --images 300 --base-mb 16 --database postgres://… --timeout 600]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { Header } from 'tar';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';

// the SDK would send loopback requests through a proxy
for (const v of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) delete process.env[v];

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '300' },
    'base-mb': { type: 'string', default: '16' },
    database: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    timeout: { type: 'string', default: '600' },
  },
});
const N = Number(values.images);
const baseMB = Number(values['base-mb']);
const timeoutMs = Number(values.timeout) * 1000;
if (!Number.isInteger(N) || N < 1 || N > 9999) throw new Error(`--images ${values.images}: want 1–9999`);
if (!Number.isFinite(baseMB) || baseMB < 0) throw new Error(`--base-mb ${values['base-mb']}: want ≥ 0`);
if (!(timeoutMs > 0)) throw new Error(`--timeout ${values.timeout}: want seconds > 0`);
const CLI = new URL('../bin/hullscan.js', import.meta.url).pathname;
const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hullscan-bench');
const account = { appId: 1251000097, uin: '700097' };
const cred = {
  secretId: 'AKIDhullscanTasksBench000000000001',
  secretKey: 'hullscan-tasks-bench-key-000000001',
};

// --- the image fleet: an OCI image layout, https://github.com/opencontainers/image-spec/blob/main/image-layout.md

const sha256 = (buf) => `sha256:${createHash('sha256').update(buf).digest('hex')}`;
const MTIME = new Date('2024-03-01T12:00:00Z');

/** A ustar archive of `entries` ({ path, body } files, paths ending in / directories). */
function tarball(entries) {
  const parts = [];
  for (const e of entries) {
    const dir = e.path.endsWith('/');
    const body = dir ? Buffer.alloc(0) : Buffer.from(e.body);
    const header = new Header({
      path: e.path,
      type: dir ? 'Directory' : 'File',
      mode: dir ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      uname: 'root',
      gname: 'root',
      size: body.length,
      mtime: MTIME,
    });
    const block = Buffer.alloc(512);
    if (header.encode(block, 0)) throw new Error(`tar header for ${e.path} needs pax`);
    parts.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function gzipLayer(entries, createdBy) {
  const tar = tarball(entries);
  return { blob: gzipSync(tar, { level: 6 }), diffID: sha256(tar), createdBy };
}

const DPKG_STATUS = [
  ['base-files', '12.4+deb12u5'],
  ['libc6', '2.36-9+deb12u4'],
  ['zlib1g', '1:1.2.13.dfsg-1'],
]
  .map(
    ([name, version]) =>
      `Package: ${name}\nStatus: install ok installed\nPriority: required\nArchitecture: amd64\nVersion: ${version}\nDescription: ${name}\n`,
  )
  .join('\n');

/** `n` random characters of RFC 4648 base32 (what AWS key ids are made of). */
const base32 = (n) => [...randomBytes(n)].map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b & 31]).join('');

/** The fleet's OCI layout directory, built once per (N, --base-mb). */
async function ensureFleet() {
  const root = join(cacheRoot, `tasks-${N}`);
  const dir = join(root, 'oci');
  const done = join(root, 'built.json');
  // rebuilt when the size or the format of the images changes
  const key = `v2, base ${baseMB} MiB`;
  if (existsSync(done) && JSON.parse(await readFile(done, 'utf8')).key === key) return dir;
  const t = Date.now();
  await rm(root, { recursive: true, force: true });
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = async (data) => {
    const buf = Buffer.from(data);
    const digest = sha256(buf);
    await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), buf);
    return { digest, size: buf.length };
  };
  const chunk = 256 << 10;
  const os = gzipLayer(
    [
      { path: 'etc/' },
      {
        path: 'etc/os-release',
        body: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
      },
      { path: 'var/' },
      { path: 'var/lib/' },
      { path: 'var/lib/dpkg/' },
      { path: 'var/lib/dpkg/status', body: DPKG_STATUS },
      { path: 'usr/' },
      { path: 'usr/lib/' },
      { path: 'usr/lib/blob/' },
      ...Array.from({ length: Math.ceil((baseMB * 2 ** 20) / chunk) }, (_, i) => ({
        path: `usr/lib/blob/part-${i}.bin`,
        body: randomBytes(chunk),
      })),
    ],
    'ADD rootfs.tar /',
  );
  const app = gzipLayer(
    [
      { path: 'app/' },
      { path: 'app/node_modules/' },
      { path: 'app/node_modules/lodash/' },
      { path: 'app/node_modules/lodash/package.json', body: '{"name":"lodash","version":"4.17.20"}' },
    ],
    'COPY node_modules /app/node_modules',
  );
  const base = [];
  for (const l of [os, app]) base.push(await put(l.blob));
  const manifests = [];
  for (let i = 0; i < N; i++) {
    const tag = `img-${String(i).padStart(4, '0')}`;
    const files = [
      { path: 'srv/' },
      { path: `srv/build-${i}.txt`, body: `build ${i} ${randomBytes(8).toString('hex')}\n` },
    ];
    if (i % 10 === 0)
      files.push({
        path: 'srv/aws.conf',
        body: `aws_access_key_id = AKIA${base32(16)}\naws_secret_access_key = ${randomBytes(30).toString('base64')}\n`,
      });
    const own = gzipLayer(files, `COPY build-${i} /srv`);
    const layers = [os, app, own];
    const ownDesc = await put(own.blob);
    const config = await put(
      JSON.stringify({
        created: '2024-03-01T12:00:00Z',
        architecture: 'amd64',
        os: 'linux',
        config: {
          User: '10001',
          Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
          Cmd: ['/bin/true'],
        },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
        history: layers.map((l) => ({ created: '2024-03-01T12:00:00Z', created_by: l.createdBy })),
      }),
    );
    const mediaType = 'application/vnd.oci.image.manifest.v1+json';
    const manifest = await put(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [...base, ownDesc].map((d) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          ...d,
        })),
      }),
    );
    manifests.push({ mediaType, ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } });
  }
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  await writeFile(done, JSON.stringify({ key }));
  console.error(`built ${N} images (base layers ${baseMB} MiB) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return dir;
}

// --- processes

/** Every child this benchmark started and has not seen exit, killed on the way out whatever happens. */
const children = new Set();

/** Starts `hullscan ARGS…`; resolves once stdout matched `ready`, rejects if it exits or takes 30 s. */
async function start(args, ready) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const p = { child, out: '', err: '' };
  child.stdout.setEncoding('utf8').on('data', (d) => {
    p.out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    p.err += d;
  });
  p.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal);
    }),
  );
  p.match = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hullscan ${args[0]} did not start:\n${p.out}\n${p.err}`)),
      30_000,
    );
    child.stdout.on('data', () => {
      const m = ready.exec(p.out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void p.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hullscan ${args[0]} exited (${code}) while starting:\n${p.out}\n${p.err}`));
    });
  });
  return p;
}

/** SIGTERM, then the exit code; SIGKILL and an error after `ms`. */
async function stop(p, ms = 30_000) {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  let timer;
  const code = await Promise.race([
    p.exited,
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    }),
  ]);
  clearTimeout(timer);
  if (code !== 'timeout') return code;
  p.child.kill('SIGKILL');
  await p.exited;
  throw new Error(`hullscan ${p.child.spawnargs[2]} did not stop within ${ms / 1000} s:\n${p.err}`);
}

function killAll() {
  for (const c of children) c.kill('SIGKILL');
}
process.once('exit', killAll);

/** The schemas of the run under way, dropped by its finally — or by the signal handler below. */
const liveSchemas = new Set();
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, async () => {
    console.error(
      `${signal}: stopping the processes and dropping ${[...liveSchemas].join(', ') || 'no schema'}`,
    );
    killAll();
    for (const s of liveSchemas) await dropSchemas(s).catch(() => {});
    process.exit(130);
  });

async function withPg(f) {
  const client = new pg.Client({ connectionString: values.database, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const dropSchemas = (schema) =>
  withPg(async (c) => {
    for (const s of [schema, `${schema}_jobs`, `${schema}_layers`])
      await c.query(`drop schema if exists "${s}" cascade`);
  });

// --- one run

const STOP_LINE =
  /hullscan worker: stopped after (\d+) images: (\d+) layers read \((\d+) bytes\), (\d+) taken from the layer cache/;

/** The scan task over every image with `W` workers: seconds and the workers' summed tallies. */
async function run(fleetDir, W) {
  const schema = `hullscan_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(values.database);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const database = url.toString();
  const work = await mkdtemp(join(tmpdir(), 'hullscan-bench-tasks-'));
  let serve;
  const workers = [];
  try {
    liveSchemas.add(schema);
    await withPg((c) => c.query(`create schema "${schema}"`));
    const config = join(work, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [{ ...account, credentials: [cred] }],
        rateLimits: { default: 0 },
        workers: 0,
        imageRoots: [fleetDir],
        database,
      }),
    );
    serve = await start(
      ['serve', '--listen', '127.0.0.1:0', '--data', join(work, 'serve'), '--config', config],
      /listening on http:\/\/(\S+:\d+)/,
    );
    const endpoint = serve.match[1];
    for (let i = 0; i < W; i++)
      workers.push(
        await start(
          ['worker', '--database', database, '--data', join(work, `w${i}`), '--concurrency', '1'],
          /^hullscan worker /m,
        ),
      );
    const client = new tcss.v20201101.Client({
      credential: cred,
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 120 } },
    });
    for (let i = 0; i < N; i += 100) {
      const refs = Array.from(
        { length: Math.min(100, N - i) },
        (_, k) => `oci:${fleetDir}:img-${String(i + k).padStart(4, '0')}`,
      );
      const r = await client.request('AddAssetImage', { Images: refs });
      if (r.Images?.length !== refs.length)
        throw new Error(`AddAssetImage: ${JSON.stringify(r).slice(0, 500)}`);
    }
    const started = Date.now();
    const { TaskID } = await client.CreateAssetImageScanTask({
      ScanScope: 0,
      ScanVul: true,
      ScanRisk: true,
      ScanVirus: true,
    });
    let status;
    for (;;) {
      status = await client.DescribeAssetImageScanStatus({ TaskID });
      if (status.Status === 'END') break;
      if (Date.now() - started > timeoutMs)
        throw new Error(`task ${TaskID} not done after ${values.timeout} s: ${JSON.stringify(status)}`);
      const dead = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (dead) throw new Error(`a worker exited during the task:\n${dead.err}`);
      await sleep(250);
    }
    const seconds = (Date.now() - started) / 1000;
    if (status.ImageScanCnt !== N)
      throw new Error(`task ended with ImageScanCnt ${status.ImageScanCnt}, want ${N}`);
    const tally = { images: 0, reads: 0, bytes: 0, cached: 0, perWorker: [] };
    for (const w of workers) {
      const code = await stop(w);
      const m = STOP_LINE.exec(w.err);
      if (code !== 0 || !m) throw new Error(`worker exited ${code} without its stop line:\n${w.err}`);
      tally.images += Number(m[1]);
      tally.reads += Number(m[2]);
      tally.bytes += Number(m[3]);
      tally.cached += Number(m[4]);
      tally.perWorker.push(Number(m[1]));
    }
    return { W, seconds, status, ...tally };
  } catch (e) {
    if (serve?.err) console.error(`--- serve stderr:\n${serve.err}`);
    for (const [i, w] of workers.entries()) if (w.err) console.error(`--- worker ${i} stderr:\n${w.err}`);
    throw e;
  } finally {
    for (const w of workers) await stop(w).catch(() => {});
    if (serve) await stop(serve).catch(() => {});
    await dropSchemas(schema).then(
      () => liveSchemas.delete(schema),
      (e) => console.error(`could not drop schema ${schema}: ${e.message}`),
    );
    await rm(work, { recursive: true, force: true });
  }
}

// --- main

const fleetDir = await ensureFleet();
const results = [];
try {
  for (const W of [1, 3]) {
    const r = await run(fleetDir, W);
    results.push(r);
    console.error(
      `${W} worker(s): ${r.seconds.toFixed(1)} s; images per worker ${r.perWorker.join('/')}; ` +
        `${r.status.RiskCount} risky (want ${Math.ceil(N / 10)}: the images with an AWS key), ${r.status.SuccessCount} clean`,
    );
  }
} finally {
  killAll();
}
const perMin = (r) => (N / r.seconds) * 60;
console.log(`${N} images, 3 layers each (2 shared: ${baseMB} MiB of base files + an npm layer); 2 CPU cores`);
console.log('workers  seconds  images/min  layer reads  saved by layer cache  saved % of refs');
for (const r of results)
  console.log(
    `${String(r.W).padStart(7)}  ${r.seconds.toFixed(1).padStart(7)}  ${perMin(r).toFixed(0).padStart(10)}  ${String(r.reads).padStart(11)}  ${String(r.cached).padStart(20)}  ${((r.cached / (N * 3)) * 100).toFixed(1).padStart(14)} %`,
  );
console.log(`images/min with 3 workers ÷ with 1: ${(perMin(results[1]) / perMin(results[0])).toFixed(2)}×`);
