#!/usr/bin/env node
// Scan benchmark. Builds (once, cached) two OCI images from files on this machine and measures in one run:
// 1. system image (>= 1 GB uncompressed, several gzip layers):
//   reference: Node's own streaming gunzip of the same layer blobs (default options, and 64 KiB chunks)
//   cold scan: hullscan's scan with an empty cache (child process: wall time and peak RSS)
//   warm scan: the same scan again with the cache filled
//   full scan: a cold scan with the secret, risk and virus scanners as well (goal <= 1.5x the cold scan)
// 2. application image (thousands of npm and Python packages: Debian's python and npm trees, a real
//    Python site-packages, and ten services each with a copy of this project's node_modules):
//   reference: a cold scan with the OS analyzers only; measured: a cold scan with every analyzer
//   (goal: the language analyzers add at most 25 %)
// and prints the ratios. Usage: npm run bench:scan [-- --dirs usr/bin,usr/share --runs 3 --image system|app|both]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';

console.log(
  `decompression: ${process.env.HULLSCAN_DECOMPRESS === 'builtin' ? 'in-process (zlib)' : 'igzip when installed, else zlib'}`,
);
const { values } = parseArgs({
  options: {
    dirs: { type: 'string', default: 'etc+usr/sbin+var/lib/dpkg,usr/bin,usr/share' },
    runs: { type: 'string', default: '3' },
    image: { type: 'string', default: 'both' },
    apps: { type: 'string', default: '10' },
    cache: {
      type: 'string',
      default: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hullscan-bench'),
    },
  },
});
const runs = Number(values.runs);

/** Where one cached image lives. */
function imageAt(key) {
  const root = join(values.cache, createHash('sha256').update(key).digest('hex').slice(0, 12));
  return { root, layout: join(root, 'oci') };
}

/** One gzip layer of the paths `dirs`, tarred from `cwd`. */
async function buildLayer({ root, layout }, dirs, cwd = '/') {
  const tmp = join(root, `layer.${process.pid}.tmp`);
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let size = 0;
  const tar = spawn(
    'tar',
    ['-C', cwd, '--hard-dereference', '--ignore-failed-read', '--warning=none', '-cf', '-', ...dirs],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const gzip = createGzip({ level: 6 });
  tar.stdout.on('data', (c) => {
    diff.update(c);
    size += c.length;
  });
  gzip.on('data', (c) => blob.update(c));
  await pipeline(tar.stdout, gzip, createWriteStream(tmp));
  const digest = `sha256:${blob.digest('hex')}`;
  const out = join(layout, 'blobs', 'sha256', digest.slice(7));
  await import('node:fs/promises').then((fs) => fs.rename(tmp, out));
  return { diffID: `sha256:${diff.digest('hex')}`, digest, size, stored: (await stat(out)).size };
}

async function writeBlob(layout, obj) {
  const buf = Buffer.from(JSON.stringify(obj));
  const digest = `sha256:${createHash('sha256').update(buf).digest('hex')}`;
  await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), buf);
  return { digest, size: buf.length };
}

/** Builds the image once; `specs` are its layers `{ dirs, cwd? }`, bottom first. */
async function ensureImage(image, specs) {
  const { root, layout } = image;
  const done = join(root, 'layers.json');
  if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8'));
  await rm(layout, { recursive: true, force: true });
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  const layers = [];
  for (const { dirs, cwd } of specs) {
    const t = Date.now();
    layers.push(await buildLayer(image, dirs, cwd));
    console.error(
      `built layer ${dirs.join('+')}: ${(layers.at(-1).size / 1e6).toFixed(0)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const config = await writeBlob(layout, {
    architecture: 'amd64',
    os: 'linux',
    created: new Date().toISOString(),
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
    history: specs.map((d) => ({ created_by: `COPY ${d.dirs.join(' ')}` })),
  });
  const manifest = await writeBlob(layout, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: layers.map((l) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: l.digest,
      size: l.stored,
    })),
  });
  await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'bench' },
        },
      ],
    }),
  );
  await writeFile(done, JSON.stringify(layers));
  return layers;
}

async function gunzipAll({ layout }, layers, opts) {
  const t = process.hrtime.bigint();
  for (const l of layers) {
    const g = createGunzip(opts);
    g.resume();
    await pipeline(createReadStream(join(layout, 'blobs', 'sha256', l.digest.slice(7))), g);
  }
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** One scan in a fresh process; `analyzers` is `all` or `os` (the OS analyzers only). */
function scanOnce({ layout }, dataDir, analyzers = 'all') {
  const child = new URL('./scan-child.mjs', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [child, `oci:${layout}:bench`, dataDir, analyzers], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`scan failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const f = (x) => x.toFixed(2);

async function systemBench() {
  const image = imageAt(values.dirs);
  const layers = await ensureImage(
    image,
    values.dirs.split(',').map((l) => ({ dirs: l.split('+') })),
  );
  const total = layers.reduce((s, l) => s + l.size, 0);
  const stored = layers.reduce((s, l) => s + l.stored, 0);
  console.log(
    `image: ${layers.length} layers, ${(total / 1e9).toFixed(2)} GB uncompressed, ${(stored / 1e9).toFixed(2)} GB gzip; largest layer ${((Math.max(...layers.map((l) => l.size)) / total) * 100).toFixed(0)} %`,
  );
  const ref = [];
  const ref64 = [];
  const cold = [];
  const warm = [];
  const full = [];
  let fullRss = 0;
  let found = '';
  let rss = 0;
  let components = 0;
  for (let i = 0; i < runs; i++) {
    ref.push(await gunzipAll(image, layers, {}));
    ref64.push(await gunzipAll(image, layers, { chunkSize: 64 * 1024 }));
    const dataDir = await mkdtemp(join(tmpdir(), 'hullscan-bench-'));
    try {
      const c = scanOnce(image, dataDir);
      const w = scanOnce(image, dataDir);
      cold.push(c.seconds);
      warm.push(w.seconds);
      rss = Math.max(rss, c.maxRssMB, w.maxRssMB);
      components = c.components;
      if (w.components !== c.components || w.imageID !== c.imageID)
        throw new Error('warm scan disagrees with cold scan');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    const fullDir = await mkdtemp(join(tmpdir(), 'hullscan-bench-'));
    try {
      const x = scanOnce(image, fullDir, 'full');
      full.push(x.seconds);
      fullRss = Math.max(fullRss, x.maxRssMB);
      found = `${x.risks} risks, ${x.viruses} viruses`;
    } finally {
      await rm(fullDir, { recursive: true, force: true });
    }
  }
  console.log(`runs: ${runs} (medians below); components found: ${components}; full scan found ${found}`);
  console.log(`reference  node gunzip (default 16 KiB chunks)            ${f(median(ref))} s`);
  console.log(`reference  node gunzip (64 KiB chunks)                    ${f(median(ref64))} s`);
  console.log(
    `hullscan   cold scan (empty cache, fresh process)     ${f(median(cold))} s   ratio ${f(median(cold) / median(ref))} vs default gunzip, ${f(median(cold) / median(ref64))} vs 64 KiB gunzip  (goal <= 1.0, never > 1.3)`,
  );
  console.log(
    `hullscan   warm rescan (cache filled, fresh process)  ${f(median(warm))} s   (goal <= 0.5 s, never > 1 s)`,
  );
  console.log(
    `hullscan   peak RSS                                   ${rss.toFixed(0)} MB   (goal <= 300 MB)`,
  );
  console.log(
    `hullscan   cold scan + secret, risk, virus         ${f(median(full))} s   ratio ${f(median(full) / median(cold))} vs the inventory-only cold scan  (goal <= 1.5); peak RSS ${fullRss.toFixed(0)} MB`,
  );
}

/** `count` services with this project's node_modules each (hard links: no disk), minus a few huge binaries. */
async function stageApps(stage, count) {
  const heavy = new Set([
    '.bin',
    '.cache',
    '@biomejs',
    '@rolldown',
    'lightningcss-linux-x64-gnu',
    'tencentcloud-sdk-nodejs',
    'typescript',
  ]);
  const src = new URL('../node_modules', import.meta.url).pathname;
  await rm(stage, { recursive: true, force: true });
  const keep = (await readdir(src)).filter((n) => !heavy.has(n));
  for (let i = 1; i <= count; i++) {
    const to = join(stage, 'srv', `app${i}`, 'node_modules');
    await mkdir(to, { recursive: true });
    const r = spawnSync('cp', ['-al', ...keep.map((n) => join(src, n)), to], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cp -al failed: ${r.stderr}`);
  }
}

async function appBench() {
  const python = spawnSync('python3', ['-c', 'import site; print(site.getsitepackages()[0])'], {
    encoding: 'utf8',
  });
  const sitePackages = python.status === 0 ? python.stdout.trim().replace(/^\/+/, '') : undefined;
  const apps = Number(values.apps);
  const image = imageAt(`app:${apps}:${sitePackages}`);
  const stage = join(image.root, 'stage');
  if (!existsSync(join(image.root, 'layers.json'))) await stageApps(stage, apps);
  const layers = await ensureImage(image, [
    { dirs: ['etc', 'var/lib/dpkg', 'usr/lib/python3', 'usr/lib/node_modules'] },
    ...(sitePackages ? [{ dirs: [sitePackages] }] : []),
    { dirs: ['srv'], cwd: stage },
  ]);
  await rm(stage, { recursive: true, force: true });
  const total = layers.reduce((s, l) => s + l.size, 0);
  console.log(`\napplication image: ${layers.length} layers, ${(total / 1e9).toFixed(2)} GB uncompressed`);
  const osOnly = [];
  const all = [];
  let found;
  for (let i = 0; i < runs; i++) {
    for (const [mode, into] of [
      ['os', osOnly],
      ['all', all],
    ]) {
      const dataDir = await mkdtemp(join(tmpdir(), 'hullscan-bench-'));
      try {
        const r = scanOnce(image, dataDir, mode);
        into.push(r.seconds);
        if (mode === 'all') found = r.byType;
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  }
  console.log(`runs: ${runs} (medians below); components by type: ${JSON.stringify(found)}`);
  console.log(`reference  cold scan, OS analyzers only                 ${f(median(osOnly))} s`);
  console.log(
    `hullscan   cold scan, every analyzer                   ${f(median(all))} s   ratio ${f(median(all) / median(osOnly))}  (goal: language analyzers add <= 25 %, ratio <= 1.25)`,
  );
}

if (values.image !== 'app') await systemBench();
if (values.image !== 'system') await appBench();
