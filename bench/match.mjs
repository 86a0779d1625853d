#!/usr/bin/env node
// Matching benchmark on real advisory data (../shared/oracles/osv): (a) import time of all the OSV data
// into a fresh vulndb, with the process's peak RSS; (b) vulnerabilitiesOf on a 3,000-component AlmaLinux 9
// image built from real rpm names and versions (advisory packages + the Rocky 9 inventory), median of
// runs; (c) rematchAll over 1,000 stored images of a few hundred real rpm components each, and peak RSS.
// Usage: npm run bench:match [-- --images 1000 --components 300 --runs 15]
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rpmVersion } from '../dist/ecosystems/rpm/rpm-version.js';
import { rematchAll, vulnerabilitiesOf } from '../dist/match/match-image.js';
import { openStore } from '../dist/store/open-store.js';
import { openVulnDb } from '../dist/vulndb/vulndb.js';
import { scannedDetail } from './bench-detail.mjs';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '1000' },
    components: { type: 'string', default: '300' },
    size: { type: 'string', default: '3000' },
    runs: { type: 'string', default: '15' },
    keep: { type: 'boolean', default: false },
  },
});
const ORACLES = new URL('../../shared/oracles/', import.meta.url).pathname;
const OSV = join(ORACLES, 'osv');
const FEEDS = ['almalinux/advisories', 'pypa', 'golang', 'github-npm-sample'].map((d) => join(OSV, d));
const GOALS = { matchMs: 100, rematchS: 30 };
const mb = (b) => `${Math.round(b / 2 ** 20)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ok = (v, goal) => (v <= goal ? 'ok' : 'MISSED');

/** Real AlmaLinux 9 (name, fixed version) pairs from the advisories, and the Rocky 9 inventory. */
function realRpms() {
  const dir = join(OSV, 'almalinux/advisories/almalinux9');
  const pairs = new Map();
  for (const f of readdirSync(dir)) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    for (const a of doc.affected ?? []) {
      for (const r of a.ranges ?? []) {
        for (const e of r.events ?? [])
          if (e.fixed) pairs.set(`${a.package.name}\0${e.fixed}`, [a.package.name, e.fixed]);
      }
    }
  }
  const rocky = JSON.parse(
    readFileSync(join(ORACLES, 'rpmdb/go-rpmdb/expected/rockylinux-9__rpmdb.sqlite.expected.json'), 'utf8'),
  ).packages.map((p) => [p.name, `${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}`]);
  return { advisory: [...pairs.values()], rocky };
}

function component([name, version]) {
  return {
    name,
    version,
    type: 'rpm',
    arch: 'x86_64',
    purl: `pkg:rpm/almalinux/${name}@${version}?arch=x86_64&distro=almalinux-9`,
  };
}

/**
 * `size` packages as a real image has them, one version per name: the Rocky 9 inventory as installed,
 * then AlmaLinux packages from the advisories, most at the newest fix any advisory names (a patched
 * system) and every tenth (shifted by `seed`) at the oldest (a system that fell behind).
 */
function components(rpms, size, seed = 0) {
  const fixes = new Map();
  for (const [name, v] of rpms.advisory) fixes.set(name, [...(fixes.get(name) ?? []), v]);
  const names = [...fixes.keys()];
  const out = new Map(rpms.rocky.map(([n, v]) => [n, v]));
  for (let i = 0; out.size < size && i < names.length; i++) {
    const name = names[(i + seed * 37) % names.length];
    if (out.has(name)) continue;
    const sorted = fixes.get(name).sort((x, y) => rpmVersion.compare(x, y));
    out.set(name, (i + seed) % 10 === 0 ? sorted[0] : sorted.at(-1));
  }
  return [...out].slice(0, size).map(component);
}

function record(i, comps) {
  const id = `sha256:${i.toString(16).padStart(64, '0')}`;
  return {
    detail: scannedDetail({
      ImageID: id,
      ImageName: `registry.example.com/bench/alma-${i}:9`,
      CreateTime: '2024-03-01 12:00:00',
      Size: 200_000_000,
      ScanTime: '2026-12-01 10:00:00',
      OsName: 'almalinux:9.4',
      Architecture: 'amd64',
      Author: 'bench',
    }),
    components: comps,
    names: [`registry.example.com/bench/alma-${i}:9`],
    layers: [{ diffID: `sha256:${'1'.repeat(64)}`, size: 200_000_000 }],
  };
}

const work = await mkdtemp(join(tmpdir(), 'hullscan-bench-match-'));
try {
  // (a) import
  const db = await openVulnDb(join(work, 'vulndb.sqlite'));
  let t = performance.now();
  const report = await db.importFeeds(FEEDS);
  const importS = (performance.now() - t) / 1000;
  console.log(
    `import     ${importS.toFixed(1)} s for ${report.advisories} advisories, ${report.ranges} ranges (${FEEDS.length} OSV folders); peak RSS ${mb(peakRss())}`,
  );

  // (b) one 3,000-component image
  const rpms = realRpms();
  const os = { id: 'almalinux', version: '9.4', source: 'bench' };
  const big = components(rpms, Number(values.size));
  const times = [];
  let rows = 0;
  for (let r = 0; r < Number(values.runs); r++) {
    t = performance.now();
    const v = await vulnerabilitiesOf(big, os, db, 'UTC');
    times.push(performance.now() - t);
    rows = v.rows.length;
  }
  const matchMs = median(times);
  console.log(
    `match      ${matchMs.toFixed(1)} ms median of ${times.length} (first ${times[0].toFixed(1)} ms) for ${big.length} components, ${rows} vulnerabilities; goal <= ${GOALS.matchMs} ms: ${ok(matchMs, GOALS.matchMs)}`,
  );

  // (c) re-match 1,000 stored images
  const dataDir = join(work, 'data');
  const store = await openStore(dataDir);
  const N = Number(values.images);
  t = performance.now();
  const account = { appId: 1, uin: '1' };
  for (let i = 0; i < N; i++)
    await store.saveImage(account, record(i, components(rpms, Number(values.components), i)));
  console.error(`(filled the store with ${N} images in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  t = performance.now();
  const r = await rematchAll(store, db, 'UTC');
  const rematchS = (performance.now() - t) / 1000;
  console.log(
    `re-match   ${rematchS.toFixed(1)} s for ${r.images} images x ${values.components} components, ${r.vulnerabilities} vulnerabilities; goal <= ${GOALS.rematchS} s: ${ok(rematchS, GOALS.rematchS)}; peak RSS ${mb(peakRss())}`,
  );
  // the common case after a daily import: most images match exactly as before and are not rewritten
  t = performance.now();
  const again = await rematchAll(store, db, 'UTC');
  const againS = (performance.now() - t) / 1000;
  console.log(
    `re-match   ${againS.toFixed(1)} s again for ${again.images} images when nothing changed (rows kept, only counts and text refreshed)`,
  );
  await store.close();
  await db.close();
} finally {
  if (values.keep) console.error(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
