import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedRecord, Notices } from '../../feed-record.js';
import { feedDocuments } from '../../input/feed-documents.js';
import { feedRecords } from '../../read-feeds.js';
import { alpineEcosystem } from './alpine-secdb-feed.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

async function read(paths: string[]) {
  const notices = new Notices();
  const records: FeedRecord[] = [];
  for await (const document of feedDocuments(paths, notices)) {
    for await (const record of feedRecords(document, notices)) records.push(record);
  }
  return { records, notices: notices.lines() };
}

function record(
  id: string,
  pkg: string,
  fixed: string,
  ecosystem = 'Alpine:v3.19',
  aliases: string[] = [],
): FeedRecord {
  return {
    sameId: 'merge',
    advisory: {
      id,
      aliases,
      summary: '',
      details: '',
      severity: {},
      affected: [{ ecosystem, package: pkg, events: [{ introduced: '0' }, { fixed }] }],
      references: [`https://security.alpinelinux.org/vuln/${id}`],
      source: 'alpine-secdb',
    },
  };
}

describe('Alpine secdb importer', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'vulndb-alpine-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives one record per issue and fixed version; version 0 gives none', async () => {
    const { records, notices } = await read([
      join(TESTDATA, 'v3.19-main.json'),
      join(TESTDATA, 'v3.18-main.json'),
    ]);
    expect(records).toEqual([
      record('CVE-2023-42363', 'busybox', '1.36.1-r15'),
      record('CVE-2023-42364', 'busybox', '1.36.1-r15'),
      record('CVE-2023-42364', 'busybox', '1.36.1-r17'),
      record('CVE-2023-46837', 'xen', '4.18.0-r2', 'Alpine:v3.19', ['XSA-447']),
      record('XSA-448', 'xen', '4.18.1-r0'),
      record('CVE-2023-42363', 'busybox-extras', '1.36.1-r15'),
      record('CVE-2023-42363', 'busybox', '1.36.1-r7', 'Alpine:v3.18'),
    ]);
    expect(notices).toEqual([
      '1 × Alpine secfix under version 0 (not affected) gave no record (busybox CVE-2021-42373)',
    ]);
  });

  it('writes the branch as OSV does', () => {
    expect(alpineEcosystem('v3.19')).toBe('Alpine:v3.19');
    expect(alpineEcosystem('3.20')).toBe('Alpine:v3.20');
    expect(alpineEcosystem('edge')).toBe('Alpine:edge');
  });

  it('rejects a malformed package, naming its index and name', async () => {
    const secdb = JSON.parse(readFileSync(join(TESTDATA, 'v3.19-main.json'), 'utf8'));
    secdb.packages[1].pkg.secfixes['4.18.0-r2'] = 'CVE-2023-46837';
    const file = join(scratch, 'main.json');
    writeFileSync(file, JSON.stringify(secdb));
    await expect(read([file])).rejects.toThrow(
      `${file}: packages[1] (xen): pkg.secfixes.4.18.0-r2: Invalid input: expected array, received string`,
    );
  });

  it('rejects a document whose packages are not a list', async () => {
    const file = join(scratch, 'community.json');
    writeFileSync(file, JSON.stringify({ distroversion: 'v3.19', reponame: 'community', packages: {} }));
    await expect(read([file])).rejects.toThrow(`${file}: not a valid Alpine secdb document: packages:`);
  });
});
