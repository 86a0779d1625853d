/**
 * The build info reader on hand-made ELF files: the pre-1.18 pointer format (ELF 32/64-bit, little
 * and big endian, with a `.go.buildinfo` section or no section headers at all), the inline format,
 * and hostile input (bad pointers, truncation, random bytes). Real binaries of every format are
 * checked against `go version -m` in test/lang-golang.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseExecutable } from '../binary/exec-file.js';
import { golangBinaryAnalyzer } from './go-binary-analyzer.js';
import { parseModInfo, readGoBuildInfo } from './go-buildinfo.js';

const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MOD = [
  'path\texample.com/old/cmd',
  'mod\texample.com/old\tv1.4.0\th1:abc=',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:def=',
  'dep\tgolang.org/x/net\tv0.0.0-20190620200207-3b0461eec859\th1:ghi=',
  'dep\texample.com/orig\tv1.0.0',
  '=>\texample.com/fork\tv1.0.2\th1:jkl=',
  'dep\texample.com/dir\tv0.1.0',
  '=>\t../dir\t',
  '',
].join('\n');
const framed = Buffer.concat([START, Buffer.from(MOD), END]);

interface Opts {
  is64: boolean;
  be: boolean;
  sections: boolean;
  inline?: boolean;
  /** point the module string somewhere unmapped */
  badPointer?: boolean;
}

const VADDR = 0x400000;

/** A minimal ELF executable: one writable PT_LOAD over the whole file holding the build info. */
function elf(o: Opts): Buffer {
  const w = o.is64 ? 8 : 4;
  const buf = Buffer.alloc(0x800);
  const u16 = (v: number, off: number) => (o.be ? buf.writeUInt16BE(v, off) : buf.writeUInt16LE(v, off));
  const u32 = (v: number, off: number) => (o.be ? buf.writeUInt32BE(v, off) : buf.writeUInt32LE(v, off));
  const word = (v: number, off: number) =>
    w === 8
      ? o.be
        ? buf.writeBigUInt64BE(BigInt(v), off)
        : buf.writeBigUInt64LE(BigInt(v), off)
      : u32(v, off);
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = o.is64 ? 2 : 1;
  buf[5] = o.be ? 2 : 1;
  buf[6] = 1;
  u16(2, 16); // ET_EXEC
  const ehsize = o.is64 ? 64 : 52;
  const phentsize = o.is64 ? 56 : 32;
  const shentsize = o.is64 ? 64 : 40;
  word(ehsize, o.is64 ? 0x20 : 0x1c); // e_phoff
  const base = o.is64 ? 0x36 : 0x2a;
  u16(phentsize, base);
  u16(1, base + 2);
  u16(shentsize, base + 4);
  // program header: PT_LOAD, RW, offset 0, vaddr VADDR, whole file
  const p = ehsize;
  u32(1, p);
  if (o.is64) {
    u32(6, p + 4);
    word(0, p + 8);
    word(VADDR, p + 16);
    word(VADDR, p + 24);
    word(buf.length, p + 32);
    word(buf.length, p + 40);
  } else {
    word(0, p + 4);
    word(VADDR, p + 8);
    word(VADDR, p + 12);
    word(buf.length, p + 16);
    word(buf.length, p + 20);
    u32(6, p + 24);
  }
  // build info header at 0x100
  const h = 0x100;
  buf.write('\xff Go buildinf:', h, 'latin1');
  buf[h + 14] = w;
  const version = Buffer.from('go1.16.15');
  if (o.inline) {
    buf[h + 15] = 2 | (o.be ? 1 : 0);
    let q = h + 32;
    buf[q++] = version.length;
    q += version.copy(buf, q);
    // a two-byte uvarint length
    buf[q++] = (framed.length & 0x7f) | 0x80;
    buf[q++] = framed.length >> 7;
    framed.copy(buf, q);
  } else {
    buf[h + 15] = o.be ? 1 : 0;
    word(VADDR + 0x140, h + 16);
    word(o.badPointer ? 0x7fff0000 : VADDR + 0x160, h + 16 + w);
    word(VADDR + 0x180, 0x140);
    word(version.length, 0x140 + w);
    word(VADDR + 0x200, 0x160);
    word(framed.length, 0x160 + w);
    version.copy(buf, 0x180);
    framed.copy(buf, 0x200);
  }
  if (o.sections) {
    // null, .go.buildinfo, .shstrtab; names at 0x700, headers at 0x600
    const names = '\0.go.buildinfo\0.shstrtab\0';
    buf.write(names, 0x700, 'latin1');
    const sh = 0x600;
    word(sh, o.is64 ? 0x28 : 0x20);
    u16(3, base + 6);
    u16(2, base + 8);
    const sec = (
      i: number,
      name: number,
      type: number,
      flags: number,
      addr: number,
      off: number,
      size: number,
    ) => {
      const s = sh + i * shentsize;
      u32(name, s);
      u32(type, s + 4);
      word(flags, s + 8);
      word(addr, o.is64 ? s + 16 : s + 12);
      word(off, o.is64 ? s + 24 : s + 16);
      word(size, o.is64 ? s + 32 : s + 20);
    };
    sec(1, 1, 1, 3, VADDR + 0x100, 0x100, 0x20);
    sec(2, 15, 3, 0, 0, 0x700, names.length);
  }
  return buf;
}

const variants: Opts[] = [];
for (const is64 of [true, false])
  for (const be of [false, true])
    for (const sections of [true, false])
      variants.push({ is64, be, sections }, { is64, be, sections, inline: true });

const analyze = (content: Buffer) =>
  golangBinaryAnalyzer.analyze(
    { info: { path: 'bin/app', size: content.length, mode: 0o755, uid: 0, gid: 0 }, content },
    { layer: 'l' },
  ) as { components?: { name: string; version: string; purl?: string }[]; problems?: string[] } | undefined;

describe('Go build info', () => {
  it.each(
    variants.map((v) => [
      `${v.is64 ? 64 : 32}-bit ${v.be ? 'BE' : 'LE'}${v.sections ? '' : ' no sections'}${v.inline ? ' inline' : ' pointers'}`,
      v,
    ]),
  )('reads %s', (_, o) => {
    const exe = parseExecutable(elf(o as Opts));
    expect(exe && !('error' in exe)).toBe(true);
    const info = readGoBuildInfo(exe as Exclude<typeof exe, undefined | { error: string }>);
    expect(info).toEqual({ goVersion: 'go1.16.15', modInfo: MOD });
    expect(analyze(elf(o as Opts))?.components?.map((c) => `${c.name}@${c.version}`)).toEqual([
      'stdlib@go1.16.15',
      'example.com/old@v1.4.0',
      'github.com/pkg/errors@v0.9.1',
      'golang.org/x/net@v0.0.0-20190620200207-3b0461eec859',
      'example.com/fork@v1.0.2',
      'example.com/dir@v0.1.0',
    ]);
  });

  it('parses module info lines with their replacements', () => {
    const m = parseModInfo(MOD);
    expect(m.path).toBe('example.com/old/cmd');
    expect(m.main).toEqual({ path: 'example.com/old', version: 'v1.4.0', sum: 'h1:abc=' });
    expect(m.deps[2]).toEqual({
      path: 'example.com/orig',
      version: 'v1.0.0',
      replace: { path: 'example.com/fork', version: 'v1.0.2', sum: 'h1:jkl=' },
    });
    expect(m.deps[3]!.replace).toEqual({ path: '../dir', version: '' });
  });

  it('searches the data segment when the sections have no names', () => {
    const o = { is64: true, be: false, sections: true };
    const unnamed = elf(o);
    unnamed.writeUInt16LE(0, 0x3e); // e_shstrndx: no section name table
    const exe = parseExecutable(unnamed);
    expect(exe && 'sections' in exe && exe.sections.every((s) => s.name === '')).toBe(true);
    expect(analyze(unnamed)?.components?.[0]).toEqual({
      name: 'stdlib',
      version: 'go1.16.15',
      type: 'golang',
      purl: 'pkg:golang/stdlib@go1.16.15',
    });
  });

  it('reports a pointer outside the file as a problem', () => {
    expect(analyze(elf({ is64: true, be: false, sections: true, badPointer: true }))).toEqual({
      problems: ['Go build info: build info points outside the file (module info)'],
    });
  });

  it('ignores non-executables in O(1) and non-Go ELF files by their sections', () => {
    expect(analyze(Buffer.from(`#!/bin/sh\n${'x'.repeat(5000)}`))).toBeUndefined();
    const plain = elf({ is64: true, be: false, sections: true });
    plain.write('\0.no.buildinfo\0', 0x700, 'latin1'); // rename the section: not Go any more
    expect(analyze(plain)).toBeUndefined();
  });

  it('never throws on truncated or corrupted input', () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (const o of variants) {
      const good = elf(o);
      for (let n = 0; n < good.length; n += 37) expect(() => analyze(good.subarray(0, n))).not.toThrow();
      for (let k = 0; k < 200; k++) {
        const bad = Buffer.from(good);
        for (let j = 0; j < 4; j++) bad[rnd() % bad.length] = rnd() & 0xff;
        expect(() => analyze(bad)).not.toThrow();
      }
    }
    const garbage = Buffer.alloc(8192);
    for (let i = 0; i < garbage.length; i++) garbage[i] = rnd() & 0xff;
    garbage.write('\x7fELF', 0, 'latin1');
    const r = analyze(garbage);
    expect(r === undefined || r.problems?.length === 1).toBe(true);
  });

  it('reports a truncated ELF as a problem', () => {
    const good = elf({ is64: true, be: false, sections: false });
    expect(analyze(good.subarray(0, 0x400))?.problems).toEqual([
      'ELF: truncated: headers describe 2048 bytes, the file has 1024',
    ]);
  });
});
