import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress as zstdCompress } from 'zstd-napi';
import { sha256, type TarEntry, tarball } from '../../test/support/hostile.js';
import type { Analyzer } from '../core/analyzer.js';
import { BadInputError } from '../core/errors.js';
import { workerFeedAvailable } from './layer-feed.js';
import { walkLayer } from './walk-layer.js';

/** Records every file it is given: content length and first line. */
const probe: Analyzer = {
  name: 'probe',
  version: 1,
  wants: (info) => info.path.startsWith('etc/'),
  analyze: (file) => ({ problems: [`${file.content.length}:${file.content.toString().split('\n')[0]}`] }),
};

function chunked(buf: Buffer, size = 7): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

async function walk(tar: Buffer, stored = tar, opts: { digest?: string; diffID?: string } = {}) {
  return walkLayer(
    chunked(stored, 1000),
    { diffID: opts.diffID ?? sha256(tar), digest: opts.digest ?? sha256(stored), location: 'x' },
    { position: 1, total: 1, analyzers: [probe] },
  );
}

const base: TarEntry[] = [
  { path: './etc/', type: 'Directory' },
  { path: './etc/os-release', body: 'ID=debian\nVERSION_ID=12\n' },
  { path: 'etc/hosts', body: '127.0.0.1 localhost\n' },
  { path: 'usr/lib/os-release', body: 'ignored' },
  { path: 'etc/.wh.gone', body: '' },
  { path: 'var/.wh..wh..opq', body: '' },
  { path: 'etc/link', type: 'SymbolicLink', linkpath: '../usr/lib/os-release' },
  { path: 'etc/hard', type: 'Link', linkpath: 'etc/hosts' },
];

describe('walkLayer', () => {
  it('offers wanted files, records whiteouts, opaque dirs and symlinks, follows hard links in the layer', async () => {
    const tar = tarball(base);
    const r = await walk(tar);
    expect(r.meta.size).toBe(tar.length);
    expect(r.meta.whiteouts).toEqual(['etc/gone']);
    expect(r.meta.opaqueDirs).toEqual(['var']);
    expect(r.meta.symlinks).toEqual({ 'etc/link': '../usr/lib/os-release' });
    expect(r.analyses[0]!.files).toEqual({
      'etc/os-release': { problems: ['24:ID=debian'] },
      'etc/hosts': { problems: ['20:127.0.0.1 localhost'] },
      'etc/hard': { problems: ['20:127.0.0.1 localhost'] },
    });
  });

  it('gives a hard link to a large file the findings of its target without keeping the bytes', async () => {
    const big = `first line\n${'x'.repeat(5 * 2 ** 20)}`;
    const tar = tarball([
      { path: 'etc/big', body: big },
      { path: 'etc/big-link', type: 'Link', linkpath: 'etc/big' },
    ]);
    const r = await walk(tar);
    const want = { problems: [`${big.length}:first line`] };
    expect(r.analyses[0]!.files).toEqual({ 'etc/big': want, 'etc/big-link': want });
  });

  it('reads past the head only for analyzers that ask for the rest', async () => {
    const analyzed: string[] = [];
    const heady: Analyzer = {
      name: 'heady',
      version: 1,
      wants: (i) => i.path.startsWith('data/'),
      headBytes: 4,
      needsContent: (_i, head) => head.toString() === 'WANT',
      analyze: ({ info, content }) => {
        analyzed.push(info.path);
        return { problems: [`${content.length}:${content.subarray(0, 4)}`] };
      },
    };
    const whole: Analyzer = {
      name: 'whole',
      version: 1,
      wants: (i) => i.path === 'data/both',
      analyze: ({ content }) => ({ problems: [`${content.length}`] }),
    };
    const tar = tarball([
      { path: 'data/skip', body: `SKIP${'x'.repeat(100_000)}` },
      { path: 'data/want', body: `WANT${'y'.repeat(100_000)}` },
      { path: 'data/both', body: `SKIP${'z'.repeat(50)}` },
      { path: 'data/tiny', body: 'WA' },
      { path: 'data/skip-link', type: 'Link', linkpath: 'data/skip' },
    ]);
    const r = await walkLayer(
      chunked(tar, 1000),
      { diffID: sha256(tar), digest: sha256(tar), location: 'x' },
      { position: 1, total: 1, analyzers: [heady, whole] },
    );
    expect(r.analyses[0]!.files).toEqual({
      'data/skip': {},
      'data/want': { problems: ['100004:WANT'] },
      'data/both': {},
      'data/tiny': {},
      'data/skip-link': {},
    });
    expect(r.analyses[1]!.files).toEqual({ 'data/both': { problems: ['54'] } });
    expect(analyzed).toEqual(['data/want']);
  });

  it('gives the same result for gzip, zstd and uncompressed layers, and verifies both digests', async () => {
    const tar = tarball(base);
    const plain = await walk(tar);
    const gz = await walk(tar, gzipSync(tar));
    const zs = await walk(tar, zstdCompress(tar));
    expect(gz).toEqual(plain);
    expect(zs).toEqual(plain);
  });

  it('accepts a tar stream without end blocks', async () => {
    const tar = tarball(base, { endBlocks: false });
    const r = await walk(tar, gzipSync(tar));
    expect(Object.keys(r.analyses[0]!.files)).toHaveLength(3);
  });

  it('accepts a last member whose data is complete but whose block padding is missing', async () => {
    const full = tarball([{ path: 'etc/a', body: 'x'.repeat(354) }], { endBlocks: false });
    const tar = full.subarray(0, 512 + 354);
    const r = await walk(tar, gzipSync(tar));
    expect(r.analyses[0]!.files['etc/a']).toEqual({ problems: [`354:${'x'.repeat(354)}`] });
    const cut = full.subarray(0, 512 + 300);
    await expect(walk(cut, gzipSync(cut))).rejects.toThrow(
      /truncated tar stream: etc\/a has 300 of its 354 bytes/,
    );
  });

  it.each([
    ['blob digest', { digest: `sha256:${'0'.repeat(64)}` }, /blob digest mismatch/],
    ['diffID', { diffID: `sha256:${'1'.repeat(64)}` }, /diffID mismatch/],
  ])('rejects a wrong %s', async (_n, opts, msg) => {
    const tar = tarball(base);
    await expect(walk(tar, gzipSync(tar), opts)).rejects.toThrow(msg);
  });

  it.each<[string, TarEntry[], RegExp]>([
    ['..', [{ path: '../../etc/passwd', body: 'x' }], /"\.\.\/\.\.\/etc\/passwd" has "\.\."/],
    ['absolute', [{ path: '/etc/shadow', body: 'x' }], /absolute path "\/etc\/shadow"/],
    [
      'hard link to missing',
      [{ path: 'a', type: 'Link', linkpath: 'nowhere' }],
      /hard link "a" points to missing file "nowhere"/,
    ],
    ['hard link outside', [{ path: 'a', type: 'Link', linkpath: '../x' }], /hard link "a" points outside/],
  ])('rejects a layer with %s paths', async (_n, members, msg) => {
    const tar = tarball(members);
    const err = await walk(tar).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(msg);
  });

  it('rejects a truncated gzip layer', async () => {
    const tar = tarball(base);
    const gz = gzipSync(tar);
    const cut = gz.subarray(0, gz.length - 20);
    await expect(walk(tar, cut, { digest: sha256(cut) })).rejects.toThrow(
      /gzip stream is corrupt or truncated/,
    );
  });

  it('rejects a truncated tar inside a valid gzip', async () => {
    const full = tarball([{ path: 'etc/big', body: 'x'.repeat(5000) }]);
    const tar = full.subarray(0, 2048);
    await expect(walk(tar, gzipSync(tar))).rejects.toThrow(
      /truncated tar stream: etc\/big has 1536 of its 5000 bytes/,
    );
  });

  it('stops a decompression bomb early with a clear message', async () => {
    const zeros = Buffer.alloc(64 << 20);
    const gz = gzipSync(zeros);
    const err = await walkLayer(
      chunked(gz, 65536),
      { diffID: sha256(zeros), digest: sha256(gz), location: 'x' },
      {
        position: 1,
        total: 1,
        analyzers: [],
        limits: { maxExpansion: 100, expansionFloor: 1 << 20, maxLayerBytes: 2 ** 40 },
      },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /decompression bomb: \d+ stored bytes expanded to over \d+ \(more than 100×\)/,
    );
  });

  it('refuses to read a wanted file over the analyzer limit and says so', async () => {
    const small: Analyzer = { ...probe, maxFileSize: 10 };
    const tar = tarball(base);
    const r = await walkLayer(
      chunked(tar),
      { diffID: sha256(tar), location: 'x' },
      { position: 1, total: 1, analyzers: [small] },
    );
    expect(r.analyses[0]!.files['etc/os-release']).toEqual({
      problems: ['24 bytes, over the 10-byte limit of probe: not read'],
    });
  });

  describe.skipIf(!workerFeedAvailable() && !process.env.CI)(
    'from a file range on the inflate worker',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'hullscan-walk-'));
      const inFile = (name: string, buf: Buffer, lead = 0) => {
        const p = join(dir, name);
        writeFileSync(p, Buffer.concat([Buffer.alloc(lead, 0x55), buf, Buffer.alloc(7, 0x55)]));
        return { path: p, start: lead, end: lead + buf.length - 1 };
      };
      const viaWorker = (tar: Buffer, stored: Buffer, name: string) =>
        walkLayer(
          inFile(name, stored, 100),
          { diffID: sha256(tar), digest: sha256(stored), location: 'x' },
          { position: 1, total: 1, analyzers: [probe] },
        );

      // these blobs are small: put them on the thread anyway (it is what is under test)
      beforeAll(() => {
        process.env.HULLSCAN_INFLATE_WORKER_MIN_BYTES = '0';
      });
      afterAll(() => {
        delete process.env.HULLSCAN_INFLATE_WORKER_MIN_BYTES;
      });

      it('is available in CI (the build provides the worker)', () => {
        expect(workerFeedAvailable()).toBe(true);
      });

      it('gives what the in-thread walk gives, for raw, gzip and zstd blobs inside a larger file', async () => {
        const tar = tarball(base);
        const want = await walk(tar);
        expect(await viaWorker(tar, tar, 'raw')).toEqual(want);
        expect(await viaWorker(tar, gzipSync(tar), 'gz')).toEqual(want);
        expect(await viaWorker(tar, zstdCompress(tar), 'zst')).toEqual(want);
        const big = tarball([{ path: 'etc/big', body: Buffer.alloc(5 << 20, 1) }, ...base]);
        expect((await viaWorker(big, gzipSync(big), 'big')).meta.size).toBe(big.length);
      });

      it('reports truncation and digest mismatches the same way', async () => {
        const tar = tarball(base);
        const gz = gzipSync(tar);
        await expect(viaWorker(tar, gz.subarray(0, gz.length - 20), 'cut')).rejects.toThrow(
          /gzip stream is corrupt or truncated/,
        );
        const other = tarball([{ path: 'x', body: 'y' }]);
        await expect(viaWorker(tar, gzipSync(other), 'other')).rejects.toThrow(/diffID mismatch/);
      });
    },
  );
});
