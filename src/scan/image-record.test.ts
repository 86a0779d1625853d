import { describe, expect, it } from 'vitest';
import type { ImageConfigJson } from '../core/image.js';
import { imageRecord, withHistoryIndexes } from './image-record.js';
import { historyLayers, type ScanResult } from './scan-image.js';

const diff = (c: string) => `sha256:${c.repeat(64)}`;

/** A scan of an image whose layers are `diffIDs` (bottom first) and whose config has `history`. */
function scan(diffIDs: string[], history: ImageConfigJson['history']): ScanResult {
  return {
    manifest: {
      reference: 'oci:/x',
      transport: 'oci',
      names: ['example.com/app:1'],
      repoDigests: [],
      imageID: diff('f'),
      config: { created: '2024-03-01T12:00:00Z', rootfs: { type: 'layers', diff_ids: diffIDs }, history },
      layers: diffIDs.map((diffID) => ({ diffID, location: diffID })),
    },
    layers: diffIDs.map((diffID, i) => ({ diffID, size: 100 * (i + 1), cached: false })),
    components: [],
    risks: [],
    viruses: [],
    problems: [],
    scannedAt: new Date('2024-03-02T00:00:00Z'),
  };
}

describe('imageRecord layers', () => {
  it('pairs each layer with the history entry that created it, skipping empty_layer entries', () => {
    const history = [
      { created_by: 'ADD rootfs.tar /' },
      { created_by: 'ENV A=1', empty_layer: true },
      { created_by: 'LABEL x=y', empty_layer: true },
      { created_by: 'RUN apt-get install -y openssl' },
      { created_by: 'WORKDIR /app', empty_layer: true },
      { created_by: 'COPY . /app' },
      { created_by: 'CMD ["app"]', empty_layer: true },
    ];
    const r = scan([diff('a'), diff('b'), diff('c')], history);
    expect(imageRecord(r, 'UTC').layers).toEqual([
      { diffID: diff('a'), size: 100, historyIndex: 0 },
      { diffID: diff('b'), size: 200, historyIndex: 3 },
      { diffID: diff('c'), size: 300, historyIndex: 5 },
    ]);
    // the same pairing historyLayers makes, read the other way round
    const byEntry = historyLayers(r.manifest.config, [diff('a'), diff('b'), diff('c')]);
    for (const l of imageRecord(r, 'UTC').layers) expect(byEntry[l.historyIndex!]).toBe(l.diffID);
  });

  it('pairs by position when two layers share a diffID', () => {
    const history = [
      { created_by: 'RUN true', empty_layer: true },
      { created_by: 'RUN mkdir /x' },
      { created_by: 'RUN mkdir /x' },
    ];
    expect(imageRecord(scan([diff('e'), diff('e')], history), 'UTC').layers).toEqual([
      { diffID: diff('e'), size: 100, historyIndex: 1 },
      { diffID: diff('e'), size: 200, historyIndex: 2 },
    ]);
  });

  it('gives no layer an index when the history and the layers disagree, or there is no history', () => {
    const tooMany = [{ created_by: 'ADD a' }, { created_by: 'RUN b' }, { created_by: 'RUN c' }];
    const tooFew = [{ created_by: 'ADD a' }, { created_by: 'ENV b', empty_layer: true }];
    for (const history of [tooMany, tooFew, undefined, []]) {
      const layers = imageRecord(scan([diff('a'), diff('b')], history), 'UTC').layers;
      expect(layers).toEqual([
        { diffID: diff('a'), size: 100 },
        { diffID: diff('b'), size: 200 },
      ]);
      for (const l of layers) expect('historyIndex' in l).toBe(false);
    }
  });

  it('an image without layers has none to pair', () => {
    expect(withHistoryIndexes([], { history: [{ created_by: 'CMD x', empty_layer: true }] })).toEqual([]);
  });
});
