import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipEntries } from './zip-entries.js';

// Archives written by CPython's zipfile (feeds/osv/testdata/make-zips.py).
const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'feeds', 'osv', 'testdata');

async function contents(file: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const entry of zipEntries(file)) out.push([entry.name, (await entry.read()).toString('utf8')]);
  return out;
}

describe('zipEntries', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'vulndb-zip-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reads stored and deflated entries', async () => {
    const entries = await contents(join(TESTDATA, 'all.zip'));
    expect(entries.map(([name]) => name)).toEqual(['GHSA-4q6p-r6v2-jvc5.json', 'GHSA-8m3x-2c9w-q5hv.json']);
    expect(JSON.parse(entries[0]?.[1] ?? '').id).toBe('GHSA-4q6p-r6v2-jvc5');
    expect(JSON.parse(entries[1]?.[1] ?? '').id).toBe('GHSA-8m3x-2c9w-q5hv');
  });

  it('reads zip64 end records and zip64 sizes', async () => {
    expect(await contents(join(TESTDATA, 'all-zip64.zip'))).toEqual(
      await contents(join(TESTDATA, 'all.zip')),
    );
  });

  it('rejects a file with no end of central directory', async () => {
    const file = join(scratch, 'truncated.zip');
    const zip = readFileSync(join(TESTDATA, 'all.zip'));
    writeFileSync(file, zip.subarray(0, zip.length - 30));
    await expect(contents(file)).rejects.toThrow('no end of central directory record');
  });

  it('rejects an entry whose bytes do not match its CRC-32', async () => {
    const file = join(scratch, 'corrupt.zip');
    const zip = Buffer.from(readFileSync(join(TESTDATA, 'all.zip')));
    const at = zip.indexOf('ReDoS in slugr');
    zip[at] = 'X'.charCodeAt(0);
    writeFileSync(file, zip);
    await expect(contents(file)).rejects.toThrow('GHSA-4q6p-r6v2-jvc5.json: CRC-32 mismatch');
  });
});
