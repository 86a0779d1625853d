import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BadInputError } from '../core/errors.js';
import type { ImageManifest } from '../core/image.js';
import { formatTime } from '../core/time.js';
import { buildHistory, notScannedDetail as emptyDetail, type ImageDetail } from '../scan/detail.js';
import type { ScanResult } from '../scan/scan-image.js';
import { openSource, type ParsedReference, parseReference } from '../sources/open-source.js';
import type { ImageRecord } from '../store/store.js';

/** The reference again, reading `path` (a resolved form of its own). */
function withPath(parsed: ParsedReference, path: string): string {
  const tail = parsed.ref ? `:${parsed.ref}` : '';
  return parsed.transport === 'auto' ? `${path}${tail}` : `${parsed.transport}:${path}${tail}`;
}

/**
 * A reference to a local image with its path made absolute (against the working directory), so a
 * worker started elsewhere reads the same image: what `hullscan scan` records as the image's source.
 */
export async function absoluteReference(reference: string): Promise<string> {
  const parsed = await parseReference(reference);
  return withPath(parsed, resolve(parsed.path));
}

/**
 * The local path a reference reads, resolved through every symbolic link, when it lies under one of
 * `roots` (themselves resolved); else a BadInputError. Registry references are not files: refused here.
 */
export async function allowedPath(reference: string, roots: string[]): Promise<string> {
  const parsed = await parseReference(reference);
  if (!isAbsolute(parsed.path))
    throw new BadInputError(reference, 'the path must be absolute (the server resolves it, not the client)');
  if (roots.length === 0)
    throw new BadInputError(
      reference,
      'this server allows no image directories (set "imageRoots" in its config)',
    );
  let real: string;
  try {
    real = await realpath(parsed.path);
  } catch {
    throw new BadInputError(reference, 'no such file or directory on the server');
  }
  for (const root of roots) {
    let r: string;
    try {
      r = await realpath(resolve(root));
    } catch {
      continue;
    }
    const rel = relative(r, real);
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return real;
  }
  throw new BadInputError(reference, `is outside the server's image directories (${roots.join(', ')})`);
}

/** The detail of an image known by its manifest only: NOT_SCAN, nothing found yet. */
export function notScannedDetail(m: ImageManifest, timeZone: string): ImageDetail {
  const c = m.config;
  return emptyDetail({
    ImageID: m.imageID,
    ImageName: m.names[0] ?? '',
    ImageDigest: m.manifestDigest ?? m.imageID,
    CreateTime: formatTime(c.created, timeZone),
    Size: m.layers.reduce((s, l) => s + (l.size ?? 0), 0),
    Architecture: c.architecture ? `${c.architecture}${c.variant ? `/${c.variant}` : ''}` : '',
    Author: c.author ?? '',
    BuildHistory: buildHistory({ manifest: m } as ScanResult, timeZone),
    RepoDigests: m.repoDigests,
  });
}

/**
 * Opens an allowed reference and describes it (manifest and config verified; no layer read) into the
 * record a NOT_SCAN image is registered with. The reference returned is the resolved one.
 */
export async function describeForRegistration(
  reference: string,
  roots: string[],
  timeZone: string,
): Promise<{ reference: string; record: ImageRecord }> {
  const path = await allowedPath(reference, roots);
  const resolved = withPath(await parseReference(reference), path);
  const source = await openSource(resolved);
  try {
    const m = await source.describe();
    return {
      reference: resolved,
      record: {
        detail: notScannedDetail(m, timeZone),
        components: [],
        names: m.names,
        layers: m.layers.map((l) => ({ diffID: l.diffID, size: l.size ?? 0 })),
      },
    };
  } finally {
    await source.close();
  }
}
