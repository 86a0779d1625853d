import { describe, expect, it } from 'vitest';
import { jsonObjectMembers } from './json-members.js';

async function members(text: string | Buffer, chunkSize = 3): Promise<[string, unknown][]> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const out: [string, unknown][] = [];
  for await (const [key, value] of jsonObjectMembers(chunks()))
    out.push([key, JSON.parse(value.toString('utf8'))]);
  return out;
}

describe('jsonObjectMembers', () => {
  const document = {
    'a\\"b': { 'CVE-1': { description: 'braces } ] { [ and "quotes", commas, and \\ backslashes' } },
    'ünïcødé-π': [1, [2, { x: null }], 'z'],
    scalar: 12.5e3,
    s: 'just a string',
    t: true,
    empty: {},
  };

  it.each([1, 2, 3, 7, 1024])('gives each top-level member whatever the chunk size (%d)', async (size) => {
    expect(await members(JSON.stringify(document, null, 2), size)).toEqual(Object.entries(document));
  });

  it('accepts a byte order mark, surrounding whitespace and an empty object', async () => {
    expect(
      await members(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \n{"k": 1}\n ')])),
    ).toEqual([['k', 1]]);
    expect(await members(' { } ')).toEqual([]);
  });

  it.each([
    ['[1, 2]', 'expected a JSON object at byte 0'],
    ['{"a": 1', 'unexpected end of document at byte 7'],
    ['{"a": 1,}', 'expected a member name after a comma at byte 8'],
    ['{"a" 1}', 'expected \':\' after "a" at byte 5'],
    ['{"a": }', 'missing value of "a" at byte 6'],
    ['{"a": 1} x', 'data after the end of the object at byte 9'],
    ['{"a": 1]}', 'unbalanced \']\' in "a"'],
    // bracket kinds inside a value are left to JSON.parse of the value; here the document just never ends
    ['{"a": [1}', 'unexpected end of document at byte 9'],
  ])('rejects %s', async (text, message) => {
    await expect(members(text)).rejects.toThrow(message);
  });
});
