import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedRecord, Notices } from '../../feed-record.js';
import { type FeedDocument, feedDocuments } from '../../input/feed-documents.js';
import { feedRecords, WHOLE_DOCUMENT_LIMIT } from '../../read-feeds.js';

const TRACKER = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'tracker.json');

async function recordsOf(documents: AsyncIterable<FeedDocument> | FeedDocument[], notices = new Notices()) {
  const records: FeedRecord[] = [];
  for await (const document of documents) {
    for await (const record of feedRecords(document, notices)) records.push(record);
  }
  return { records, notices: notices.lines() };
}

/** The fixture as if it were larger than WHOLE_DOCUMENT_LIMIT: read member by member, in 7-byte chunks. */
function streamed(file: string): FeedDocument {
  return {
    name: file,
    input: file,
    named: true,
    size: WHOLE_DOCUMENT_LIMIT + 1,
    read: () => Promise.reject(new Error('a large document is never read whole')),
    chunks: () => createReadStream(file, { highWaterMark: 7 }),
  };
}

const EXPECTED: FeedRecord[] = [
  {
    sameId: 'merge',
    advisory: {
      id: 'CVE-2024-0727',
      aliases: [],
      summary: '',
      details: 'Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash',
      severity: { vendor: 'medium' },
      affected: [
        {
          ecosystem: 'Debian:12',
          package: 'openssl',
          events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }],
          urgency: 'not yet assigned',
        },
        {
          ecosystem: 'Debian:11',
          package: 'openssl',
          events: [{ introduced: '0' }],
          unfixed: true,
          urgency: 'low**',
          vendorSeverity: 'low',
        },
        {
          ecosystem: 'Debian:10',
          package: 'openssl',
          events: [{ introduced: '0' }],
          unfixed: true,
          urgency: 'end-of-life',
          endOfLife: true,
        },
        {
          ecosystem: 'Debian:13',
          package: 'openssl',
          events: [{ introduced: '0' }, { fixed: '3.1.5-1' }],
          urgency: 'medium',
          vendorSeverity: 'medium',
        },
        {
          ecosystem: 'Debian:unstable',
          package: 'openssl',
          events: [{ introduced: '0' }, { fixed: '3.1.5-1' }],
          urgency: 'medium',
          vendorSeverity: 'medium',
        },
      ],
      references: [
        'https://security-tracker.debian.org/tracker/CVE-2024-0727',
        'https://bugs.debian.org/1061582',
      ],
      source: 'debian-tracker',
    },
  },
  {
    sameId: 'merge',
    advisory: {
      id: 'CVE-2024-0727',
      aliases: [],
      summary: '',
      details: 'Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash',
      severity: { vendor: 'high' },
      affected: [
        {
          ecosystem: 'Debian:11',
          package: 'openssl1.1',
          events: [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u2' }],
          urgency: 'high',
          vendorSeverity: 'high',
        },
      ],
      references: [
        'https://security-tracker.debian.org/tracker/CVE-2024-0727',
        'https://bugs.debian.org/1061583',
      ],
      source: 'debian-tracker',
    },
  },
  {
    sameId: 'merge',
    advisory: {
      id: 'CVE-2024-26581',
      aliases: [],
      summary: '',
      details:
        'In the Linux kernel, the following vulnerability has been resolved: netfilter: nft_set_rbtree: skip end interval element from gc',
      severity: {},
      affected: [
        {
          ecosystem: 'Debian:12',
          package: 'linux',
          events: [{ introduced: '0' }, { fixed: '6.1.82-1' }],
          urgency: 'not yet assigned',
        },
        {
          ecosystem: 'Debian:11',
          package: 'linux',
          events: [{ introduced: '0' }],
          unfixed: true,
          undetermined: true,
          urgency: 'not yet assigned',
        },
      ],
      references: ['https://security-tracker.debian.org/tracker/CVE-2024-26581'],
      source: 'debian-tracker',
    },
  },
  {
    sameId: 'merge',
    advisory: {
      id: 'TEMP-0000000-1A2B3C',
      aliases: [],
      summary: '',
      details: 'possible use-after-free in the foo driver (no CVE assigned yet)',
      severity: { vendor: 'low' },
      affected: [
        {
          ecosystem: 'Debian:unstable',
          package: 'linux',
          events: [{ introduced: '0' }],
          unfixed: true,
          urgency: 'unimportant',
          vendorSeverity: 'low',
        },
      ],
      references: ['https://security-tracker.debian.org/tracker/TEMP-0000000-1A2B3C'],
      source: 'debian-tracker',
    },
  },
];

const EXPECTED_NOTICES = [
  '2 × Debian release never affected (fixed_version 0) gave no range (openssl CVE-2023-99999 bookworm, openssl CVE-2023-99999 sid)',
  '1 × Debian release with unknown codename skipped (experimental)',
];

describe('Debian Security Tracker importer', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'vulndb-debian-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('maps codenames to Debian:<n>, open to unfixed, "0" to no range, end-of-life to a flag', async () => {
    const { records, notices } = await recordsOf(feedDocuments([TRACKER], new Notices()));
    expect(records).toEqual(EXPECTED);
    expect(notices).toEqual(EXPECTED_NOTICES);
  });

  it('gives the same records when the document is streamed member by member', async () => {
    const { records, notices } = await recordsOf([streamed(TRACKER)]);
    expect(records).toEqual(EXPECTED);
    expect(notices).toEqual(EXPECTED_NOTICES);
  });

  it('rejects a malformed issue, naming the package and the record', async () => {
    const tracker = JSON.parse(readFileSync(TRACKER, 'utf8'));
    tracker.linux['CVE-2024-26581'].releases.bookworm.status = 3;
    const file = join(scratch, 'tracker.json');
    writeFileSync(file, JSON.stringify(tracker));
    const message = `${file}: package linux, record CVE-2024-26581: releases.bookworm.status: Invalid input: expected string, received number`;
    await expect(recordsOf(feedDocuments([file], new Notices()))).rejects.toThrow(message);
    await expect(recordsOf([streamed(file)])).rejects.toThrow(message);
  });

  it('rejects a streamed document whose JSON breaks, naming the package', async () => {
    const file = join(scratch, 'truncated.json');
    const text = readFileSync(TRACKER, 'utf8');
    const cut = text.indexOf('"TEMP-');
    writeFileSync(file, text.slice(0, cut));
    await expect(recordsOf([streamed(file)])).rejects.toThrow(
      `${file}: invalid JSON (in or after package linux): unexpected end of document at byte ${cut}`,
    );
  });

  it('refuses a large document that is not a tracker', async () => {
    const file = join(scratch, 'big.json');
    writeFileSync(file, JSON.stringify({ id: 'OSV-1', modified: '2024-01-01T00:00:00Z' }));
    await expect(recordsOf([streamed(file)])).rejects.toThrow('not a Debian Security Tracker document');
  });
});
