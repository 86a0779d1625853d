import { type Kysely, sql } from 'kysely';
import { textType } from './dialect.js';

const TEXT_COLUMNS = [
  'image_name',
  'image_digest',
  'create_time',
  'os_name',
  'architecture',
  'author',
  'build_history',
  'scan_time',
  'scan_status',
  'agent_error',
  'scan_error',
  'scan_vul_error',
  'scan_virus_error',
  'scan_risk_error',
  'reason',
  'solution',
] as const;

const INTEGER_COLUMNS = [
  'status',
  'vul_cnt',
  'risk_cnt',
  'sensitive_info_cnt',
  'virus_cnt',
  'host_cnt',
  'container_cnt',
  'super_node_cnt',
  'is_authorized',
  'scan_vul_progress',
  'scan_virus_progress',
  'scan_risk_progress',
  'remain_scan_time',
  'component_cnt',
  'critical_level_vul_cnt',
  'high_level_vul_cnt',
  'medium_level_vul_cnt',
  'low_level_vul_cnt',
] as const;

/** Columns the image lists sort by most; each gets an index starting (uin, column, image_id). */
const SORTED_COLUMNS = [
  'image_id',
  'image_name',
  'create_time',
  'size',
  'scan_time',
  'vul_cnt',
  'risk_cnt',
  'virus_cnt',
  'host_cnt',
  'container_cnt',
  'component_cnt',
  'os_name',
  'first_seen',
] as const;

/**
 * Columns the image filters test, appended to every sort index: a list filtered on them and sorted
 * on an indexed column reads only the index, and a count reads any one of them.
 */
const FILTERED_COLUMNS = [
  'image_name',
  'os_name',
  'scan_status',
  'vul_cnt',
  'risk_cnt',
  'virus_cnt',
  'is_trust_image',
] as const;

const IMAGE_KEY = ['uin', 'image_id'] as const;

/** Images, their names, layers and components (src/store/sql/tables.ts describes each column). */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  let images = db.schema
    .createTable('images')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size >= 0`))
    .addColumn('is_trust_image', 'integer', (c) => c.notNull().check(sql`is_trust_image in (0, 1)`))
    .addColumn('repo_digests', text, (c) => c.notNull())
    .addColumn('first_seen', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull());
  for (const name of TEXT_COLUMNS) images = images.addColumn(name, text, (c) => c.notNull());
  for (const name of INTEGER_COLUMNS)
    images = images.addColumn(name, 'integer', (c) => c.notNull().defaultTo(0));
  await images.addPrimaryKeyConstraint('images_pk', [...IMAGE_KEY]).execute();
  for (const column of SORTED_COLUMNS) {
    await db.schema
      .createIndex(`images_by_${column}`)
      .on('images')
      .columns([...new Set(['uin', column, 'image_id', ...FILTERED_COLUMNS])])
      .execute();
  }

  await db.schema
    .createTable('image_names')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('image_names_pk', [...IMAGE_KEY, 'position'])
    .addForeignKeyConstraint('image_names_image_fk', [...IMAGE_KEY], 'images', [...IMAGE_KEY], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('image_names_by_name').on('image_names').columns(['uin', 'name']).execute();

  await db.schema
    .createTable('image_layers')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('diff_id', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size >= 0`))
    .addPrimaryKeyConstraint('image_layers_pk', [...IMAGE_KEY, 'position'])
    .addForeignKeyConstraint('image_layers_image_fk', [...IMAGE_KEY], 'images', [...IMAGE_KEY], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();

  let components = db.schema
    .createTable('image_components')
    .addColumn('uin', text, (c) => c.notNull())
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('version', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('epoch', 'integer');
  for (const name of [
    'arch',
    'source_name',
    'source_version',
    'release',
    'licenses',
    'maintainer',
    'vendor',
    'modularity_label',
    'purl',
    'layer',
    'path',
  ]) {
    components = components.addColumn(name, text);
  }
  await components
    .addPrimaryKeyConstraint('image_components_pk', [...IMAGE_KEY, 'position'])
    .addForeignKeyConstraint('image_components_image_fk', [...IMAGE_KEY], 'images', [...IMAGE_KEY], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('image_components_by_name')
    .on('image_components')
    .columns(['uin', 'image_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['image_components', 'image_layers', 'image_names', 'images']) {
    await db.schema.dropTable(table).execute();
  }
}
