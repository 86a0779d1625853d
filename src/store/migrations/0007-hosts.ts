import type { Kysely } from 'kysely';

/** Filled by #8's work; until then a migration that changes nothing. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
