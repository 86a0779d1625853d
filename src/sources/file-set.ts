import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { BadInputError } from '../core/errors.js';
import type { FileRange } from '../walk/inflate-protocol.js';
import type { TarIndex } from './tar-index.js';

/** Read access to the files of an image container: a directory (OCI layout) or an archive's members. */
export interface FileSet {
  /** what to name in error messages */
  readonly label: string;
  exists(name: string): Promise<boolean>;
  size(name: string): Promise<number | undefined>;
  /** whole content; throws BadInputError when missing or over `maxBytes` */
  read(name: string, maxBytes?: number): Promise<Buffer>;
  stream(name: string): Readable;
  /** the byte range of a file on disk holding `name` */
  range(name: string): Promise<FileRange | undefined>;
}

/** Files of a directory, never resolving a name outside it. */
export class DirFileSet implements FileSet {
  constructor(readonly label: string) {}

  private path(name: string): string {
    const root = resolve(this.label);
    const p = resolve(join(root, name));
    if (p !== root && !p.startsWith(root + sep))
      throw new BadInputError(this.label, `path ${name} escapes the layout`);
    return p;
  }

  async exists(name: string): Promise<boolean> {
    return (await this.size(name)) !== undefined;
  }

  async size(name: string): Promise<number | undefined> {
    try {
      const s = await stat(this.path(name));
      return s.isFile() ? s.size : undefined;
    } catch {
      return undefined;
    }
  }

  async read(name: string, maxBytes = 64 << 20): Promise<Buffer> {
    const size = await this.size(name);
    if (size === undefined) throw new BadInputError(this.label, `missing ${name}`);
    if (size > maxBytes)
      throw new BadInputError(this.label, `${name} is ${size} bytes, over the ${maxBytes} limit`);
    const fh = await open(this.path(name), 'r');
    try {
      const buf = Buffer.alloc(size);
      await fh.read(buf, 0, size, 0);
      return buf;
    } finally {
      await fh.close();
    }
  }

  stream(name: string): Readable {
    return createReadStream(this.path(name), { highWaterMark: 1 << 20 });
  }

  async range(name: string): Promise<FileRange | undefined> {
    const size = await this.size(name);
    return size === undefined ? undefined : { path: this.path(name), start: 0, end: size - 1 };
  }
}

/** Members of an uncompressed tar archive. */
export class TarFileSet implements FileSet {
  readonly label: string;
  constructor(private readonly index: TarIndex) {
    this.label = index.path;
  }
  async exists(name: string): Promise<boolean> {
    return this.index.get(name) !== undefined;
  }
  async size(name: string): Promise<number | undefined> {
    return this.index.get(name)?.size;
  }
  read(name: string, maxBytes?: number): Promise<Buffer> {
    return this.index.read(name, maxBytes);
  }
  stream(name: string): Readable {
    return this.index.stream(name);
  }
  async range(name: string): Promise<FileRange | undefined> {
    const m = this.index.get(name);
    return m && { path: this.index.path, start: m.offset, end: m.offset + m.size - 1 };
  }
}
