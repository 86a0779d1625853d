import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanImage } from '../../src/scan/scan-image.js';
import { imageOfLayers } from './dir-image.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

describe('imageOfLayers', () => {
  it('puts a real directory at its place in the image, over literal entries', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-dirimg-'));
    work.push(dir);
    await mkdir(path.join(dir, 'src', 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'sub', 'a.txt'), 'hello');
    const ref = await imageOfLayers(path.join(dir, 'img'), [
      { entries: [{ path: 'etc/os-release', body: 'ID=alpine\nVERSION_ID=3.19.1\n' }] },
      { from: path.join(dir, 'src'), to: 'app' },
    ]);
    const seen: string[] = [];
    const result = await scanImage(ref, {
      dataDir: path.join(dir, 'data'),
      analyzers: [
        {
          name: 'probe',
          version: 1,
          wants: (f) => f.path.startsWith('app/'),
          analyze: (f) => void seen.push(`${f.info.path}=${f.content}`),
        },
      ],
    });
    expect(result.layers).toHaveLength(2);
    expect(seen).toEqual(['app/sub/a.txt=hello']);
  });
});

describe('scan of an odd component', () => {
  it('keeps a component whose purl cannot be built, without one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-oddpurl-'));
    work.push(dir);
    const ref = await imageOfLayers(path.join(dir, 'img'), [{ entries: [{ path: 'app/x', body: 'x' }] }]);
    const result = await scanImage(ref, {
      dataDir: path.join(dir, 'data'),
      analyzers: [
        {
          name: 'odd',
          version: 1,
          wants: (f) => f.path === 'app/x',
          // packageurl-js throws on a golang version that starts with v and is not semver
          analyze: () => ({ components: [{ name: 'example.com/m', version: 'vbad', type: 'golang' }] }),
        },
      ],
    });
    expect(result.components.map((c) => [c.name, c.version, c.purl])).toEqual([
      ['example.com/m', 'vbad', undefined],
    ]);
  });
});
