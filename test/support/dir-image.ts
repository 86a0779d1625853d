import { execFileSync } from 'node:child_process';
import { gzipLayer, type Layer, OciLayout, type TarEntry, tarball } from './hostile.js';

/** One layer of a test image: a real directory put at `to` inside the image, or literal entries. */
export type LayerSpec = { from: string; to: string } | { entries: TarEntry[] };

/** A real directory as a tar stream rooted at `to` (no leading `/`), by GNU tar, reproducible. */
export function tarOfDir(from: string, to: string): Buffer {
  const prefix = to.replace(/^\/+|\/+$/g, '');
  return execFileSync(
    'tar',
    [
      '-C',
      from,
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mtime=@0',
      ...(prefix ? [`--transform=s,^\\.,${prefix},`] : []),
      '-cf',
      '-',
      '.',
    ],
    { maxBuffer: 4 << 30 },
  );
}

/**
 * Writes an OCI layout image at `dir` (one gzip layer per spec, bottom first) tagged `latest` and
 * returns its reference, `oci:DIR:latest`, ready for scanImage or the CLI.
 */
export async function imageOfLayers(dir: string, specs: LayerSpec[]): Promise<string> {
  const layout = await OciLayout.create(dir);
  const layers: Layer[] = specs.map((s, i) =>
    'entries' in s
      ? gzipLayer(tarball(s.entries), `layer ${i}: entries`)
      : gzipLayer(tarOfDir(s.from, s.to), `COPY ${s.from} /${s.to}`),
  );
  const desc = await layout.image(layers);
  await layout.tag([{ desc, tag: 'latest' }]);
  return `oci:${dir}:latest`;
}
