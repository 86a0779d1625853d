/**
 * Go end to end: real Go programs built here offline by the host toolchain (Linux amd64, stripped,
 * arm64, 32-bit big-endian MIPS, Windows PE, macOS Mach-O), checked against what the real
 * `go version -m` prints for each, then put in an OCI image beside the program's go.mod, a
 * sstripped copy (no section headers) and a truncated one, and scanned.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { golangBinaryAnalyzer } from '../src/ecosystems/golang/index.js';
import { buildGoApp, type GoVersionModule, goVersionM } from '../src/ecosystems/golang/testdata/go-app.js';
import { scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers } from './support/dir-image.js';
import { requireTools } from './support/fixtures.js';

const goMissing = requireTools(['go']);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

const BUILDS = [
  { name: 'app' },
  { name: 'app-stripped', ldflags: '-s -w' },
  { name: 'app-arm64', goarch: 'arm64' },
  { name: 'app-mips', goarch: 'mips' },
  { name: 'app.exe', goos: 'windows' },
  { name: 'app-darwin', goos: 'darwin' },
];

/** What the scan must report for a binary, from `go version -m`: a versioned replacement is what runs. */
function expectedFrom(goVersion: string, modules: GoVersionModule[]): string[] {
  const out = [`stdlib@${goVersion}`];
  for (const m of modules) {
    const r = m.replace && m.replace.version !== '(devel)' ? m.replace : m;
    if (r.version !== '(devel)') out.push(`${r.path}@${r.version}`);
  }
  return out.sort();
}

const ids = (cs: Component[]) => cs.map((c) => `${c.name}@${c.version}`).sort();

describe.skipIf(!!goMissing)('Go binaries and go.mod', () => {
  let dir: string;
  let out: string;
  let src: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hullscan-go-'));
    work.push(dir);
    ({ out, src } = buildGoApp(dir, BUILDS));
  }, 300_000);

  it('reads from every binary the modules and Go version `go version -m` prints', () => {
    for (const b of BUILDS) {
      const file = path.join(out, b.name);
      const real = goVersionM(file);
      // the fixture really has both kinds of replacement and the vendored x/text
      expect(real.modules.find((m) => m.path === 'example.com/lib')?.replace).toEqual({
        path: 'example.com/libfork',
        version: 'v1.0.1',
      });
      expect(real.modules.find((m) => m.path === 'example.com/local')?.replace?.path).toBe('./local');
      const content = readFileSync(file);
      const info = { path: b.name, size: content.length, mode: 0o755, uid: 0, gid: 0 };
      expect(golangBinaryAnalyzer.wants(info)).toBe(true);
      const f = golangBinaryAnalyzer.analyze({ info, content }, { layer: 'l' }) as {
        components: Component[];
        problems?: string[];
      };
      expect(f.problems, b.name).toBeUndefined();
      expect(ids(f.components), b.name).toEqual(expectedFrom(real.goVersion, real.modules));
      expect(ids(f.components)).toContain('golang.org/x/text@v0.3.7');
    }
  });

  it('reads a universal (fat) Mach-O through its first slice', () => {
    const thin = readFileSync(path.join(out, 'app-darwin'));
    // <mach-o/fat.h>: big-endian header, one fat_arch (x86_64), the slice at a 4 KiB boundary
    const head = Buffer.alloc(4096);
    head.writeUInt32BE(0xcafebabe, 0);
    head.writeUInt32BE(1, 4);
    head.writeUInt32BE(0x01000007, 8);
    head.writeUInt32BE(3, 12);
    head.writeUInt32BE(4096, 16);
    head.writeUInt32BE(thin.length, 20);
    head.writeUInt32BE(12, 24);
    const content = Buffer.concat([head, thin]);
    const info = { path: 'app-universal', size: content.length, mode: 0o755, uid: 0, gid: 0 };
    const f = golangBinaryAnalyzer.analyze({ info, content }, { layer: 'l' }) as { components: Component[] };
    const real = goVersionM(path.join(out, 'app-darwin'));
    expect(ids(f.components)).toEqual(expectedFrom(real.goVersion, real.modules));
  });

  it('scans an image: binaries (stripped, no section headers, unnamed sections), go.mod, and a truncated binary as a problem', async () => {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    copyFileSync(path.join(out, 'app'), path.join(bin, 'app'));
    copyFileSync(path.join(out, 'app-stripped'), path.join(bin, 'app-stripped'));
    // sstrip: no section header table at all, so the build info is found by scanning for its magic
    const sstripped = Buffer.from(readFileSync(path.join(out, 'app-stripped')));
    sstripped.writeBigUInt64LE(0n, 0x28); // e_shoff
    sstripped.writeUInt16LE(0, 0x3c); // e_shnum
    sstripped.writeUInt16LE(0, 0x3e); // e_shstrndx
    writeFileSync(path.join(bin, 'app-sstripped'), sstripped, { mode: 0o755 });
    // section headers kept but their names gone (no string table): the same fallback
    const unnamed = Buffer.from(readFileSync(path.join(out, 'app-stripped')));
    unnamed.writeUInt16LE(0, 0x3e); // e_shstrndx
    writeFileSync(path.join(bin, 'app-unnamed'), unnamed, { mode: 0o755 });
    const real = goVersionM(path.join(out, 'app'));
    const appBytes = readFileSync(path.join(out, 'app'));
    const ref = await imageOfLayers(path.join(dir, 'img'), [
      { from: bin, to: 'usr/local/bin' },
      { from: src, to: 'src/app' },
      {
        entries: [
          { path: 'opt/broken', body: appBytes.subarray(0, 200_000), mode: 0o755 },
          { path: 'opt/script.sh', body: `#!/bin/sh\n${'echo hi\n'.repeat(1000)}`, mode: 0o755 },
          { path: 'opt/data.bin', body: appBytes, mode: 0o644 },
        ],
      },
    ]);
    const result = await scanImage(ref, { dataDir: path.join(dir, 'data') });
    const diff = result.layers.map((l) => l.diffID);
    const golang = result.components.filter((c) => c.type === 'golang');
    const expectedBinary = expectedFrom(real.goVersion, real.modules);
    for (const p of ['app', 'app-stripped', 'app-sstripped', 'app-unnamed'].map(
      (f) => `usr/local/bin/${f}`,
    )) {
      const mine = golang.filter((c) => c.path === p);
      expect(ids(mine), p).toEqual(expectedBinary);
      for (const c of mine) {
        expect(c.layer).toBe(diff[0]);
        expect(c.lockfile).toBeUndefined();
      }
    }
    const std = golang.find((c) => c.path === 'usr/local/bin/app' && c.name === 'stdlib')!;
    expect(std.version).toBe(real.goVersion);
    expect(std.purl).toBe(`pkg:golang/stdlib@${real.goVersion}`);
    const text = golang.find((c) => c.path === 'usr/local/bin/app' && c.name === 'golang.org/x/text')!;
    expect(text.purl).toBe('pkg:golang/golang.org/x/text@v0.3.7');
    // go.mod: requirements with the module replacement applied, the directory one kept as required
    const mod = golang.filter((c) => c.path === 'src/app/go.mod');
    expect(ids(mod)).toEqual([
      'example.com/libfork@v1.0.1',
      'example.com/local@v0.0.0',
      'golang.org/x/text@v0.3.7',
    ]);
    for (const c of mod) {
      expect(c.lockfile).toBe(true);
      expect(c.layer).toBe(diff[1]);
    }
    expect(mod.find((c) => c.name === 'example.com/libfork')?.purl).toBe(
      'pkg:golang/example.com/libfork@v1.0.1',
    );
    // the local module's go.mod requires nothing: no component, no problem
    expect(golang.filter((c) => c.path === 'src/app/local/go.mod')).toEqual([]);
    // the truncated binary is a problem; nothing else about Go is
    const goProblems = result.problems.filter((p) => p.path.startsWith('opt/') || p.path.includes('app'));
    expect(goProblems.map((p) => p.path)).toEqual(['opt/broken']);
    expect(goProblems[0]!.message).toMatch(
      /^ELF: truncated: headers describe \d+ bytes, the file has 200000$/,
    );
    expect(goProblems[0]!.layer).toBe(diff[2]);
    expect(golang.filter((c) => c.path?.startsWith('opt/'))).toEqual([]);
  });
});
