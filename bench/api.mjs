#!/usr/bin/env node
// API benchmark: a `hullscan serve` process (pinned to one core when taskset exists) with 10,000 images
// in its store, rate limits lifted, signature checking on; autocannon on loopback from this process
// (pinned to the other core). Prints requests/s and latency percentiles for DescribeAssetImageDetail
// and for DescribeAssetImageList with a filter and Limit 100, each measured in the same run.
// Usage: npm run bench:api [-- --images 10000 --seconds 10 --connections 8]
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openStore } from '../dist/store/open-store.js';
import { scannedDetail } from './bench-detail.mjs';
import { hasTaskset, pinSelf, signed as signedRequest, startServer } from './serve-process.mjs';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
  },
});
const N = Number(values.images);
const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hullscan-bench', `api-${N}`);
const cred = {
  secretId: 'AKIDhullscanBench0000000000000000001',
  secretKey: 'hullscan-bench-key-0000000000001',
};
const account = { appId: 1, uin: '1' };
pinSelf();

const hex = (s) => createHash('sha256').update(s).digest('hex');
const ids = Array.from({ length: N }, (_, i) => `sha256:${hex(`bench-image-${i}`)}`);

function record(i) {
  const id = ids[i];
  const name = `registry.example.com/team-${i % 50}/app-${i}:v${i % 7}`;
  const components = Array.from({ length: 40 }, (_, j) => ({
    name: `pkg-${j}`,
    version: `1.${j}.${i % 13}-1`,
    type: 'deb',
    arch: 'amd64',
    sourceName: `src-${j}`,
    sourceVersion: `1.${j}.${i % 13}-1`,
    layer: `sha256:${hex(`layer-${i % 100}`)}`,
    path: 'var/lib/dpkg/status',
    purl: `pkg:deb/debian/pkg-${j}@1.${j}.${i % 13}-1?arch=amd64`,
  }));
  return {
    detail: scannedDetail({
      ImageID: id,
      ImageName: name,
      CreateTime: '2024-03-01 12:00:00',
      Size: 1_000_000 + i * 17,
      ContainerCnt: i % 3,
      ScanTime: '2026-12-01 10:00:00',
      VulCnt: i % 11,
      RiskCnt: i % 5,
      IsTrustImage: i % 2 === 0,
      OsName: i % 4 ? 'debian:12.5' : 'alpine:3.19.1',
      Architecture: 'amd64',
      Author: 'bench',
      BuildHistory: '# create_time:2024-03-01 12:00:00 tags:\nCOPY / /',
    }),
    components,
    names: [name],
    layers: [{ diffID: `sha256:${hex(`layer-${i % 100}`)}`, size: 1_000_000 }],
  };
}

async function ensureStore() {
  if (existsSync(join(cacheDir, '.done'))) return;
  await rm(cacheDir, { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  const t = Date.now();
  const store = await openStore(cacheDir);
  for (let i = 0; i < N; i++) await store.saveImage(account, record(i));
  await store.close();
  await writeFile(join(cacheDir, '.done'), '');
  console.error(
    `filled the store with ${N} images (40 components each) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
}

const signed = (endpoint, action, params) => signedRequest(endpoint, cred, action, params);

async function load(endpoint, title, requests) {
  let i = 0;
  const r = await autocannon({
    url: `http://${endpoint}`,
    connections: Number(values.connections),
    duration: Number(values.seconds),
    requests: [{ setupRequest: () => requests[i++ % requests.length] }],
  });
  const bad = r.non2xx + r.errors;
  console.log(
    `${title.padEnd(52)} ${r.requests.average.toFixed(0).padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   (${r.requests.total} requests, ${bad} failed)`,
  );
  return r;
}

await ensureStore();
const { child, endpoint } = await startServer(cacheDir, account, cred);
try {
  // one bad signature must fail: the benchmark measures with verification on
  const probe = signed(endpoint, 'DescribeAssetImageDetail', { ImageID: ids[0] });
  const res = await fetch(`http://${endpoint}/`, {
    ...probe,
    headers: {
      ...probe.headers,
      Authorization: probe.headers.Authorization.replace(/Signature=\w/, 'Signature=0'),
    },
  });
  const code = (await res.json()).Response.Error?.Code;
  if (code !== 'AuthFailure.SignatureFailure') throw new Error(`signature checking looks off: ${code}`);
  const check = await (
    await fetch(`http://${endpoint}/`, signed(endpoint, 'DescribeAssetImageList', { Limit: 1 }))
  ).json();
  console.log(
    `server on ${endpoint}${hasTaskset ? ' (pinned to core 0; load from core 1)' : ''}; images in store: ${check.Response.TotalCount}`,
  );
  const details = Array.from({ length: 500 }, (_, k) =>
    signed(endpoint, 'DescribeAssetImageDetail', { ImageID: ids[(k * 7919) % N] }),
  );
  await load(endpoint, 'warm-up', details);
  await load(endpoint, 'DescribeAssetImageDetail', details);
  const lists = [
    signed(endpoint, 'DescribeAssetImageList', {
      Limit: 100,
      Filters: [{ Name: 'ImageName', Values: ['team-7/'] }],
      By: 'Size',
      Order: 'desc',
    }),
  ];
  await load(endpoint, 'DescribeAssetImageList (ImageName substring, Limit 100)', lists);
  const exact = [
    signed(endpoint, 'DescribeAssetImageList', {
      Limit: 100,
      Filters: [{ Name: 'OsName', Values: ['alpine:3.19.1'], ExactMatch: true }],
      By: 'Size',
      Order: 'desc',
    }),
  ];
  await load(endpoint, 'DescribeAssetImageList (OsName exact, Limit 100)', exact);
  console.log(`goal: >= 3,000 req/s on one core, p99 <= 10 ms (${values.connections} connections)`);
} finally {
  child.kill('SIGTERM');
}
