import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedRecord, Notices } from '../../feed-record.js';
import { feedDocuments } from '../../input/feed-documents.js';
import { feedRecords } from '../../read-feeds.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

async function read(paths: string[]): Promise<{ records: FeedRecord[]; notices: string[] }> {
  const notices = new Notices();
  const records: FeedRecord[] = [];
  for await (const document of feedDocuments(paths, notices)) {
    for await (const record of feedRecords(document, notices)) records.push(record);
  }
  return { records, notices: notices.lines() };
}

function byId(records: FeedRecord[]) {
  return new Map(records.map((r) => [r.advisory.id, r.advisory]));
}

describe('OSV importer', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'vulndb-osv-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reads a folder recursively, in name order, skipping YAML and non-JSON files with notices', async () => {
    const { records, notices } = await read([join(TESTDATA, 'folder')]);
    expect(records.map((r) => r.advisory.id)).toEqual([
      'ALSA-2024:1234',
      'GO-2023-1999',
      'GO-2024-2001',
      'GHSA-7fh5-64p2-3v2j',
      'PYSEC-2024-301',
    ]);
    expect(records.every((r) => r.sameId === 'replace' && r.advisory.source === 'osv')).toBe(true);
    expect(notices).toEqual([
      `1 × file that is not .json or .zip ignored (${join(TESTDATA, 'folder', 'README.md')})`,
      `2 × OSV GIT range ignored (${join(TESTDATA, 'folder', 'npm', 'GHSA-7fh5-64p2-3v2j.json')} (GHSA-7fh5-64p2-3v2j), ${join(TESTDATA, 'folder', 'pypi', 'PYSEC-2024-301.json')} (PYSEC-2024-301))`,
      `1 × YAML file skipped (no YAML parser installed) (${join(TESTDATA, 'folder', 'pypi', 'PYSEC-2024-302.yaml')})`,
    ]);
  });

  it('keeps ECOSYSTEM and SEMVER ranges per package, severities, references and times', async () => {
    const advisories = byId((await read([join(TESTDATA, 'folder')])).records);
    expect(advisories.get('GHSA-7fh5-64p2-3v2j')).toEqual({
      id: 'GHSA-7fh5-64p2-3v2j',
      aliases: ['CVE-2024-11111'],
      summary: 'Prototype pollution in tinymerge',
      details: '`tinymerge` before 2.1.4 and 3.x before 3.0.2 lets `__proto__` keys through.',
      severity: {
        vendor: 'medium',
        cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
        cvss3Score: 6.1,
      },
      affected: [
        {
          ecosystem: 'npm',
          package: 'tinymerge',
          events: [{ introduced: '0' }, { fixed: '2.1.4' }, { introduced: '3.0.0' }, { fixed: '3.0.2' }],
        },
        {
          ecosystem: 'npm',
          package: '@scope/tinymerge-lite',
          events: [{ introduced: '1.0.0' }, { last_affected: '1.2.0' }],
        },
      ],
      references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-11111', 'https://github.com/example/tinymerge'],
      published: '2024-02-20T09:30:00Z',
      modified: '2024-03-01T12:00:00Z',
      source: 'osv',
    });
    expect(advisories.get('GO-2024-2001')?.affected).toEqual([
      {
        ecosystem: 'Go',
        package: 'example.com/httpx',
        events: [{ introduced: '0' }, { fixed: '1.4.2' }, { introduced: '1.5.0-rc.1' }, { fixed: '1.5.1' }],
        semver: true,
      },
      {
        ecosystem: 'Go',
        package: 'stdlib',
        events: [{ introduced: '1.22.0' }, { fixed: '1.22.3' }],
        semver: true,
      },
    ]);
    expect(advisories.get('GO-2024-2001')?.severity).toEqual({});
    expect(advisories.get('GO-2023-1999')?.withdrawn).toBe('2024-01-05T00:00:00Z');
    const pysec = advisories.get('PYSEC-2024-301');
    expect(pysec?.affected).toEqual([
      {
        ecosystem: 'PyPI',
        package: 'tarsafe',
        events: [{ introduced: '0' }, { fixed: '0.9.1' }],
        versions: ['0.8.0', '0.8.1', '0.9.0'],
      },
    ]);
    expect(pysec?.summary).toBe('');
    expect(pysec?.severity).toEqual({
      cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
      cvss3Score: 7.5,
    });
  });

  it('takes the errata severity of AlmaLinux records from the summary; `related` is not an alias', async () => {
    const alsa = byId((await read([join(TESTDATA, 'folder')])).records).get('ALSA-2024:1234');
    expect(alsa?.severity).toEqual({ vendor: 'high' });
    expect(alsa?.aliases).toEqual([]);
    expect(alsa?.affected.map((r) => `${r.ecosystem} ${r.package} ${r.events[1]?.fixed}`)).toEqual([
      'AlmaLinux:9 zlibx 1.2.11-40.el9_4.1',
      'AlmaLinux:9 zlibx-devel 1.2.11-40.el9_4.1',
      'AlmaLinux:8 zlibx 1.2.11-25.el8_10.1',
    ]);
  });

  it.each(['all.zip', 'all-zip64.zip'])('reads the per-ecosystem %s layout', async (zip) => {
    const { records, notices } = await read([join(TESTDATA, zip)]);
    expect(notices).toEqual([]);
    expect(records.map((r) => [r.advisory.id, r.advisory.severity, r.advisory.affected])).toEqual([
      [
        'GHSA-4q6p-r6v2-jvc5',
        { vendor: 'high', cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', cvss3Score: 7.5 },
        [{ ecosystem: 'npm', package: 'slugr', events: [{ introduced: '0' }, { fixed: '1.0.5' }] }],
      ],
      [
        'GHSA-8m3x-2c9w-q5hv',
        { vendor: 'low' },
        [{ ecosystem: 'npm', package: 'slugr-server', events: [{ introduced: '2.0.0' }] }],
      ],
    ]);
  });

  it('knows a zip and a JSON document by content when a file is named directly', async () => {
    const zip = join(scratch, 'osv-export.bin');
    copyFileSync(join(TESTDATA, 'all.zip'), zip);
    const single = join(scratch, 'advisory.txt');
    copyFileSync(join(TESTDATA, 'folder', 'go', 'GO-2024-2001.json'), single);
    const { records } = await read([zip, single]);
    expect(records.map((r) => r.advisory.id)).toEqual([
      'GHSA-4q6p-r6v2-jvc5',
      'GHSA-8m3x-2c9w-q5hv',
      'GO-2024-2001',
    ]);
  });

  it('reads a JSON array of OSV records, naming a bad one by index and id', async () => {
    const file = join(scratch, 'list.json');
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'OSV-1', modified: '2024-01-01T00:00:00Z', affected: [] },
        {
          id: 'OSV-2',
          modified: '2024-01-01T00:00:00Z',
          affected: [{ package: { ecosystem: 'npm', name: 7 } }],
        },
      ]),
    );
    await expect(read([file])).rejects.toThrow(
      `${file}[1]: record OSV-2: not a valid OSV record: affected[0].package.name: Invalid input: expected string, received number`,
    );
  });

  it('rejects a record with wrong types, naming the file and the record', async () => {
    const file = join(scratch, 'GHSA-bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'GHSA-xxxx-yyyy-zzzz',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: 'fixed' }] },
        ],
      }),
    );
    await expect(read([file])).rejects.toThrow(
      `${file}: record GHSA-xxxx-yyyy-zzzz: not a valid OSV record: affected[0].ranges[0].events: Invalid input: expected array, received string`,
    );
  });

  it('rejects bad JSON, naming the file', async () => {
    const file = join(scratch, 'broken.json');
    writeFileSync(file, '{"id": "GHSA-1", "modified": ');
    await expect(read([file])).rejects.toThrow(`${file}: document: invalid JSON:`);
  });

  it('rejects a JSON document of no known format when named directly, and skips it inside a folder', async () => {
    const folder = mkdtempSync(join(scratch, 'unknown-'));
    const file = join(folder, 'selfcheck.json');
    writeFileSync(file, JSON.stringify({ checkedVersionEntries: 3 }));
    await expect(read([file])).rejects.toThrow(`${file}: not a document of a known feed`);
    expect((await read([folder])).notices).toEqual([
      `1 × JSON document of no known feed format skipped (${file})`,
    ]);
  });

  it('rejects a missing path', async () => {
    await expect(read([join(scratch, 'nope')])).rejects.toThrow('cannot read this import path');
  });
});
