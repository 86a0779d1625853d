import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Component } from '../../core/component.js';
import { MAX_INFLATED, parseAuditable } from './auditable.js';
import { cargoAuditableAnalyzer, cargoLockAnalyzer } from './cargo-analyzers.js';
import { parseCargoLock } from './cargo-lock.js';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const ids = (cs: Component[]) => cs.map((c) => `${c.name}@${c.version}`);

/** The JSON cargo-auditable embeds (its README's shape: the root crate local, dependencies by index). */
const AUDITABLE_JSON = readFileSync(path.join(TESTDATA, 'dep-v0.json'));

describe('Cargo.lock', () => {
  it('v1 with [metadata] checksums: registry packages, not the path ones', () => {
    const r = parseCargoLock(readFileSync(path.join(TESTDATA, 'Cargo.v1.lock'), 'utf8'));
    expect(r.problems).toEqual([]);
    expect(ids(r.components)).toEqual(['libc@0.2.40', 'time@0.1.40']);
    expect(r.components.every((c) => c.lockfile === true && c.type === 'cargo')).toBe(true);
    expect(r.components[1]!.purl).toBe('pkg:cargo/time@0.1.40');
  });

  it('v3: registry and git packages', () => {
    const r = parseCargoLock(readFileSync(path.join(TESTDATA, 'Cargo.v3.lock'), 'utf8'));
    expect(ids(r.components)).toEqual(['forked@0.3.1', 'serde@1.0.130', 'tokio@1.12.0']);
  });

  it('v4: sparse registry; workspace members left out', () => {
    const r = parseCargoLock(readFileSync(path.join(TESTDATA, 'Cargo.v4.lock'), 'utf8'));
    expect(ids(r.components)).toEqual(['smallvec@1.6.0']);
  });

  it('bad TOML and bad packages are problems', () => {
    expect(parseCargoLock('[[package]\nname = ').problems[0]).toMatch(/^not valid TOML/);
    expect(parseCargoLock('package = 3').problems).toEqual(['"package" is not an array of tables']);
    expect(parseCargoLock('[[package]]\nname = "x"\nsource = "registry+x"\n').problems).toEqual([
      '[[package]] without name or version',
    ]);
    const f = cargoLockAnalyzer.analyze(
      { info: { path: 'Cargo.lock', size: 3, mode: 0o644, uid: 0, gid: 0 }, content: Buffer.from('a\0b') },
      { layer: 'l' },
    );
    expect(f).toEqual({ problems: ['binary content (NUL bytes): not a Cargo.lock'] });
  });

  it('wants project lockfiles, not those in Cargo caches', () => {
    const w = (p: string) => cargoLockAnalyzer.wants({ path: p, size: 10, mode: 0o644, uid: 0, gid: 0 });
    expect(w('Cargo.lock')).toBe(true);
    expect(w('src/app/Cargo.lock')).toBe(true);
    expect(w('root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/ripgrep-14.1.0/Cargo.lock')).toBe(
      false,
    );
    expect(w('root/.cargo/git/checkouts/x/Cargo.lock')).toBe(false);
    expect(w('usr/share/cargo/registry/serde-1.0.130/Cargo.lock')).toBe(false);
    expect(w('src/app/Cargo.lock.orig')).toBe(false);
  });
});

describe('cargo-auditable data', () => {
  it('lists the crates, not the local workspace ones', () => {
    const r = parseAuditable(deflateSync(AUDITABLE_JSON));
    expect(r.problems).toEqual([]);
    expect(ids(r.components)).toEqual(['adler@1.0.2', 'cc@1.0.83', 'patched@0.4.0', 'smallvec@1.6.0']);
    expect(r.components[0]).toEqual({
      name: 'adler',
      version: '1.0.2',
      type: 'cargo',
      purl: 'pkg:cargo/adler@1.0.2',
    });
  });

  it('bounds the inflated size and reports corrupt data', () => {
    // a zlib bomb: 8 KiB compressed, far more inflated
    const bomb = deflateSync(Buffer.alloc(MAX_INFLATED + 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(parseAuditable(bomb).problems[0]).toMatch(/cannot inflate/);
    expect(parseAuditable(Buffer.from('not zlib')).problems[0]).toMatch(/cannot inflate/);
    expect(parseAuditable(deflateSync('{"packages": 3}')).problems).toEqual(['.dep-v0: no "packages" list']);
    expect(parseAuditable(deflateSync('{')).problems[0]).toMatch(/bad JSON/);
    expect(parseAuditable(deflateSync('{"packages":[null,{"name":1}]}')).problems).toHaveLength(2);
  });

  it('ignores non-executables and executables without the section', () => {
    const info = { path: 'bin/x', size: 8192, mode: 0o755, uid: 0, gid: 0 };
    expect(cargoAuditableAnalyzer.wants(info)).toBe(true);
    expect(cargoAuditableAnalyzer.wants({ ...info, mode: 0o644 })).toBe(false);
    expect(cargoAuditableAnalyzer.wants({ ...info, size: 100 })).toBe(false);
    expect(cargoAuditableAnalyzer.wants({ ...info, mode: 0o644, path: 'app/tool.exe' })).toBe(true);
    expect(
      cargoAuditableAnalyzer.analyze({ info, content: Buffer.alloc(8192, 0x41) }, { layer: 'l' }),
    ).toBeUndefined();
    expect(
      cargoAuditableAnalyzer.analyze({ info, content: readFileSync('/bin/true') }, { layer: 'l' }),
    ).toBeUndefined();
  });
});
