import { type Kysely, sql } from 'kysely';
import { normalizePackageName } from '../../core/package-names.js';

const NORMALIZED = ['PyPI', 'NuGet', 'Packagist'];

/**
 * Databases imported before package names were normalised (src/core/package-names.ts) store PyPI,
 * NuGet and Packagist names as the feed spelled them; the matcher now looks them up normalised.
 * Rewrites those rows in place so an upgrade needs no re-import. The (version, ecosystem, package,
 * seq) key stays unique: `seq` is unique within a version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{ ecosystem: string; package: string }>`
    select distinct ecosystem, package from affected_ranges
    where ecosystem in (${sql.join(NORMALIZED)})`.execute(db);
  for (const { ecosystem, package: name } of rows.rows) {
    const normalized = normalizePackageName(ecosystem, name);
    if (normalized === name) continue;
    await sql`update affected_ranges set package = ${normalized}
      where ecosystem = ${ecosystem} and package = ${name}`.execute(db);
  }
}

/** Nothing to undo: the normalised names are what the matcher reads. */
export async function down(): Promise<void> {}
