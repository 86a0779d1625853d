import { type ExecFile, readAt, sectionData } from '../binary/exec-file.js';

/**
 * Go build information, as the linker embeds it in every module-mode binary since Go 1.13 and
 * `go version -m` prints it. A 32-byte header, 16-byte aligned, starts with `\xff Go buildinf:`,
 * then the pointer size (byte 14) and flags (byte 15: bit 1 big-endian, bit 2 inline strings).
 * Go ≥ 1.18 writes the toolchain version and the module info inline after the header as
 * uvarint-length strings; older toolchains write two pointers to Go string headers `{ptr, len}`
 * that must be followed through the executable's address map. The module info is framed by two
 * 16-byte sentinels.
 */
export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** what Go's own reader reads of the data region, and the largest string it follows */
const SEARCH_WINDOW = 64 * 1024;
const MAX_STRING = 32 * 1024 * 1024;
/** occurrences of the magic tried in a whole-file scan (the Go tool itself holds it as a literal) */
const MAX_CANDIDATES = 64;

export interface GoBuildInfo {
  /** `go1.22.3` (possibly followed by ` X:experiment`), `devel go1.23-…` */
  goVersion: string;
  /** the module info text (`path`, `mod`, `dep`, `=>`, `build` lines); empty when built outside module mode */
  modInfo: string;
}

/** Sections that only Go's linker writes: a binary with section headers and none of them is not Go. */
const GO_SECTIONS = new Set([
  '.go.buildinfo',
  '.gopclntab',
  '.gosymtab',
  '.note.go.buildid',
  '.go.fipsinfo',
  '__go_buildinfo',
  '__gopclntab',
  '__gosymtab',
]);

/**
 * Where Go's reader looks for the header: the build info section when there is one, else the start
 * of the writable data (ELF: first writable PT_LOAD; Mach-O: `__DATA,__data`; PE: first writable
 * section). An ELF file whose sections have no names (or that has no section headers at all) is then
 * searched whole. Empty when the binary is evidently not Go. Each region is a view of `exe.data`.
 */
function dataRegions(exe: ExecFile): Buffer[] {
  const own = exe.sections.find((s) => s.name === '.go.buildinfo' || s.name === '__go_buildinfo');
  if (own) return [sectionData(exe, own)];
  if (exe.format === 'elf') {
    const named = exe.sections.some((s) => s.name !== '');
    if (named && !exe.sections.some((s) => GO_SECTIONS.has(s.name))) return [];
    const out: Buffer[] = [];
    const seg = exe.segments.find((g) => g.writable && g.filesz > 0);
    if (seg) {
      const start = Math.min(seg.offset, exe.data.length);
      out.push(
        exe.data.subarray(start, Math.min(exe.data.length, start + Math.min(seg.filesz, SEARCH_WINDOW))),
      );
    }
    if (!named) out.push(exe.data);
    return out;
  }
  if (exe.format === 'macho') {
    if (!exe.sections.some((s) => GO_SECTIONS.has(s.name))) return [];
    const d = exe.sections.find((s) => s.segment === '__DATA' && s.name === '__data');
    return d ? [sectionData(exe, d).subarray(0, SEARCH_WINDOW)] : [];
  }
  const d = exe.sections.find((s) => s.writable && s.size > 0 && s.name !== '.bss');
  return d ? [sectionData(exe, d).subarray(0, SEARCH_WINDOW)] : [];
}

/** Reads an unsigned LEB128 varint; undefined when truncated or over 2^31. */
function uvarint(buf: Buffer, off: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = off; i < buf.length && i < off + 5; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value > 2 ** 31 ? undefined : { value, next: i + 1 };
    shift += 7;
  }
  return undefined;
}

function stripFraming(mod: string): string {
  return mod.length >= 33 && mod[mod.length - 17] === '\n' ? mod.slice(16, -16) : '';
}

/** Parses the header at the start of `h` (at least 32 bytes); a string error when it does not hold. */
function decodeHeader(exe: ExecFile, h: Buffer): GoBuildInfo | string {
  const ptrSize = h[14]!;
  const flags = h[15]!;
  if ((ptrSize !== 4 && ptrSize !== 8) || (flags & ~3) !== 0) return 'bad build info header';
  if (flags & 2) {
    const v = uvarint(h, HEADER_SIZE);
    if (!v || v.next + v.value > h.length) return 'truncated build info (Go version)';
    const goVersion = h.toString('latin1', v.next, v.next + v.value);
    const m = uvarint(h, v.next + v.value);
    if (!m || m.next + m.value > h.length) return 'truncated build info (module info)';
    return { goVersion, modInfo: stripFraming(h.toString('utf8', m.next, m.next + m.value)) };
  }
  const be = (flags & 1) !== 0;
  const ptrAt = (b: Buffer, off: number): number | undefined => {
    if (off + ptrSize > b.length) return undefined;
    if (ptrSize === 4) return be ? b.readUInt32BE(off) : b.readUInt32LE(off);
    const v = be ? b.readBigUInt64BE(off) : b.readBigUInt64LE(off);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
  };
  const readString = (addr: number | undefined): string | undefined => {
    if (addr === undefined) return undefined;
    const hdr = readAt(exe, addr, 2 * ptrSize);
    if (!hdr) return undefined;
    const data = ptrAt(hdr, 0);
    const len = ptrAt(hdr, ptrSize);
    if (data === undefined || len === undefined || len > MAX_STRING) return undefined;
    if (len === 0) return '';
    return readAt(exe, data, len)?.toString('utf8');
  };
  const goVersion = readString(ptrAt(h, 16));
  if (goVersion === undefined) return 'build info points outside the file (Go version)';
  const mod = readString(ptrAt(h, 16 + ptrSize));
  if (mod === undefined) return 'build info points outside the file (module info)';
  return { goVersion, modInfo: stripFraming(mod) };
}

/**
 * The build info of a Go executable; undefined when it is not a Go binary (or one built without
 * build info); a string when it looks like Go but the build info cannot be read.
 */
export function readGoBuildInfo(exe: ExecFile): GoBuildInfo | string | undefined {
  let lastError: string | undefined;
  let tries = 0;
  for (const region of dataRegions(exe)) {
    // alignment is relative to the region (a section, a segment, or the file: all 16-byte aligned)
    const base = region.byteOffset - exe.data.byteOffset;
    let from = 0;
    for (; tries < MAX_CANDIDATES; tries++) {
      const i = region.indexOf(BUILDINFO_MAGIC, from);
      if (i < 0 || region.length - i < HEADER_SIZE) break;
      from = i + 1;
      if (i % ALIGN !== 0) continue;
      // inline strings may run past a search window: decode from the full file
      const r = decodeHeader(exe, exe.data.subarray(base + i));
      if (typeof r !== 'string' && r.goVersion !== '') return r;
      lastError = typeof r === 'string' ? r : 'empty Go version in build info';
    }
  }
  return lastError;
}

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: { path: string; version: string; sum?: string };
}

export interface GoModInfo {
  /** the main package path (`path` line) */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
}

const MAX_DEPS = 100_000;

/** The `mod`, `dep` and `=>` lines of module info text (as `go version -m` prints them). */
export function parseModInfo(text: string): GoModInfo {
  const out: GoModInfo = { deps: [] };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path':
        out.path = f[1];
        break;
      case 'mod':
      case 'dep': {
        if (!f[1]) break;
        const m: GoModule = { path: f[1], version: f[2] ?? '' };
        if (f[3]) m.sum = f[3];
        if (f[0] === 'mod') out.main = m;
        else if (out.deps.length < MAX_DEPS) out.deps.push(m);
        last = m;
        break;
      }
      case '=>':
        if (last && f[1]) {
          last.replace = { path: f[1], version: f[2] ?? '' };
          if (f[3]) last.replace.sum = f[3];
        }
        last = undefined;
        break;
    }
  }
  return out;
}
