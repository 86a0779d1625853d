/**
 * Rust end to end: cargo-auditable data put into real ELF executables by the real `objcopy
 * --add-section .dep-v0=…` (as cargo-auditable's linker step does), Cargo.lock files of formats v1,
 * v3 and v4, and an executable whose `.dep-v0` is corrupt, in an OCI image; scanned, then matched
 * against RustSec-format OSV records (src/ecosystems/cargo/testdata/osv).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { matchComponents } from '../src/match/match-components.js';
import { scanImage } from '../src/scan/scan-image.js';
import { openVulnDb } from '../src/vulndb/vulndb.js';
import { imageOfLayers } from './support/dir-image.js';
import { REPO_ROOT, requireTools } from './support/fixtures.js';

const TESTDATA = path.join(REPO_ROOT, 'src/ecosystems/cargo/testdata');
const missing = requireTools(['objcopy']);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

const ids = (cs: Component[]) => cs.map((c) => `${c.name}@${c.version}`).sort();

/** A copy of a real ELF executable with `data` as its `.dep-v0` section, by objcopy. */
function auditableElf(dir: string, scratch: string, name: string, data: Buffer): string {
  const section = path.join(scratch, `${name}.dep-v0`);
  writeFileSync(section, data);
  const out = path.join(dir, name);
  execFileSync('objcopy', ['--add-section', `.dep-v0=${section}`, '/bin/true', out]);
  chmodSync(out, 0o755);
  // the real tool reads back what it wrote
  execFileSync('objcopy', [
    '--dump-section',
    `.dep-v0=${section}.back`,
    out,
    path.join(scratch, `${name}.tmp`),
  ]);
  expect(readFileSync(`${section}.back`).equals(data)).toBe(true);
  return out;
}

describe.skipIf(!!missing)('Rust binaries and Cargo.lock', () => {
  it('are scanned from an image and matched against RustSec advisories', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-cargo-'));
    work.push(dir);
    const bin = path.join(dir, 'bin');
    const srv = path.join(dir, 'srv');
    const scratch = path.join(dir, 'scratch');
    for (const d of [
      bin,
      scratch,
      path.join(srv, 'app'),
      path.join(srv, 'old'),
      path.join(srv, 'tool/target/release'),
    ])
      mkdirSync(d, { recursive: true });
    const json = readFileSync(path.join(TESTDATA, 'dep-v0.json'));
    auditableElf(bin, scratch, 'hello', deflateSync(json));
    auditableElf(bin, scratch, 'corrupt', Buffer.from('this is not zlib data'));
    const tool = auditableElf(
      scratch,
      scratch,
      'tool',
      deflateSync(
        JSON.stringify({ packages: [{ name: 'smallvec', version: '1.6.1', source: 'crates.io' }] }),
      ),
    );
    copyFileSync(tool, path.join(srv, 'tool/target/release/tool'));
    chmodSync(path.join(srv, 'tool/target/release/tool'), 0o755);
    copyFileSync(path.join(TESTDATA, 'Cargo.v3.lock'), path.join(srv, 'app/Cargo.lock'));
    copyFileSync(path.join(TESTDATA, 'Cargo.v1.lock'), path.join(srv, 'old/Cargo.lock'));
    copyFileSync(path.join(TESTDATA, 'Cargo.v4.lock'), path.join(srv, 'tool/Cargo.lock'));
    const ref = await imageOfLayers(path.join(dir, 'img'), [
      { from: bin, to: 'usr/local/bin' },
      { from: srv, to: 'srv' },
    ]);
    const result = await scanImage(ref, { dataDir: path.join(dir, 'data') });
    const diff = result.layers.map((l) => l.diffID);
    const cargo = result.components.filter((c) => c.type === 'cargo');
    const at = (p: string) => cargo.filter((c) => c.path === p);
    expect(ids(at('usr/local/bin/hello'))).toEqual([
      'adler@1.0.2',
      'cc@1.0.83',
      'patched@0.4.0',
      'smallvec@1.6.0',
    ]);
    for (const c of at('usr/local/bin/hello')) {
      expect(c.layer).toBe(diff[0]);
      expect(c.lockfile).toBeUndefined();
      expect(c.purl).toBe(`pkg:cargo/${c.name}@${c.version}`);
    }
    expect(ids(at('srv/app/Cargo.lock'))).toEqual(['forked@0.3.1', 'serde@1.0.130', 'tokio@1.12.0']);
    expect(ids(at('srv/old/Cargo.lock'))).toEqual(['libc@0.2.40', 'time@0.1.40']);
    for (const c of [...at('srv/app/Cargo.lock'), ...at('srv/old/Cargo.lock')]) {
      expect(c.lockfile).toBe(true);
      expect(c.layer).toBe(diff[1]);
    }
    // the tool's lockfile says smallvec 1.6.0, but 1.6.1 is what its built binary holds: that one counts
    expect(ids(at('srv/tool/target/release/tool'))).toEqual(['smallvec@1.6.1']);
    expect(at('srv/tool/Cargo.lock')).toEqual([]);
    const problems = result.problems.filter(
      (p) => p.path.startsWith('usr/local/bin/') || p.path.startsWith('srv/'),
    );
    expect(problems.map((p) => p.path)).toEqual(['usr/local/bin/corrupt']);
    expect(problems[0]!.message).toMatch(/^\.dep-v0: cannot inflate/);

    const db = await openVulnDb(path.join(dir, 'vulndb.sqlite'));
    try {
      const report = await db.importFeeds([path.join(TESTDATA, 'osv')]);
      expect(report.advisories).toBe(3);
      const got = await matchComponents(result.components, result.os, db);
      const seen = got
        .filter((m) => m.ecosystem === 'crates.io')
        .map(
          (m) =>
            `${m.advisory.id} ${m.component.name}@${m.component.version} ${m.component.path} fix ${m.fixedVersions.join(',')}`,
        )
        .sort();
      expect(seen).toEqual([
        'RUSTSEC-2020-0071 time@0.1.40 srv/old/Cargo.lock fix 0.2.23',
        'RUSTSEC-2021-0003 smallvec@1.6.0 usr/local/bin/hello fix 1.6.1',
        'RUSTSEC-2021-0124 tokio@1.12.0 srv/app/Cargo.lock fix 1.13.1',
      ]);
      // each range's bounds: affected at introduced and just below fixed, not at fixed nor between ranges
      const table: [string, string, boolean][] = [
        ['tokio', '0.1.13', false],
        ['tokio', '0.1.14', true],
        ['tokio', '1.8.3', true],
        ['tokio', '1.8.4', false],
        ['tokio', '1.8.5', false],
        ['tokio', '1.9.0', true],
        ['tokio', '1.13.0', true],
        ['tokio', '1.13.1', false],
        ['tokio', '1.40.0', false],
        ['time', '0.0.1', true],
        ['time', '0.2.22', true],
        ['time', '0.2.23', false],
        ['time', '0.3.0', false],
        ['smallvec', '0.6.2', false],
        ['smallvec', '0.6.3', true],
        ['smallvec', '0.6.14', false],
        ['smallvec', '1.0.0', true],
        ['smallvec', '1.6.1', false],
        ['smallvec', '2.0.0-alpha.1', false],
      ];
      const comps: Component[] = table.map(([name, version]) => ({ name, version, type: 'cargo' }));
      const hits = new Set(
        (await matchComponents(comps, undefined, db)).map(
          (m) => `${m.component.name}@${m.component.version}`,
        ),
      );
      expect(table.map(([n, v]) => [n, v, hits.has(`${n}@${v}`)])).toEqual(table);
    } finally {
      await db.close();
    }
  });
});
