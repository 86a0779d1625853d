import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileFindings } from '../../core/analyzer.js';
import { dpkgAnalyzer, MAX_PROBLEMS } from './dpkg-analyzer.js';

function info(path: string, size = 0) {
  return { path, size, mode: 0o644, uid: 0, gid: 0 };
}

async function analyze(path: string, content: Buffer | string): Promise<FileFindings> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  return (
    (await dpkgAnalyzer.analyze({ info: info(path, buf.length), content: buf }, { layer: 'sha256:x' })) ?? {}
  );
}

describe('dpkgAnalyzer.wants', () => {
  it.each([
    ['var/lib/dpkg/status', true],
    ['var/lib/dpkg/status.d/libc6', true],
    ['var/lib/dpkg/status.d/libpython3.11-minimal', true],
    ['var/lib/dpkg/status.d/libc6.md5sums', false],
    ['var/lib/dpkg/status.d/libsqlite3-0.preinst', false],
    ['var/lib/dpkg/status.d/sub/libc6', false],
    ['var/lib/dpkg/status.d/.wh.libc6', false],
    ['var/lib/dpkg/status-old', false],
    ['var/lib/dpkg/available', false],
    ['var/lib/dpkg/info/tar.md5sums', false],
    ['usr/var/lib/dpkg/status', false],
    ['var/lib/dpkg/status.d', false],
  ])('%s → %s', (path, want) => {
    expect(dpkgAnalyzer.wants(info(path))).toBe(want);
  });
});

describe('dpkgAnalyzer.analyze on hostile input', () => {
  it('reports binary content without parsing it', async () => {
    const found = await analyze('var/lib/dpkg/status', Buffer.from([0x50, 0x00, 0xff, 0x0a]));
    expect(found.components).toBeUndefined();
    expect(found.problems).toEqual(['binary content (NUL bytes): not a dpkg status file']);
  });

  it('never throws on random bytes and caps the problems it keeps', async () => {
    for (let i = 0; i < 50; i++) {
      // without NUL bytes, so the parser itself sees the garbage
      const found = await analyze('var/lib/dpkg/status', Buffer.from(randomBytes(4096).map((b) => b || 1)));
      expect((found.problems ?? []).length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
    }
    const garbage = Array.from({ length: 500 }, (_, i) => `garbage line ${i}`).join('\n');
    const found = await analyze('var/lib/dpkg/status', garbage);
    expect(found.problems?.length).toBe(MAX_PROBLEMS + 1);
    expect(found.problems?.at(-1)).toBe(`… and ${500 + 1 - MAX_PROBLEMS} more problems`);
  });

  it('handles one huge line and a huge field value', async () => {
    const huge = 'x'.repeat(8 * 1024 * 1024);
    const a = await analyze('var/lib/dpkg/status', huge);
    expect(a.components).toEqual([]);
    expect(a.problems?.[0]).toMatch(/^line 1: not a "Field: value" line: "x{80}…"$/);
    const b = await analyze(
      'var/lib/dpkg/status',
      `Package: p\nStatus: install ok installed\nVersion: 1\nDescription: ${huge}\n`,
    );
    expect(b.components?.map((c) => c.name)).toEqual(['p']);
    expect(b.problems).toBeUndefined();
  });

  it('returns no components and no problem for an empty file', async () => {
    expect(await analyze('var/lib/dpkg/status', '')).toEqual({ components: [] });
  });

  it('reads a distroless status.d stanza without Status as installed', async () => {
    const found = await analyze(
      'var/lib/dpkg/status.d/libssl3',
      'Package: libssl3\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n',
    );
    expect(found).toEqual({
      components: [
        {
          name: 'libssl3',
          version: '3.0.11-1~deb12u2',
          type: 'deb',
          arch: 'amd64',
          sourceName: 'openssl',
          sourceVersion: '3.0.11-1~deb12u2',
        },
      ],
    });
  });
});
