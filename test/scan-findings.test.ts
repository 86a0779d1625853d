/**
 * The scan's plumbing for risk and virus findings: directory entries reach analyzers that ask for
 * them, file findings survive only with their files (whiteouts) and carry the layer, and image checks
 * see the history with the layer each step created.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Analyzer, ImageCheck } from '../src/core/analyzer.js';
import { historyLayers, scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers } from './support/dir-image.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

const planted: Analyzer = {
  name: 'test-planted',
  version: 1,
  directories: true,
  wants: (f) => f.path.endsWith('.secret') || (f.directory === true && (f.mode & 0o002) !== 0),
  analyze: ({ info }) => ({
    risks: [
      {
        type: info.directory ? 1 : 2,
        behavior: info.directory ? 4 : 3,
        level: 2,
        rule: info.directory ? 'test.world-writable' : 'test.secret',
        desc: `found ${info.path}`,
        instruction: info.path,
        solution: 'remove it',
      },
    ],
  }),
};

describe('scan findings', () => {
  it('reports file and directory findings of the final filesystem with their layers', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-findings-'));
    work.push(dir);
    const ref = await imageOfLayers(path.join(dir, 'img'), [
      {
        entries: [
          { path: 'srv/', type: 'Directory', mode: 0o777 },
          { path: 'srv/a.secret', body: 'x' },
          { path: 'srv/b.secret', body: 'x' },
          { path: 'etc/', type: 'Directory', mode: 0o755 },
        ],
      },
      { entries: [{ path: 'srv/.wh.a.secret' }, { path: 'opt/c.secret', body: 'y' }] },
    ]);
    const check: ImageCheck = {
      name: 'test-history',
      check: ({ config, historyLayers: hl }) =>
        (config.history ?? []).map((h, i) => ({
          type: 1,
          behavior: 4,
          level: 1,
          rule: 'test.history',
          desc: h.created_by ?? '',
          instruction: h.created_by ?? '',
          solution: 'none',
          historyIndex: i,
          ...(hl[i] ? { layer: hl[i] } : {}),
        })),
    };
    const r = await scanImage(ref, {
      dataDir: path.join(dir, 'data'),
      analyzers: [planted],
      imageChecks: [check],
    });
    const [l1, l2] = r.layers.map((l) => l.diffID);
    expect(r.risks.map((x) => [x.rule, x.path, x.layer, x.historyIndex])).toEqual([
      ['test.secret', 'opt/c.secret', l2, undefined],
      ['test.world-writable', 'srv', l1, undefined],
      ['test.secret', 'srv/b.secret', l1, undefined],
      ['test.history', undefined, l1, 0],
      ['test.history', undefined, l2, 1],
    ]);
  });

  it('maps history entries to the layers they created, skipping empty ones', () => {
    const config = {
      history: [{ created_by: 'ADD' }, { created_by: 'ENV', empty_layer: true }, { created_by: 'RUN' }],
    };
    expect(historyLayers(config, ['sha256:a', 'sha256:b'])).toEqual(['sha256:a', undefined, 'sha256:b']);
    // a history that does not account for the layers says nothing rather than guess
    expect(historyLayers(config, ['sha256:a'])).toEqual([undefined, undefined, undefined]);
  });
});
