import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { c as createTar } from 'tar';
import { describe, expect, it } from 'vitest';
import { tarball } from '../../test/support/hostile.js';
import { BadInputError } from '../core/errors.js';
import { TarIndex } from './tar-index.js';

const dir = mkdtempSync(join(tmpdir(), 'hullscan-tarindex-'));

describe('TarIndex', () => {
  it('indexes members written by node-tar, long (pax) names included, and reads them by offset', async () => {
    const src = join(dir, 'src');
    const long = `${'d'.repeat(80)}/${'f'.repeat(90)}.json`;
    await mkdir(join(src, 'd'.repeat(80)), { recursive: true });
    await writeFile(join(src, long), '{"long":true}');
    await writeFile(join(src, 'manifest.json'), '[]');
    const archive = join(dir, 'a.tar');
    await createTar({ file: archive, cwd: src, portable: true }, ['manifest.json', long]);
    const index = await TarIndex.open(archive);
    expect((await index.read('manifest.json')).toString()).toBe('[]');
    expect((await index.read(long)).toString()).toBe('{"long":true}');
    expect(index.has('missing')).toBe(false);
  });

  it('follows symlinks between members (skopeo writes <id>/layer.tar as a link)', async () => {
    const archive = join(dir, 'links.tar');
    writeFileSync(
      archive,
      tarball([
        { path: 'abc.tar', body: 'layer bytes' },
        { path: 'id/layer.tar', type: 'SymbolicLink', linkpath: '../abc.tar' },
      ]),
    );
    const index = await TarIndex.open(archive);
    expect((await index.read('id/layer.tar')).toString()).toBe('layer bytes');
  });

  it.each<[string, Buffer, RegExp]>([
    [
      'truncated',
      tarball([{ path: 'manifest.json', body: 'x'.repeat(3000) }]).subarray(0, 1500),
      /truncated archive/,
    ],
    [
      'gzip-compressed',
      gzipSync(tarball([{ path: 'manifest.json', body: '[]' }])),
      /gzip-compressed; decompress it first/,
    ],
    [
      'not a tar',
      Buffer.from('hello world, this is not an archive'.repeat(40)),
      /not a tar archive or corrupt tar header/,
    ],
    ['empty', Buffer.alloc(0), /empty or not a tar archive/],
  ])('refuses a %s archive with a precise message', async (name, bytes, msg) => {
    const archive = join(dir, `${name}.tar`);
    writeFileSync(archive, bytes);
    const err = await TarIndex.open(archive).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(msg);
  });
});
