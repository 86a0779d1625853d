import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Component } from '../core/component.js';
import { openVulnDb } from '../vulndb/vulndb.js';
import { vulnerabilitiesOf } from './match-image.js';

const scratch = mkdtempSync(join(tmpdir(), 'match-image-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vulnerabilitiesOf', () => {
  it('reports a language package installed in several places once, and each vulnerable version', async () => {
    writeFileSync(
      join(scratch, 'GHSA-test.json'),
      JSON.stringify({
        id: 'GHSA-test-0001',
        aliases: ['CVE-2099-0001'],
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'minimist' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.6' }] }],
          },
        ],
      }),
    );
    const db = await openVulnDb(':memory:');
    try {
      await db.importFeeds([join(scratch, 'GHSA-test.json')]);
      const at = (path: string, version: string): Component => ({
        name: 'minimist',
        version,
        type: 'npm',
        path,
      });
      const { rows } = await vulnerabilitiesOf(
        [
          at('a/node_modules/minimist/package.json', '1.2.5'),
          at('b/node_modules/minimist/package.json', '1.2.5'),
          at('c/node_modules/minimist/package.json', '0.0.8'),
          at('d/node_modules/minimist/package.json', '1.2.6'),
        ],
        undefined,
        db,
        'UTC',
      );
      expect(
        rows.map((r) => `${r.cveId} ${r.component}@${r.version} fixed ${r.fixedVersions}`).sort(),
      ).toEqual(['CVE-2099-0001 minimist@0.0.8 fixed 1.2.6', 'CVE-2099-0001 minimist@1.2.5 fixed 1.2.6']);
    } finally {
      await db.close();
    }
  });
});
