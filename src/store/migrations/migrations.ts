import type { Migration, MigrationProvider } from 'kysely';
import * as images from './0001-images.js';
import * as vulnerabilities from './0002-vulnerabilities.js';
import * as vulnerabilityDigest from './0003-vulnerability-digest.js';
import * as risksViruses from './0004-risks-viruses.js';
import * as tasks from './0005-tasks.js';
import * as registries from './0006-registries.js';
import * as hosts from './0007-hosts.js';
import * as layerHistory from './0008-layer-history.js';

/** Every schema migration, by name; names sort in the order they run and are never renamed. */
export const storeMigrations: Record<string, Migration> = {
  '0001-images': images,
  '0002-vulnerabilities': vulnerabilities,
  '0003-vulnerability-digest': vulnerabilityDigest,
  '0004-risks-viruses': risksViruses,
  '0005-tasks': tasks,
  '0006-registries': registries,
  '0007-hosts': hosts,
  '0008-layer-history': layerHistory,
};

/** Kysely's Migrator reads the migrations from here (static: no directory scan, bundler-safe). */
export const storeMigrationProvider: MigrationProvider = {
  getMigrations: async () => storeMigrations,
};
