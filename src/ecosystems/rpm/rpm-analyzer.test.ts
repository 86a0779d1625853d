import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { haveOracles, ORACLES } from '../../../test/support/oracles.js';
import type { FileFindings, FileInfo } from '../../core/analyzer.js';
import type { Component } from '../../core/component.js';
import { RPMDB_PATHS, rpmAnalyzer } from './rpm-analyzer.js';

const info = (path: string, size = 0): FileInfo => ({ path, size, mode: 0o644, uid: 0, gid: 0 });
const analyze = async (content: Buffer, path = 'var/lib/rpm/Packages'): Promise<FileFindings> =>
  (await rpmAnalyzer.analyze({ info: info(path, content.length), content }, { layer: 'sha256:test' })) ?? {};

let seed = 20240601;
const random = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed >>> 8;
};
const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => random() & 0xff));

describe('rpmAnalyzer.wants', () => {
  it('wants the nine rpm database paths and nothing else', () => {
    expect([...RPMDB_PATHS].sort()).toEqual([
      'usr/lib/sysimage/rpm/Packages',
      'usr/lib/sysimage/rpm/Packages.db',
      'usr/lib/sysimage/rpm/rpmdb.sqlite',
      'usr/share/rpm/Packages',
      'usr/share/rpm/Packages.db',
      'usr/share/rpm/rpmdb.sqlite',
      'var/lib/rpm/Packages',
      'var/lib/rpm/Packages.db',
      'var/lib/rpm/rpmdb.sqlite',
    ]);
    for (const path of RPMDB_PATHS) expect(rpmAnalyzer.wants(info(path))).toBe(true);
    for (const path of [
      '/var/lib/rpm/Packages',
      'var/lib/rpm/Name',
      'var/lib/rpm/rpmdb.sqlite-wal',
      'var/lib/rpm/Packages.bak',
      'home/u/var/lib/rpm/Packages',
      'var/lib/dpkg/status',
    ]) {
      expect(rpmAnalyzer.wants(info(path))).toBe(false);
    }
    expect(rpmAnalyzer.maxFileSize).toBe(512 * 1024 * 1024);
  });
});

describe('rpmAnalyzer on bad content', () => {
  it('reports empty files and unknown formats', async () => {
    expect(await analyze(Buffer.alloc(0))).toEqual({
      components: [],
      problems: ['rpm database file is empty'],
    });
    expect(await analyze(Buffer.from('bogus'))).toEqual({
      components: [],
      problems: ['not an rpm database: unknown format (first bytes 626f677573)'],
    });
    const btree = Buffer.alloc(4096);
    btree.writeUInt32LE(0x00053162, 12);
    expect((await analyze(btree)).problems).toEqual([
      'BerkeleyDB btree database: rpm package databases use the hash format',
    ]);
  });

  it('reports random bytes, bare or behind each format magic, without throwing', async () => {
    const sqlite = Buffer.from('SQLite format 3\0');
    const ndb = Buffer.from('RpmP\0\0\0\0\0\0\0\0\x01\0\0\0');
    const bdbMeta = Buffer.alloc(16);
    bdbMeta.writeUInt32LE(0x00061561, 12);
    const bdbMetaBE = Buffer.alloc(16);
    bdbMetaBE.writeUInt32BE(0x00061561, 12);
    for (const prefix of [Buffer.alloc(0), sqlite, ndb, bdbMeta, bdbMetaBE]) {
      for (const size of [1, 100, 4096, 70_000]) {
        const findings = await analyze(Buffer.concat([prefix, randomBytes(size)]));
        expect(findings.problems?.length).toBeGreaterThan(0);
      }
    }
  });

  it('reports a header with out-of-range offsets and keeps the good packages', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    const header = (name: string, nameOffset = 0) => {
      const data = Buffer.from([name, '1.0', '1', ''].join('\0'));
      const index = Buffer.alloc(48);
      [1000, 1001, 1002].forEach((tag, i) => {
        index.writeUInt32BE(tag, i * 16);
        index.writeUInt32BE(6, i * 16 + 4);
        index.writeUInt32BE(i === 0 ? nameOffset : [0, name.length + 1, name.length + 5][i]!, i * 16 + 8);
        index.writeUInt32BE(1, i * 16 + 12);
      });
      const intro = Buffer.alloc(8);
      intro.writeUInt32BE(3, 0);
      intro.writeUInt32BE(data.length, 4);
      return Buffer.concat([intro, index, data]);
    };
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    insert.run(header('good'));
    insert.run(header('evil', 0x7ffffff0));
    insert.run(header('fine'));
    const image = db.serialize();
    db.close();
    const findings = await analyze(image, 'usr/lib/sysimage/rpm/rpmdb.sqlite');
    expect(findings.components?.map((c) => c.version)).toEqual(['1.0-1', '1.0-1']);
    expect(findings.components?.map((c) => c.name)).toEqual(['good', 'fine']);
    expect(findings.problems).toEqual([
      'package header #2: header tag 1000 offset 2147483632 outside the 11-byte data store',
    ]);
  });

  it('caps the problem list of a thoroughly broken file', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    for (let i = 0; i < 500; i++) insert.run(Buffer.from('junk'));
    const image = db.serialize();
    db.close();
    const findings = await analyze(image, 'var/lib/rpm/rpmdb.sqlite');
    expect(findings.problems).toHaveLength(50);
    expect(findings.problems?.at(-1)).toBe('… and 451 more problems');
  });

  it('stops when the scan is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('scan cancelled'));
    const db = new Database(':memory:');
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB)');
    db.prepare('INSERT INTO Packages (blob) VALUES (?)').run(Buffer.from('x'));
    const content = db.serialize();
    db.close();
    await expect(async () =>
      rpmAnalyzer.analyze(
        { info: info('var/lib/rpm/rpmdb.sqlite'), content },
        { layer: 'sha256:test', signal: controller.signal },
      ),
    ).rejects.toThrow('scan cancelled');
  });
});

// ---- external ground truth: real databases with what rpm itself printed for them ----

const oraclesHere = haveOracles('rpm oracles');

interface OraclePackage {
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  arch: string | null;
  sourceRpm: string | null;
  license: string | null;
  vendor: string | null;
  modularitylabel: string | null;
}
interface Oracle {
  source: string;
  orderMatters: boolean;
  count: number;
  packages: OraclePackage[];
}

const oracle = (path: string): Oracle => JSON.parse(readFileSync(join(ORACLES, path), 'utf8')) as Oracle;
const given = (v: string | null) => (v ? v : undefined);

/**
 * The component the oracle row implies. rpm -qa prints `(none)` (null here) for absent tags;
 * go-rpmdb's lists print '' for both absent and empty — either way the component leaves it out.
 */
function expected(p: OraclePackage) {
  const evr = (vr: string) => (p.epoch === null ? vr : `${p.epoch}:${vr}`);
  const src = given(p.sourceRpm)?.match(/^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/);
  return {
    name: p.name,
    version: evr(`${p.version}-${p.release}`),
    type: 'rpm',
    epoch: p.epoch ?? undefined,
    release: p.release,
    arch: given(p.arch),
    sourceName: src?.[1],
    sourceVersion: src ? evr(`${src[2]}-${src[3]}`) : undefined,
    licenses: given(p.license) ? [p.license] : undefined,
    vendor: given(p.vendor),
    modularityLabel: given(p.modularitylabel),
  };
}

const actual = (c: Component) => ({
  name: c.name,
  version: c.version,
  type: c.type,
  epoch: c.epoch,
  release: c.release,
  arch: c.arch,
  sourceName: c.sourceName,
  sourceVersion: c.sourceVersion,
  licenses: c.licenses,
  vendor: c.vendor,
  modularityLabel: c.modularityLabel,
});

const byIdentity = (a: { name: string; version: string; arch?: string }, b: typeof a) =>
  `${a.name} ${a.version} ${a.arch}`.localeCompare(`${b.name} ${b.version} ${b.arch}`);

const ORACLE_CASES = [
  {
    what: 'BerkeleyDB hash: libuuid (UBI 8)',
    db: 'rpmdb/go-rpmdb/db/libuuid/Packages',
    want: 'rpmdb/go-rpmdb/db/libuuid/Packages.rpm-qa.json',
    path: 'var/lib/rpm/Packages',
  },
  {
    what: 'BerkeleyDB hash: syft fixture (dive)',
    db: 'pkgdb/syft/syft/pkg/cataloger/redhat/testdata/Packages',
    want: 'pkgdb/syft/syft/pkg/cataloger/redhat/testdata/Packages.rpm-qa.json',
    path: 'var/lib/rpm/Packages',
  },
  {
    what: 'SQLite: CBL-Mariner 2.0',
    db: 'rpmdb/go-rpmdb/db/cbl-mariner-2.0/rpmdb.sqlite',
    want: 'rpmdb/go-rpmdb/db/cbl-mariner-2.0/rpmdb.sqlite.rpm-qa.json',
    path: 'var/lib/rpm/rpmdb.sqlite',
  },
  {
    what: 'NDB: SLE 15 BCI',
    db: 'rpmdb/go-rpmdb/db/sle15-bci/Packages.db',
    want: 'rpmdb/go-rpmdb/db/sle15-bci/Packages.db.expected.json',
    path: 'usr/lib/sysimage/rpm/Packages.db',
  },
  {
    what: 'NDB: SLE 15 BCI (expected/ copy)',
    db: 'rpmdb/go-rpmdb/db/sle15-bci/Packages.db',
    want: 'rpmdb/go-rpmdb/expected/sle15-bci__Packages.db.expected.json',
    path: 'var/lib/rpm/Packages.db',
  },
];

describe.skipIf(!oraclesHere)('rpmAnalyzer against rpm -qa', () => {
  for (const c of ORACLE_CASES) {
    describe(c.what, () => {
      const load = async () => {
        const content = readFileSync(join(ORACLES, c.db));
        expect(rpmAnalyzer.wants(info(c.path, content.length))).toBe(true);
        return { findings: await analyze(content, c.path), want: oracle(c.want) };
      };

      it('lists every package with every field rpm printed', async () => {
        const { findings, want } = await load();
        expect(findings.problems).toBeUndefined();
        expect(want.packages).toHaveLength(want.count);
        const got = (findings.components ?? []).map(actual).sort(byIdentity);
        expect(got).toEqual(want.packages.map(expected).sort(byIdentity));
      });

      it("lists them in rpm's own order", async () => {
        const { findings, want } = await load();
        expect(findings.components?.map((x) => `${x.name}-${x.version}`)).toEqual(
          want.packages.map((p) => `${p.name}-${expected(p).version}`),
        );
      });
    });
  }

  it('matches the gpg-pubkey policy of rpm -qa (listed, no source package)', () => {
    const lists = readdirSync(join(ORACLES, 'rpmdb/go-rpmdb/expected')).map((f) =>
      oracle(join('rpmdb/go-rpmdb/expected', f)),
    );
    const keys = lists.flatMap((l) => l.packages.filter((p) => p.name === 'gpg-pubkey'));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(expected(key)).toMatchObject({
        sourceName: undefined,
        sourceVersion: undefined,
        arch: undefined,
      });
    }
  });

  it("reports syft's placeholder databases (empty and 5-byte files) at every rpm path", async () => {
    const root = join(ORACLES, 'pkgdb/syft/syft/pkg/cataloger/redhat/testdata/glob-paths');
    const files = (readdirSync(root, { recursive: true }) as string[])
      .map((f) => join(root, f))
      .filter((f) => statSync(f).isFile())
      .map((f) => relative(root, f))
      .filter((f) => f.includes('/rpm/'));
    expect(files.sort()).toEqual([...RPMDB_PATHS].sort());
    for (const path of files) {
      expect(rpmAnalyzer.wants(info(path))).toBe(true);
      const findings = await analyze(readFileSync(join(root, path)), path);
      expect(findings.components).toEqual([]);
      expect(findings.problems).toHaveLength(1);
    }
  });

  it('keeps what it can read of a truncated database, at every cut', async () => {
    for (const c of ORACLE_CASES.slice(0, 4)) {
      const content = readFileSync(join(ORACLES, c.db));
      const full = (await analyze(content, c.path)).components ?? [];
      const step = Math.max(512, Math.floor(content.length / 40));
      for (let cut = 0; cut < content.length; cut += step) {
        const findings = await analyze(content.subarray(0, cut), c.path);
        expect(findings.problems?.length, `${c.db} cut at ${cut}`).toBeGreaterThan(0);
        const got = findings.components ?? [];
        expect(got.length).toBeLessThanOrEqual(full.length);
        for (const component of got) expect(full).toContainEqual(component);
      }
    }
  });

  it('reports a cyclic overflow chain in a real BerkeleyDB file', async () => {
    const content = Buffer.from(readFileSync(join(ORACLES, 'rpmdb/go-rpmdb/db/libuuid/Packages')));
    const pageSize = content.readUInt32LE(20);
    const pages = content.length / pageSize;
    const at = (p: number) => p * pageSize;
    const last = Array.from({ length: pages }, (_, p) => p).find(
      (p) =>
        content[at(p) + 25] === 7 &&
        content.readUInt32LE(at(p) + 16) === 0 &&
        content.readUInt32LE(at(p) + 12) !== 0,
    );
    expect(last).toBeDefined();
    let head = last!;
    while (content.readUInt32LE(at(head) + 12) !== 0) head = content.readUInt32LE(at(head) + 12);
    content.writeUInt32LE(head, at(last!) + 16);
    content.writeUInt16LE(0, at(last!) + 22);
    const findings = await analyze(content);
    expect(findings.components).toEqual([]);
    expect(findings.problems).toEqual([
      expect.stringMatching(/overflow chain from page \d+ loops back to page \d+/),
    ]);
  });
});
