/**
 * A minimal, bounds-checked reader of the headers of ELF, Mach-O and PE executables: their sections
 * (name, address, file range) and loadable segments (address → file offset), enough to find data such
 * as Go's build info or cargo-auditable's `.dep-v0` section. It never throws: malformed headers give
 * `{ error }`; a file that is not an executable gives undefined in O(1).
 *
 * Formats: ELF (System V gABI, https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html),
 * Mach-O (<mach-o/loader.h>, universal binaries: first slice), PE/COFF
 * (https://learn.microsoft.com/en-us/windows/win32/debug/pe-format).
 */

export type ExecFormat = 'elf' | 'macho' | 'pe';

export interface ExecSection {
  name: string;
  /** Mach-O only: the segment the section belongs to (`__DATA`) */
  segment?: string;
  /** virtual address (PE: image base + RVA) */
  addr: number;
  /** file offset of its data, relative to the start of the executable's buffer */
  offset: number;
  /** bytes of data present in the file (0 for ELF NOBITS / Mach-O zerofill) */
  size: number;
  writable: boolean;
}

export interface ExecSegment {
  vaddr: number;
  offset: number;
  filesz: number;
  writable: boolean;
}

export interface ExecFile {
  format: ExecFormat;
  bigEndian: boolean;
  /** pointer size in bytes: 4 or 8 */
  ptrSize: number;
  sections: ExecSection[];
  segments: ExecSegment[];
  /** the executable's bytes (a universal Mach-O: its first slice) */
  data: Buffer;
}

/** Caps on what a hostile header may ask us to walk. */
const MAX_SECTIONS = 4096;
const MAX_SEGMENTS = 1024;
const MAX_LOAD_COMMANDS = 4096;

/** Which executable format `buf` starts with, from its first bytes only; undefined for anything else. */
export function execFormatOf(buf: Buffer): ExecFormat | 'fat' | undefined {
  if (buf.length < 64) return undefined;
  const m = buf.readUInt32BE(0);
  if (m === 0x7f454c46) return 'elf';
  if (m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe) return 'macho';
  // universal binary; Java class files share the magic, but their "count" (the class version) is ≥ 45
  if (m === 0xcafebabe && buf.readUInt32BE(4) > 0 && buf.readUInt32BE(4) < 20) return 'fat';
  if (buf[0] === 0x4d && buf[1] === 0x5a) return 'pe';
  return undefined;
}

const cache = new WeakMap<Buffer, ExecFile | { error: string } | undefined>();

/**
 * The headers of the executable in `buf`, or undefined when it is not one (decided from the magic
 * bytes), or `{ error }` when its headers are malformed or truncated. Memoised per buffer: the Go and
 * Cargo analyzers are handed the same content.
 */
export function parseExecutable(buf: Buffer): ExecFile | { error: string } | undefined {
  if (cache.has(buf)) return cache.get(buf);
  let r: ExecFile | { error: string } | undefined;
  try {
    r = parseUncached(buf);
  } catch (e) {
    // every read is bounds-checked below; this only catches a RangeError we did not foresee
    r = { error: `malformed executable: ${(e as Error).message}` };
  }
  cache.set(buf, r);
  return r;
}

function parseUncached(buf: Buffer): ExecFile | { error: string } | undefined {
  switch (execFormatOf(buf)) {
    case 'elf':
      return parseElf(buf);
    case 'macho':
      return parseMachO(buf);
    case 'fat':
      return parseFat(buf);
    case 'pe':
      return parsePe(buf);
    default:
      return undefined;
  }
}

/** Little- or big-endian unsigned reads that return undefined past the end instead of throwing. */
class Reader {
  constructor(
    readonly buf: Buffer,
    readonly be: boolean,
  ) {}
  u16(off: number): number | undefined {
    if (off < 0 || off + 2 > this.buf.length) return undefined;
    return this.be ? this.buf.readUInt16BE(off) : this.buf.readUInt16LE(off);
  }
  u32(off: number): number | undefined {
    if (off < 0 || off + 4 > this.buf.length) return undefined;
    return this.be ? this.buf.readUInt32BE(off) : this.buf.readUInt32LE(off);
  }
  /** a 64-bit value; undefined past the end or above 2^53 (no real file offset or Go address is) */
  u64(off: number): number | undefined {
    if (off < 0 || off + 8 > this.buf.length) return undefined;
    const v = this.be ? this.buf.readBigUInt64BE(off) : this.buf.readBigUInt64LE(off);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
  }
  word(off: number, size: number): number | undefined {
    return size === 8 ? this.u64(off) : this.u32(off);
  }
}

function cString(buf: Buffer, start: number, max: number): string {
  const end = Math.min(buf.length, start + max);
  if (start < 0 || start >= end) return '';
  const z = buf.indexOf(0, start);
  return buf.toString('latin1', start, z < 0 || z > end ? end : z);
}

function parseElf(buf: Buffer): ExecFile | { error: string } {
  const cls = buf[4];
  const enc = buf[5];
  if ((cls !== 1 && cls !== 2) || (enc !== 1 && enc !== 2))
    return { error: `ELF: unknown class ${cls} or data encoding ${enc}` };
  const is64 = cls === 2;
  const r = new Reader(buf, enc === 2);
  const w = is64 ? 8 : 4;
  const phoff = r.word(is64 ? 0x20 : 0x1c, w);
  const shoff = r.word(is64 ? 0x28 : 0x20, w);
  const base = is64 ? 0x36 : 0x2a;
  const phentsize = r.u16(base);
  const phnum = r.u16(base + 2);
  const shentsize = r.u16(base + 4);
  let shnum = r.u16(base + 6);
  let shstrndx = r.u16(base + 8);
  if (
    phoff === undefined ||
    shoff === undefined ||
    phentsize === undefined ||
    phnum === undefined ||
    shentsize === undefined ||
    shnum === undefined ||
    shstrndx === undefined
  )
    return { error: 'ELF: truncated header' };
  const segments: ExecSegment[] = [];
  if (phoff !== 0 && phnum > 0) {
    if (phentsize < (is64 ? 56 : 32)) return { error: `ELF: program header entry size ${phentsize}` };
    if (phnum > MAX_SEGMENTS) return { error: `ELF: ${phnum} program headers` };
    if (phoff + phnum * phentsize > buf.length) return { error: 'ELF: truncated program headers' };
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      if (r.u32(p) !== 1) continue; // PT_LOAD
      const flags = r.u32(is64 ? p + 4 : p + 24)!;
      const offset = r.word(is64 ? p + 8 : p + 4, w);
      const vaddr = r.word(is64 ? p + 16 : p + 8, w);
      const filesz = r.word(is64 ? p + 32 : p + 16, w);
      if (offset === undefined || vaddr === undefined || filesz === undefined) continue;
      segments.push({ vaddr, offset, filesz, writable: (flags & 2) !== 0 });
    }
  }
  const sections: ExecSection[] = [];
  if (shoff !== 0) {
    if (shentsize < (is64 ? 64 : 40)) return { error: `ELF: section header entry size ${shentsize}` };
    // more than 0xff00 sections: the real count and string table index sit in section 0
    if (shnum === 0) shnum = r.word(shoff + (is64 ? 0x20 : 0x14), w) ?? 0;
    if (shstrndx === 0xffff) shstrndx = r.u32(shoff + (is64 ? 0x28 : 0x18)) ?? 0;
    if (shnum > MAX_SECTIONS) return { error: `ELF: ${shnum} sections` };
    if (shoff + shnum * shentsize > buf.length) return { error: 'ELF: truncated section headers' };
    const hdr = (i: number) => {
      const s = shoff + i * shentsize;
      return {
        name: r.u32(s)!,
        type: r.u32(s + 4)!,
        flags: r.word(s + 8, w) ?? 0,
        addr: r.word(is64 ? s + 16 : s + 12, w) ?? 0,
        offset: r.word(is64 ? s + 24 : s + 16, w) ?? 0,
        size: r.word(is64 ? s + 32 : s + 20, w) ?? 0,
      };
    };
    const strtab = shstrndx < shnum ? hdr(shstrndx) : undefined;
    for (let i = 1; i < shnum; i++) {
      const h = hdr(i);
      const name =
        strtab && h.name < strtab.size && strtab.offset + h.name < buf.length
          ? cString(buf, strtab.offset + h.name, Math.min(256, strtab.size - h.name))
          : '';
      const nobits = h.type === 8;
      sections.push({
        name,
        addr: h.addr,
        offset: h.offset,
        size: nobits ? 0 : h.size,
        writable: (h.flags & 1) !== 0,
      });
    }
  }
  // a file cut short: its headers describe more bytes than it has
  const end = Math.max(
    ...segments.map((g) => g.offset + g.filesz),
    ...sections.map((s) => (s.size ? s.offset + s.size : 0)),
    0,
  );
  if (end > buf.length)
    return { error: `ELF: truncated: headers describe ${end} bytes, the file has ${buf.length}` };
  return { format: 'elf', bigEndian: r.be, ptrSize: w, sections, segments, data: buf };
}

function parseMachO(buf: Buffer): ExecFile | { error: string } {
  const m = buf.readUInt32BE(0);
  const be = m === 0xfeedface || m === 0xfeedfacf;
  const is64 = m === 0xfeedfacf || m === 0xcffaedfe;
  const r = new Reader(buf, be);
  const ncmds = r.u32(16)!;
  if (ncmds > MAX_LOAD_COMMANDS) return { error: `Mach-O: ${ncmds} load commands` };
  let off = is64 ? 32 : 28;
  const sections: ExecSection[] = [];
  const segments: ExecSegment[] = [];
  const w = is64 ? 8 : 4;
  for (let i = 0; i < ncmds; i++) {
    const cmd = r.u32(off);
    const size = r.u32(off + 4);
    if (cmd === undefined || size === undefined || size < 8 || off + size > buf.length)
      return { error: 'Mach-O: truncated load commands' };
    if (cmd === (is64 ? 0x19 : 0x1)) {
      const _segname = cString(buf, off + 8, 16);
      const vmaddr = r.word(off + 24, w);
      const fileoff = r.word(is64 ? off + 40 : off + 32, w);
      const filesize = r.word(is64 ? off + 48 : off + 36, w);
      const initprot = r.u32(is64 ? off + 60 : off + 44) ?? 0;
      const nsects = r.u32(is64 ? off + 64 : off + 48) ?? 0;
      if (vmaddr !== undefined && fileoff !== undefined && filesize !== undefined)
        segments.push({ vaddr: vmaddr, offset: fileoff, filesz: filesize, writable: (initprot & 2) !== 0 });
      const sectSize = is64 ? 80 : 68;
      let s = off + (is64 ? 72 : 56);
      if (nsects > MAX_SECTIONS || s + nsects * sectSize > off + size)
        return { error: 'Mach-O: bad section count' };
      for (let j = 0; j < nsects; j++, s += sectSize) {
        const addr = r.word(s + 32, w) ?? 0;
        const sz = r.word(s + 32 + w, w) ?? 0;
        const offset = r.u32(s + 32 + 2 * w) ?? 0;
        const flags = r.u32(s + 32 + 2 * w + 16) ?? 0;
        const zerofill = (flags & 0xff) === 1 || offset === 0;
        sections.push({
          name: cString(buf, s, 16),
          segment: cString(buf, s + 16, 16),
          addr,
          offset,
          size: zerofill ? 0 : sz,
          writable: (initprot & 2) !== 0,
        });
      }
      if (sections.length > MAX_SECTIONS) return { error: 'Mach-O: too many sections' };
    }
    off += size;
  }
  return { format: 'macho', bigEndian: be, ptrSize: w, sections, segments, data: buf };
}

function parseFat(buf: Buffer): ExecFile | { error: string } {
  const offset = buf.readUInt32BE(16);
  const size = buf.readUInt32BE(20);
  if (offset + size > buf.length || size < 64) return { error: 'Mach-O universal: truncated first slice' };
  const slice = buf.subarray(offset, offset + size);
  if (execFormatOf(slice) !== 'macho') return { error: 'Mach-O universal: first slice is not Mach-O' };
  return parseMachO(slice);
}

function parsePe(buf: Buffer): ExecFile | { error: string } | undefined {
  const r = new Reader(buf, false);
  const pe = r.u32(0x3c);
  if (pe === undefined || pe + 24 > buf.length || buf.readUInt32BE(pe) !== 0x50450000) return undefined;
  const nsections = r.u16(pe + 6)!;
  const optSize = r.u16(pe + 20)!;
  const opt = pe + 24;
  const magic = r.u16(opt);
  let imageBase: number | undefined;
  let ptrSize = 4;
  if (magic === 0x10b) imageBase = r.u32(opt + 28);
  else if (magic === 0x20b) {
    imageBase = r.u64(opt + 24);
    ptrSize = 8;
  }
  if (imageBase === undefined) return { error: 'PE: truncated or unknown optional header' };
  const table = opt + optSize;
  if (nsections > MAX_SECTIONS || table + nsections * 40 > buf.length)
    return { error: 'PE: truncated section table' };
  const sections: ExecSection[] = [];
  const segments: ExecSegment[] = [];
  for (let i = 0; i < nsections; i++) {
    const s = table + i * 40;
    const vsize = r.u32(s + 8)!;
    const rva = r.u32(s + 12)!;
    const rawSize = r.u32(s + 16)!;
    const rawPtr = r.u32(s + 20)!;
    const flags = r.u32(s + 36)!;
    const size = Math.min(vsize || rawSize, rawSize);
    const writable = (flags & 0x80000000) !== 0;
    sections.push({ name: cString(buf, s, 8), addr: imageBase + rva, offset: rawPtr, size, writable });
    segments.push({ vaddr: imageBase + rva, offset: rawPtr, filesz: size, writable });
  }
  return { format: 'pe', bigEndian: false, ptrSize, sections, segments, data: buf };
}

/** The file bytes of a section, clamped to the buffer (shorter when the file is truncated). */
export function sectionData(exe: ExecFile, s: ExecSection): Buffer {
  const start = Math.min(s.offset, exe.data.length);
  return exe.data.subarray(start, Math.min(exe.data.length, start + s.size));
}

/** `n` bytes at virtual address `addr`, from the segment (or section) that maps it; undefined if unmapped or truncated. */
export function readAt(exe: ExecFile, addr: number, n: number): Buffer | undefined {
  const regions: { vaddr: number; offset: number; filesz: number }[] = exe.segments.length
    ? exe.segments
    : exe.sections.map((s) => ({ vaddr: s.addr, offset: s.offset, filesz: s.size }));
  for (const g of regions) {
    if (addr < g.vaddr || addr + n > g.vaddr + g.filesz) continue;
    const off = g.offset + (addr - g.vaddr);
    if (off + n > exe.data.length) return undefined;
    return exe.data.subarray(off, off + n);
  }
  return undefined;
}
