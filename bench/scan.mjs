#!/usr/bin/env node
// Scan benchmark: builds (once, cached) an OCI image of >= 1 GB uncompressed in several gzip layers
// from files on this machine, then measures in one run:
//   reference: Node's own streaming gunzip of the same layer blobs (default options, and 64 KiB chunks)
//   cold scan: hullscan's scan with an empty cache (child process: wall time and peak RSS)
//   warm scan: the same scan again with the cache filled
// and prints the ratios. Usage: npm run bench:scan [-- --dirs usr/bin,usr/share --runs 3]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
    cache: {
      type: 'string',
      default: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hullscan-bench'),
    },
  },
});
const layersSpec = values.dirs.split(',').map((l) => l.split('+'));
const runs = Number(values.runs);
const root = join(values.cache, createHash('sha256').update(values.dirs).digest('hex').slice(0, 12));
const layout = join(root, 'oci');

async function buildLayer(dirs) {
  const tmp = join(root, `layer.${process.pid}.tmp`);
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let size = 0;
  const tar = spawn('tar', ['-C', '/', '--ignore-failed-read', '--warning=none', '-cf', '-', ...dirs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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

async function writeBlob(obj) {
  const buf = Buffer.from(JSON.stringify(obj));
  const digest = `sha256:${createHash('sha256').update(buf).digest('hex')}`;
  await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), buf);
  return { digest, size: buf.length };
}

async function ensureImage() {
  const done = join(root, 'layers.json');
  if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8'));
  await rm(layout, { recursive: true, force: true });
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  const layers = [];
  for (const dirs of layersSpec) {
    const t = Date.now();
    layers.push(await buildLayer(dirs));
    console.error(
      `built layer ${dirs.join('+')}: ${(layers.at(-1).size / 1e6).toFixed(0)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const config = await writeBlob({
    architecture: 'amd64',
    os: 'linux',
    created: new Date().toISOString(),
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
    history: layersSpec.map((d) => ({ created_by: `COPY ${d.join(' ')}` })),
  });
  const manifest = await writeBlob({
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

async function gunzipAll(layers, opts) {
  const t = process.hrtime.bigint();
  for (const l of layers) {
    const g = createGunzip(opts);
    g.resume();
    await pipeline(createReadStream(join(layout, 'blobs', 'sha256', l.digest.slice(7))), g);
  }
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function scanOnce(dataDir) {
  const child = new URL('./scan-child.mjs', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [child, `oci:${layout}:bench`, dataDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scan failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const layers = await ensureImage();
const total = layers.reduce((s, l) => s + l.size, 0);
const stored = layers.reduce((s, l) => s + l.stored, 0);
console.log(
  `image: ${layers.length} layers, ${(total / 1e9).toFixed(2)} GB uncompressed, ${(stored / 1e9).toFixed(2)} GB gzip; largest layer ${((Math.max(...layers.map((l) => l.size)) / total) * 100).toFixed(0)} %`,
);
const ref = [];
const ref64 = [];
const cold = [];
const warm = [];
let rss = 0;
let components = 0;
for (let i = 0; i < runs; i++) {
  ref.push(await gunzipAll(layers, {}));
  ref64.push(await gunzipAll(layers, { chunkSize: 64 * 1024 }));
  const dataDir = await mkdtemp(join(tmpdir(), 'hullscan-bench-'));
  try {
    const c = scanOnce(dataDir);
    const w = scanOnce(dataDir);
    cold.push(c.seconds);
    warm.push(w.seconds);
    rss = Math.max(rss, c.maxRssMB, w.maxRssMB);
    components = c.components;
    if (w.components !== c.components || w.imageID !== c.imageID)
      throw new Error('warm scan disagrees with cold scan');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
const f = (x) => x.toFixed(2);
console.log(`runs: ${runs} (medians below); components found: ${components}`);
console.log(`reference  node gunzip (default 16 KiB chunks)            ${f(median(ref))} s`);
console.log(`reference  node gunzip (64 KiB chunks)                    ${f(median(ref64))} s`);
console.log(
  `hullscan   cold scan (empty cache, fresh process)     ${f(median(cold))} s   ratio ${f(median(cold) / median(ref))} vs default gunzip, ${f(median(cold) / median(ref64))} vs 64 KiB gunzip  (goal <= 1.0, never > 1.3)`,
);
console.log(
  `hullscan   warm rescan (cache filled, fresh process)  ${f(median(warm))} s   (goal <= 0.5 s, never > 1 s)`,
);
console.log(`hullscan   peak RSS                                   ${rss.toFixed(0)} MB   (goal <= 300 MB)`);
