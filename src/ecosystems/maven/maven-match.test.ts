/**
 * Matching Maven components against OSV records imported for real (hand-written records under
 * testdata/osv: modelled on GHSA-jfh8-c2jp-5v3q, log4j-core, and GHSA-36p3-wjmg-h94x, spring-beans,
 * plus one with qualified bounds), each verdict evaluated in Maven's version order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Component } from '../../core/component.js';
import { matchComponents } from '../../match/match-components.js';
import { openVulnDb, type VulnDb } from '../../vulndb/vulndb.js';

const OSV_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'osv');

let dir: string;
let db: VulnDb;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hullscan-maven-match-'));
  db = await openVulnDb(path.join(dir, 'vulndb.sqlite'));
  const report = await db.importFeeds([OSV_DIR]);
  expect(report.advisories).toBe(3);
});

afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function verdicts(name: string, versions: string[]): Promise<Record<string, string[]>> {
  const components: Component[] = versions.map((version) => ({ name, version, type: 'maven' }));
  const matches = await matchComponents(components, undefined, db);
  return Object.fromEntries(
    versions.map((v) => [v, matches.filter((m) => m.component.version === v).map((m) => m.advisory.id)]),
  );
}

describe('Maven OSV matching', () => {
  it('finds log4j-core inside each range of GHSA-jfh8-c2jp-5v3q, not at or after its fixes', async () => {
    const got = await verdicts('org.apache.logging.log4j:log4j-core', [
      '2.0-alpha1',
      '2.0-beta8',
      '2.0-beta9',
      '2.0-rc1',
      '2.0',
      '2.3',
      '2.3.1',
      '2.3.2',
      '2.4',
      '2.12.1',
      '2.12.2',
      '2.12.4',
      '2.13.0',
      '2.14.1',
      '2.15.0-rc1',
      '2.15.0',
      '2.15',
      '2.16.0',
      '2.17.1',
    ]);
    const hit = ['GHSA-jfh8-c2jp-5v3q'];
    expect(got).toEqual({
      '2.0-alpha1': [],
      '2.0-beta8': [],
      '2.0-beta9': hit,
      '2.0-rc1': hit,
      '2.0': hit,
      '2.3': hit,
      '2.3.1': [],
      '2.3.2': [],
      '2.4': hit,
      '2.12.1': hit,
      '2.12.2': [],
      '2.12.4': [],
      '2.13.0': hit,
      '2.14.1': hit,
      '2.15.0-rc1': hit,
      '2.15.0': [],
      '2.15': [],
      '2.16.0': [],
      '2.17.1': [],
    });
  });

  it('names the fixes above the installed version', async () => {
    const [m] = await matchComponents(
      [{ name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', type: 'maven' }],
      undefined,
      db,
    );
    expect(m?.fixedVersions).toEqual(['2.15.0']);
    expect(m?.ecosystem).toBe('Maven');
    const [old] = await matchComponents(
      [{ name: 'org.apache.logging.log4j:log4j-core', version: '2.0-beta9', type: 'maven' }],
      undefined,
      db,
    );
    expect(old?.fixedVersions).toEqual(['2.3.1', '2.12.2', '2.15.0']);
  });

  it('orders qualified bounds as Maven does', async () => {
    const got = await verdicts('com.example:qualified', [
      '1.0-beta2',
      '1.0-rc1',
      '1.0-CR2',
      '1.0',
      '1.0.1',
      '1.0.2.Final',
      '1.0.2',
      '1.0.2.RELEASE',
      '2.0.0-alpha1',
      '2.0.0-M1',
      '2.0.0-RC1',
      '2.0.0-SNAPSHOT',
      '2.0.0',
      '2.0.0-sp1',
    ]);
    const hit = ['TEST-MAVEN-QUALIFIERS'];
    expect(got).toEqual({
      '1.0-beta2': [],
      '1.0-rc1': hit,
      '1.0-CR2': hit,
      '1.0': hit,
      '1.0.1': hit,
      '1.0.2.Final': [],
      '1.0.2': [],
      '1.0.2.RELEASE': [],
      '2.0.0-alpha1': [],
      '2.0.0-M1': hit,
      '2.0.0-RC1': hit,
      '2.0.0-SNAPSHOT': hit,
      '2.0.0': [],
      '2.0.0-sp1': [],
    });
  });

  it('finds spring-beans from the first version up to 5.2.20, and in [5.3.0, 5.3.18)', async () => {
    const hit = ['GHSA-36p3-wjmg-h94x'];
    expect(
      await verdicts('org.springframework:spring-beans', [
        '2.5.6.SEC03',
        '5.2.19.RELEASE',
        '5.2.20.RELEASE',
        '5.2.22.RELEASE',
        '5.3.0-RC1',
        '5.3.0',
        '5.3.17',
        '5.3.18',
        '6.0.0',
      ]),
    ).toEqual({
      '2.5.6.SEC03': hit,
      '5.2.19.RELEASE': hit,
      '5.2.20.RELEASE': [],
      '5.2.22.RELEASE': [],
      // 5.3.0-RC1 sorts before 5.3.0 and after 5.2.20: in neither range
      '5.3.0-RC1': [],
      '5.3.0': hit,
      '5.3.17': hit,
      '5.3.18': [],
      '6.0.0': [],
    });
  });

  it('does not match another package or a group-less name', async () => {
    const got = await matchComponents(
      [
        { name: 'org.apache.logging.log4j:log4j-api', version: '2.14.1', type: 'maven' },
        { name: 'log4j-core', version: '2.14.1', type: 'maven' },
      ],
      undefined,
      db,
    );
    expect(got).toEqual([]);
  });
});
