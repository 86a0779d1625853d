import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileFindings } from '../../core/analyzer.js';
import { apkAnalyzer, MAX_PROBLEMS } from './apk-analyzer.js';
import { parseApkInstalled, splitApkLicense } from './apk-installed.js';

async function analyze(content: Buffer | string): Promise<FileFindings> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  const info = { path: 'lib/apk/db/installed', size: buf.length, mode: 0o644, uid: 0, gid: 0 };
  return (await apkAnalyzer.analyze({ info, content: buf }, { layer: 'sha256:x' })) ?? {};
}

describe('splitApkLicense', () => {
  it.each([
    ['MIT', ['MIT']],
    ['MIT BSD GPL2+', ['MIT', 'BSD', 'GPL2+']],
    ['( Apache-2.0 OR MIT ) AND MPL-2.0', ['Apache-2.0', 'MIT', 'MPL-2.0']],
    ['(Apache-2.0 OR MIT) AND MPL-2.0', ['Apache-2.0', 'MIT', 'MPL-2.0']],
    ['GPL-2.0-or-later WITH Linux-syscall-note AND MIT', ['GPL-2.0-or-later WITH Linux-syscall-note', 'MIT']],
    ['MIT and MIT or ISC', ['MIT', 'ISC']],
    ['', []],
    ['  ', []],
  ])('%j → %j', (value, want) => {
    expect(splitApkLicense(value)).toEqual(want);
  });
});

describe('parseApkInstalled', () => {
  it('reads name, version, arch, origin, license and maintainer; falls back to the name without origin', () => {
    const text =
      'C:Q1abc=\r\nP:musl\r\nV:1.2.4-r2\r\nA:aarch64\r\nL:MIT\r\no:musl\r\nm:Timo Teräs <timo.teras@iki.fi>\r\nF:lib\r\nR:ld-musl-aarch64.so.1\r\n\r\n' +
      'P:noorigin\nV:1-r0\n';
    expect(parseApkInstalled(text)).toEqual({
      components: [
        {
          name: 'musl',
          version: '1.2.4-r2',
          type: 'apk',
          arch: 'aarch64',
          sourceName: 'musl',
          sourceVersion: '1.2.4-r2',
          licenses: ['MIT'],
          maintainer: 'Timo Teräs <timo.teras@iki.fi>',
        },
        { name: 'noorigin', version: '1-r0', type: 'apk', sourceName: 'noorigin', sourceVersion: '1-r0' },
      ],
      problems: [],
    });
  });

  it('reports stanzas without P or V and bad lines, keeping the rest', () => {
    const text = 'P:nover\nA:x86_64\n\nV:1\n\n\n\nwhat is this\nP:ok\nV:2\n\n';
    const { components, problems } = parseApkInstalled(text);
    expect(components.map((c) => `${c.name}@${c.version}`)).toEqual(['ok@2']);
    expect(problems).toEqual([
      'stanza at line 1 (package "nover"): missing V: (version)',
      'stanza at line 4: missing P: (package name)',
      'line 8: not a "K:value" line: "what is this"',
    ]);
  });
});

describe('apkAnalyzer', () => {
  it('wants the installed database, also where usr-merge moved it', () => {
    const info = (path: string) => ({ path, size: 1, mode: 0o644, uid: 0, gid: 0 });
    expect(apkAnalyzer.wants(info('lib/apk/db/installed'))).toBe(true);
    expect(apkAnalyzer.wants(info('usr/lib/apk/db/installed'))).toBe(true);
    expect(apkAnalyzer.wants(info('lib/apk/db/triggers'))).toBe(false);
    expect(apkAnalyzer.wants(info('var/lib/apk/db/installed'))).toBe(false);
    expect(apkAnalyzer.wants(info('x/lib/apk/db/installed'))).toBe(false);
  });

  it('reports binary content', async () => {
    expect(await analyze(Buffer.from([0x50, 0x3a, 0x00]))).toEqual({
      problems: ['binary content (NUL bytes): not an apk installed database'],
    });
  });

  it('never throws on random bytes and caps problems', async () => {
    for (let i = 0; i < 50; i++) {
      const found = await analyze(Buffer.from(randomBytes(4096).map((b) => b || 1)));
      expect((found.problems ?? []).length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
    }
    const found = await analyze(Array.from({ length: 200 }, () => 'garbage').join('\n'));
    expect(found.problems?.length).toBe(MAX_PROBLEMS + 1);
    expect(found.problems?.at(-1)).toBe(`… and ${200 - MAX_PROBLEMS} more problems`);
  });

  it('handles a huge single line and a huge value', async () => {
    const huge = 'x'.repeat(8 * 1024 * 1024);
    const a = await analyze(huge);
    expect(a.components).toEqual([]);
    expect(a.problems?.[0]).toMatch(/^line 1: not a "K:value" line: "x{80}…"$/);
    const b = await analyze(`P:p\nV:1\nT:${huge}\n`);
    expect(b).toEqual({
      components: [{ name: 'p', version: '1', type: 'apk', sourceName: 'p', sourceVersion: '1' }],
    });
  });

  it('returns nothing for an empty database', async () => {
    expect(await analyze('')).toEqual({ components: [] });
  });
});
