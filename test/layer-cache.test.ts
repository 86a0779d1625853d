/**
 * The layer cache's promise: rescanning an image, or scanning another image that shares its layers,
 * reads nothing it has read before. Proved by corrupting the cached layers' bytes (same size) after
 * the first scan: had the second scan read them, their digests would fail.
 */
import { cp, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, FIXTURE_TOOLS, type Fixtures, requireTools, runCli } from './support/fixtures.js';

interface Out {
  layers: { diffID: string; cached: boolean }[];
  components: unknown[];
}
const out = (r: { json: unknown }) => r.json as Out;

const skip = requireTools([...FIXTURE_TOOLS.small, ...FIXTURE_TOOLS.buildah]);

async function zeroFill(file: string): Promise<void> {
  const { size } = await stat(file);
  const fh = await open(file, 'r+');
  try {
    await fh.write(Buffer.alloc(size), 0, size, 0);
  } finally {
    await fh.close();
  }
}

describe.skipIf(skip)('layer cache', () => {
  let fx: Fixtures<'small' | 'buildah'>;
  let work: string;
  beforeAll(async () => {
    fx = await ensureFixtures(['small', 'buildah']);
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-cache-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('a warm rescan reads no layer: corrupting them afterwards changes nothing', async () => {
    const layout = path.join(work, 'oci');
    await cp(path.join(fx.small.dir, 'oci'), layout, { recursive: true });
    const data = path.join(work, 'data-rescan');
    const first = await runCli(['scan', `oci:${layout}`, '--format', 'json'], { dataDir: data });
    expect(first.code, first.stderr).toBe(0);
    const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8'));
    const manifest = JSON.parse(
      await readFile(path.join(layout, 'blobs', index.manifests[0].digest.replace(':', '/')), 'utf8'),
    );
    for (const l of manifest.layers) await zeroFill(path.join(layout, 'blobs', l.digest.replace(':', '/')));
    const again = await runCli(['scan', `oci:${layout}`, '--format', 'json'], { dataDir: data });
    expect(again.code, again.stderr).toBe(0);
    expect(out(again).layers.every((l) => l.cached)).toBe(true);
    expect(out(again).components).toEqual(out(first).components);
    const cold = await runCli(['scan', `oci:${layout}`, '--format', 'json'], {
      dataDir: path.join(work, 'cold'),
    });
    expect(cold.code).toBe(2);
    expect(cold.stderr).toMatch(/digest mismatch|corrupt/);
  });

  it('another image sharing layers reads only its own', async () => {
    const data = path.join(work, 'data-shared');
    const small = await runCli(['scan', fx.small.ref('docker-archive'), '--format', 'json'], {
      dataDir: data,
    });
    expect(small.code, small.stderr).toBe(0);
    const shared = new Set(out(small).layers.map((l) => l.diffID));
    const other = await runCli(['scan', fx.buildah.ref('docker-archive'), '--format', 'json'], {
      dataDir: data,
    });
    expect(other.code, other.stderr).toBe(0);
    const layers = out(other).layers;
    expect(layers.filter((l) => shared.has(l.diffID)).length).toBe(shared.size);
    for (const l of layers) expect(l.cached, l.diffID).toBe(shared.has(l.diffID));
  });
});
