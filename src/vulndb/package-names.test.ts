import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Kysely, Migrator } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { vulnDbMigrationProvider } from './migrations/migrations.js';
import { openVulnDbConnection } from './sqlite-connection.js';
import { openVulnDb } from './vulndb.js';

const scratch = mkdtempSync(join(tmpdir(), 'vulndb-names-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function record(id: string, ecosystem: string, name: string) {
  return {
    id,
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem, name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }],
      },
    ],
  };
}

describe('vulndb package names', () => {
  it('stores PyPI, NuGet and Packagist names normalised and leaves the others as the feed wrote them', async () => {
    const feed = join(scratch, 'feed');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(feed, { recursive: true });
    writeFileSync(join(feed, 'a.json'), JSON.stringify(record('PYSEC-1', 'PyPI', 'Zope.Interface')));
    writeFileSync(join(feed, 'b.json'), JSON.stringify(record('GHSA-n', 'NuGet', 'Newtonsoft.Json')));
    writeFileSync(join(feed, 'c.json'), JSON.stringify(record('GHSA-m', 'Maven', 'org.Example:Lib')));
    const db = await openVulnDb(join(scratch, 'a.sqlite'));
    try {
      await db.importFeeds([feed]);
      expect([...(await db.advisoriesFor('PyPI', ['zope-interface'])).keys()]).toEqual(['zope-interface']);
      expect([...(await db.advisoriesFor('NuGet', ['newtonsoft.json'])).keys()]).toEqual(['newtonsoft.json']);
      expect([...(await db.advisoriesFor('Maven', ['org.Example:Lib'])).keys()]).toEqual(['org.Example:Lib']);
      expect((await db.advisoriesFor('Maven', ['org.example:lib'])).size).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('upgrades a database imported before names were normalised, without a re-import', async () => {
    const file = join(scratch, 'old.sqlite');
    const conn = openVulnDbConnection(file);
    const migrator = new Migrator({ db: conn as Kysely<unknown>, provider: vulnDbMigrationProvider });
    expect((await migrator.migrateTo('0001-vulndb')).error).toBeUndefined();
    await conn.destroy();
    // what an import of that schema wrote: the feed's spelling
    const raw = new Database(file);
    raw.exec(`insert into db_versions values (1, 'complete', '2024', '2024', '[]', 1, 2, '[]', '[]', '[]', null);
      insert into vulndb_current values (1, 1);`);
    raw.exec(`insert into advisories (key, version, source, id, aliases, summary, details, "references")
      values (1, 1, 'osv', 'PYSEC-1', '[]', '', '', '[]')`);
    const range = JSON.stringify({ events: [{ introduced: '0' }, { fixed: '2.0' }] });
    const insert = raw.prepare(
      'insert into affected_ranges (version, ecosystem, package, seq, advisory, range) values (1, ?, ?, ?, 1, ?)',
    );
    insert.run('PyPI', 'Django_REST.framework', 1, range);
    insert.run('npm', 'Left-Pad', 2, range);
    raw.close();
    const db = await openVulnDb(file);
    try {
      expect([...(await db.advisoriesFor('PyPI', ['django-rest-framework'])).keys()]).toEqual([
        'django-rest-framework',
      ]);
      expect([...(await db.advisoriesFor('npm', ['Left-Pad'])).keys()]).toEqual(['Left-Pad']);
    } finally {
      await db.close();
    }
  });
});
