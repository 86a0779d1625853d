import { createHash } from 'node:crypto';

/** One member of a hand-built tar stream. Names are written verbatim (hostile ones included). */
export interface TarSpec {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

function header(spec: TarSpec, size: number): Buffer {
  const h = Buffer.alloc(512);
  const name = Buffer.from(spec.name);
  if (name.length > 100) throw new Error(`name too long for this test writer: ${spec.name}`);
  name.copy(h, 0);
  const octal = (v: number, off: number, len: number) =>
    h.write(`${v.toString(8).padStart(len - 1, '0')}\0`, off, len, 'latin1');
  octal(spec.mode ?? (spec.type === 'dir' ? 0o755 : 0o644), 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(1700000000, 136, 12);
  const typeflag = { file: '0', dir: '5', symlink: '2', hardlink: '1' }[spec.type ?? 'file'];
  h.write(typeflag, 156, 1, 'latin1');
  if (spec.linkname) h.write(spec.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'latin1');
  h.write('00', 263, 2, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return h;
}

/** A tar stream of the given members; `endBlocks: false` omits the two zero blocks, as umoci insert does. */
export function buildTar(members: TarSpec[], opts: { endBlocks?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const content =
      m.type === 'file' || m.type === undefined ? Buffer.from(m.content ?? '') : Buffer.alloc(0);
    parts.push(header(m, content.length), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  if (opts.endBlocks !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}
