/**
 * `hullscan scan` flags on a real image with the Debian tracker feed imported (3 vulnerabilities:
 * high unfixed, medium fixed, low fixed): --scanners, --severity, --ignore-unfixed, --exit-code and
 * --format (table, json, cyclonedx, spdx, sarif), and the exit codes of bad values.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import {
  ensureFixtures,
  FIXTURE_TOOLS,
  type Fixtures,
  REPO_ROOT,
  requireTools,
  runCli,
} from './support/fixtures.js';

const FEED = path.join(REPO_ROOT, 'test/testdata/feeds/debian-tracker-small.json');
const skip = requireTools(FIXTURE_TOOLS.small);

interface Out {
  detail: { ImageID: string; VulCnt: number };
  scanners: { requested: string[]; errors?: Record<string, string> };
  risks?: { Rule: string; Type: number }[];
  viruses?: { VirusName: string }[];
  components: unknown[];
  vulnerabilities: { CVEID: string; Level: number; Fixable: boolean }[];
}

interface Sarif {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string } }[] };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string } };
        logicalLocations: { fullyQualifiedName: string; kind: string }[];
      }[];
    }[];
  }[];
}

describe.skipIf(skip)('scan flags', () => {
  let fx: Fixtures<'small'>;
  let work: string;
  let data: string;
  let ref: string;
  const scan = (...args: string[]) => runCli(['scan', ref, '-q', ...args], { dataDir: data });
  const cves = (r: { json: unknown }) => (r.json as Out).vulnerabilities.map((v) => v.CVEID);

  beforeAll(async () => {
    fx = await ensureFixtures(['small']);
    ref = fx.small.ref('docker-archive');
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-flags-'));
    data = path.join(work, 'data');
    const imp = await runCli(['db', 'import', FEED], { dataDir: data });
    expect(imp.code, imp.stderr).toBe(0);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('without flags: all 3 vulnerabilities, exit 0', async () => {
    const r = await scan('--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(cves(r)).toEqual(['CVE-2024-90002', 'CVE-2024-90001', 'CVE-2023-90004']);
    expect((r.json as Out).scanners.requested).toEqual(['vuln', 'secret', 'risk', 'virus']);
    expect((r.json as Out).risks).toEqual([]);
    expect((r.json as Out).viruses).toEqual([]);
  });

  it('--severity keeps the listed levels in the output, not in the stored detail', async () => {
    const high = await scan('--format', 'json', '--severity', 'HIGH');
    expect(high.code, high.stderr).toBe(0);
    expect(cves(high)).toEqual(['CVE-2024-90002']);
    expect((high.json as Out).detail.VulCnt).toBe(3);
    const low = await scan('--format', 'json', '--severity', 'low,MEDIUM');
    expect(cves(low)).toEqual(['CVE-2024-90001', 'CVE-2023-90004']);
    const table = await scan('--severity', 'CRITICAL');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^Vulns +0 shown of 3$/m);
    expect(table.stdout).not.toContain('CVE-');
  });

  it('--ignore-unfixed drops vulnerabilities without a fixed version', async () => {
    const r = await scan('--format', 'json', '--ignore-unfixed');
    expect(r.code, r.stderr).toBe(0);
    expect(cves(r)).toEqual(['CVE-2024-90001', 'CVE-2023-90004']);
    expect((r.json as Out).vulnerabilities.every((v) => v.Fixable)).toBe(true);
  });

  it('--exit-code N exits N only when vulnerabilities remain after the filters', async () => {
    expect((await scan('--exit-code', '5')).code).toBe(5);
    expect((await scan('--exit-code', '1', '--severity', 'HIGH', '--format', 'json')).code).toBe(1);
    expect((await scan('--exit-code', '1', '--severity', 'CRITICAL')).code).toBe(0);
    expect((await scan('--exit-code', '1', '--severity', 'HIGH', '--ignore-unfixed')).code).toBe(0);
    expect((await scan('--exit-code', '7', '--format', 'sarif')).code).toBe(7);
    expect((await scan('--exit-code', '1', '--scanners', 'none')).code).toBe(0);
    expect((await scan('--exit-code', '0')).code).toBe(0);
  });

  it('--scanners none inventories only: no matching, nothing stored', async () => {
    const fresh = path.join(work, 'fresh');
    const imp = await runCli(['db', 'import', FEED], { dataDir: fresh });
    expect(imp.code, imp.stderr).toBe(0);
    const r = await runCli(['scan', ref, '-q', '--scanners', 'none', '--format', 'json'], { dataDir: fresh });
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as Out;
    expect(out.vulnerabilities).toEqual([]);
    expect(out.components).toHaveLength(6);
    expect(out.scanners).toEqual({ requested: [] });
    expect(out).not.toHaveProperty('risks');
    expect(out).not.toHaveProperty('viruses');
    const table = await runCli(['scan', ref, '-q', '--scanners', 'none'], { dataDir: fresh });
    expect(table.stdout).toMatch(/^Vulns +not scanned/m);
    const store = await openStore(fresh);
    try {
      expect(await store.getImage({ appId: 1, uin: '1' }, out.detail.ImageID)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('--scanners runs only the finding kinds it names', async () => {
    const vulnOnly = await scan('--format', 'json', '--scanners', 'vuln');
    expect(vulnOnly.code, vulnOnly.stderr).toBe(0);
    expect(vulnOnly.stderr).toBe('');
    expect(cves(vulnOnly)).toHaveLength(3);
    expect(vulnOnly.json).not.toHaveProperty('risks');
    expect(vulnOnly.json).not.toHaveProperty('viruses');
    const secretOnly = await scan('--format', 'json', '--scanners', 'secret');
    expect(secretOnly.code, secretOnly.stderr).toBe(0);
    expect(cves(secretOnly)).toEqual([]);
    expect((secretOnly.json as Out).risks).toEqual([]);
    expect(secretOnly.json).not.toHaveProperty('viruses');
    // the secret scanner says what it read: the small image's text files, on a fresh data dir
    const fresh = await runCli(['scan', ref, '-q', '--format', 'json', '--scanners', 'secret'], {
      dataDir: path.join(work, 'secret-stats'),
    });
    const stats = (fresh.json as { scanners: { secretFiles?: Record<string, number> } }).scanners.secretFiles;
    expect(stats?.filesScanned).toBeGreaterThan(0);
    expect(stats?.bytesScanned).toBeGreaterThan(0);
    // a rescan reads no layer again, so it searches nothing
    const again = await runCli(['scan', ref, '-q', '--format', 'json', '--scanners', 'secret'], {
      dataDir: path.join(work, 'secret-stats'),
    });
    expect(
      (again.json as { scanners: { secretFiles?: Record<string, number> } }).scanners.secretFiles,
    ).toEqual({
      filesScanned: 0,
      bytesScanned: 0,
      binarySkipped: 0,
      overCapSkipped: 0,
    });
    const virusOnly = await scan('--format', 'json', '--scanners', 'virus');
    expect((virusOnly.json as Out).viruses).toEqual([]);
    expect(virusOnly.json).not.toHaveProperty('risks');
  });

  it('an unreachable clamd is the virus scan error, and the rest of the scan goes on', async () => {
    const r = await scan('--format', 'json', '--clamd', path.join(work, 'no-such.sock'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^hullscan: virus scan not done: clamd: /);
    const out = r.json as Out & { detail: { ScanVirusError: string; ScanVirusProgress: number } };
    expect(out.scanners.errors?.virus).toMatch(/^clamd: /);
    expect(out.detail.ScanVirusError).toMatch(/^clamd: /);
    expect(cves(r)).toHaveLength(3);
    expect(out.risks).toEqual([]);
  });

  it('bad flag values exit 2 with one line naming the flag', async () => {
    const cases: [string[], string][] = [
      [['--scanners', 'vuln,malware'], '--scanners: "malware" is not one of'],
      [['--scanners', 'none,vuln'], '--scanners: "none" cannot be combined'],
      [['--scanners', ','], '--scanners: empty list'],
      [['--severity', 'HIGH,URGENT'], '--severity: "URGENT" is not one of'],
      [['--exit-code=-1'], '--exit-code: "-1" is not an integer'],
      [['--exit-code', '256'], '--exit-code: "256" is not an integer'],
      [['--exit-code', 'x'], '--exit-code: "x" is not an integer'],
      [['--format', 'xml'], '--format: "xml" is not one of table, json, cyclonedx, spdx, sarif'],
    ];
    for (const [args, message] of cases) {
      const r = await scan(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`hullscan: ${r.stderr.slice(10).split('\n')[0]}\n`);
      expect(r.stderr).toContain(message);
    }
  });

  it('--format sarif: SARIF 2.1.0 with one rule per advisory, one result per (advisory, component)', async () => {
    const r = await scan('--format', 'sarif');
    expect(r.code, r.stderr).toBe(0);
    const log = r.json as Sarif;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('hullscan');
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual([
      'CVE-2024-90002',
      'CVE-2024-90001',
      'CVE-2023-90004',
    ]);
    expect(run.results.map((x) => [x.ruleId, x.level])).toEqual([
      ['CVE-2024-90002', 'error'],
      ['CVE-2024-90001', 'warning'],
      ['CVE-2023-90004', 'note'],
    ]);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
      expect(res.message.text).toMatch(/^CVE-\d+-\d+: \S+ \S+ \(/);
      expect(res.locations[0]!.physicalLocation.artifactLocation.uri).toBe('var/lib/dpkg/status');
      expect(res.locations[0]!.logicalLocations[0]).toMatchObject({
        kind: 'package',
        fullyQualifiedName: expect.stringMatching(/^pkg:deb\/debian\//),
      });
    }
    const filtered = (await scan('--format', 'sarif', '--severity', 'LOW')).json as Sarif;
    expect(filtered.runs[0]!.results.map((x) => x.ruleId)).toEqual(['CVE-2023-90004']);
    expect(filtered.runs[0]!.tool.driver.rules).toHaveLength(1);
  });

  it('--format cyclonedx and spdx carry the filtered vulnerabilities and every package', async () => {
    const bom = (await scan('--format', 'cyclonedx', '--ignore-unfixed')).json as {
      components: { type: string }[];
      vulnerabilities: { id: string }[];
    };
    expect(bom.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2024-90001', 'CVE-2023-90004']);
    expect(bom.components.filter((c) => c.type === 'library')).toHaveLength(6);
    const spdx = (await scan('--format', 'spdx')).json as { packages: { primaryPackagePurpose: string }[] };
    expect(spdx.packages.map((p) => p.primaryPackagePurpose)).toEqual([
      'CONTAINER',
      'OPERATING-SYSTEM',
      ...Array(6).fill('LIBRARY'),
    ]);
  });
});
