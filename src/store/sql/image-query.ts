import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ComponentFilter, ImageFilter, Page } from '../store.js';
import { likeContains, type SqlDialectOps } from './sql-dialect.js';
import type {
  ImageComponentsTable,
  ImageRisksTable,
  ImagesTable,
  ImageVirusesTable,
  ImageVulnerabilitiesTable,
  StoreDatabase,
} from './tables.js';

type ImagesEb = ExpressionBuilder<StoreDatabase, 'images'>;
type ComponentsEb = ExpressionBuilder<StoreDatabase, 'image_components'>;
type TextFilter = { values: string[]; exact: boolean };

/** A text filter applies when it has values; an empty value list constrains nothing. */
const active = (f: TextFilter | undefined): f is TextFilter => f !== undefined && f.values.length > 0;

/** Exact: equal to one of the values (case-sensitive). Else: contains one of them, case-insensitively, literally. */
function textMatch(ops: SqlDialectOps, column: Expression<unknown>, f: TextFilter): Expression<SqlBool> {
  return f.exact ? ops.inList(column, f.values) : ops.likeAny(column, f.values.map(likeContains));
}

/**
 * ImageFilter.securityRisk values: the images that have that risk. Counters are never negative; `<> 0`
 * keeps planners walking the (filter-covering) sort index instead of a counter's range.
 */
const SECURITY_RISKS = new Map<string, (eb: ImagesEb) => Expression<SqlBool>>([
  ['VulCnt', (eb) => eb('images.vul_cnt', '<>', 0)],
  ['RiskCnt', (eb) => eb('images.risk_cnt', '<>', 0)],
  ['VirusCnt', (eb) => eb('images.virus_cnt', '<>', 0)],
  ['IsTrustImage', (eb) => eb('images.is_trust_image', '=', 0)],
  ['CriticalLevelVul', (eb) => eb('images.critical_level_vul_cnt', '<>', 0)],
  ['HighLevelVul', (eb) => eb('images.high_level_vul_cnt', '<>', 0)],
  ['MediumLevelVul', (eb) => eb('images.medium_level_vul_cnt', '<>', 0)],
  ['LowLevelVul', (eb) => eb('images.low_level_vul_cnt', '<>', 0)],
]);

/** The account's images matching every filter of `filter` (one of the values of each). */
export function imageWhere(ops: SqlDialectOps, uin: string, filter: ImageFilter) {
  const risks = [...new Set(filter.securityRisk ?? [])].map((r) => {
    const risk = SECURITY_RISKS.get(r);
    if (!risk)
      throw new Error(`unknown security risk "${r}" (known: ${[...SECURITY_RISKS.keys()].join(', ')})`);
    return risk;
  });
  return (eb: ImagesEb): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [eb('images.uin', '=', uin)];
    if (active(filter.imageName))
      conditions.push(textMatch(ops, eb.ref('images.image_name'), filter.imageName));
    if (active(filter.imageId)) conditions.push(textMatch(ops, eb.ref('images.image_id'), filter.imageId));
    if (active(filter.osName)) conditions.push(textMatch(ops, eb.ref('images.os_name'), filter.osName));
    if (active(filter.keywords)) {
      conditions.push(
        eb.or([
          textMatch(ops, eb.ref('images.image_name'), filter.keywords),
          textMatch(ops, eb.ref('images.image_id'), filter.keywords),
        ]),
      );
    }
    if (filter.scanStatus?.length)
      conditions.push(ops.inList(eb.ref('images.scan_status'), filter.scanStatus));
    if (risks.length) conditions.push(eb.or(risks.map((r) => r(eb))));
    return eb.and(conditions);
  };
}

/** The image's components matching every filter of `filter`. */
export function componentWhere(ops: SqlDialectOps, uin: string, imageId: string, filter: ComponentFilter) {
  return (eb: ComponentsEb): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [
      eb('image_components.uin', '=', uin),
      eb('image_components.image_id', '=', imageId),
    ];
    if (active(filter.name)) conditions.push(textMatch(ops, eb.ref('image_components.name'), filter.name));
    if (active(filter.version))
      conditions.push(textMatch(ops, eb.ref('image_components.version'), filter.version));
    if (active(filter.type)) conditions.push(textMatch(ops, eb.ref('image_components.type'), filter.type));
    return eb.and(conditions);
  };
}

/** ImagesInfo / ImageDetail field names the image lists sort by, and their columns. */
export const IMAGE_SORT_COLUMNS: ReadonlyMap<string, keyof ImagesTable> = new Map<string, keyof ImagesTable>([
  ['ImageID', 'image_id'],
  ['ImageName', 'image_name'],
  ['ImageDigest', 'image_digest'],
  ['CreateTime', 'create_time'],
  ['Size', 'size'],
  ['OsName', 'os_name'],
  ['Architecture', 'architecture'],
  ['Author', 'author'],
  ['ScanTime', 'scan_time'],
  ['ScanStatus', 'scan_status'],
  ['Status', 'status'],
  ['VulCnt', 'vul_cnt'],
  ['RiskCnt', 'risk_cnt'],
  ['SensitiveInfoCnt', 'sensitive_info_cnt'],
  ['VirusCnt', 'virus_cnt'],
  ['HostCnt', 'host_cnt'],
  ['ContainerCnt', 'container_cnt'],
  ['SuperNodeCnt', 'super_node_cnt'],
  ['IsTrustImage', 'is_trust_image'],
  ['IsAuthorized', 'is_authorized'],
  ['AgentError', 'agent_error'],
  ['ScanError', 'scan_error'],
  ['ScanVulProgress', 'scan_vul_progress'],
  ['ScanVirusProgress', 'scan_virus_progress'],
  ['ScanRiskProgress', 'scan_risk_progress'],
  ['ScanVulError', 'scan_vul_error'],
  ['ScanVirusError', 'scan_virus_error'],
  ['ScanRiskError', 'scan_risk_error'],
  ['RemainScanTime', 'remain_scan_time'],
  ['Reason', 'reason'],
  ['Solution', 'solution'],
  ['ComponentCnt', 'component_cnt'],
  ['CriticalLevelVulCnt', 'critical_level_vul_cnt'],
  ['HighLevelVulCnt', 'high_level_vul_cnt'],
  ['MediumLevelVulCnt', 'medium_level_vul_cnt'],
  ['LowLevelVulCnt', 'low_level_vul_cnt'],
]);

/** Component fields the component list sorts by; a missing path sorts as ''. */
export const COMPONENT_SORT_COLUMNS: ReadonlyMap<string, keyof ImageComponentsTable> = new Map<
  string,
  keyof ImageComponentsTable
>([
  ['Name', 'name'],
  ['Version', 'version'],
  ['Type', 'type'],
  ['Path', 'path'],
]);

/** ImageRiskInfo fields (and our Rule, Path) the risk list sorts by; a missing path sorts as ''. */
export const RISK_SORT_COLUMNS: ReadonlyMap<string, keyof ImageRisksTable> = new Map<
  string,
  keyof ImageRisksTable
>([
  ['Level', 'level'],
  ['Type', 'type'],
  ['Behavior', 'behavior'],
  ['Rule', 'rule'],
  ['Path', 'path'],
]);

/** ImagesVul fields the vulnerability list sorts by. */
export const VULNERABILITY_SORT_COLUMNS: ReadonlyMap<string, keyof ImageVulnerabilitiesTable> = new Map<
  string,
  keyof ImageVulnerabilitiesTable
>([
  ['Level', 'level'],
  ['CVEID', 'cve_id'],
  ['Name', 'name'],
  ['Component', 'component'],
  ['CVSSV3Score', 'cvss3_score'],
  ['SubmitTime', 'submit_time'],
]);

/** ImageVirusInfo fields the virus list sorts by. */
export const VIRUS_SORT_COLUMNS: ReadonlyMap<string, keyof ImageVirusesTable> = new Map<
  string,
  keyof ImageVirusesTable
>([
  ['RiskLevel', 'level'],
  ['VirusName', 'virus_name'],
  ['FileName', 'file_name'],
  ['Path', 'path'],
  ['Size', 'size'],
  ['Md5', 'md5'],
  ['FirstScanTime', 'first_scan_time'],
  ['LatestScanTime', 'latest_scan_time'],
]);

export interface Sort<C> {
  column: C;
  order: 'asc' | 'desc';
}

/**
 * The page's sort column from `columns`; `by` absent or '' gives `fallback`. Throws a plain Error naming
 * the allowed fields when `by` is not one of them.
 */
export function sortOf<C>(
  page: Page,
  list: string,
  columns: ReadonlyMap<string, C>,
  fallback: { column: C; order: 'asc' | 'desc' },
): Sort<C> {
  checkPage(page);
  if (page.order !== undefined && page.order !== 'asc' && page.order !== 'desc') {
    throw new Error(`${list}: order must be asc or desc, not "${String(page.order)}"`);
  }
  if (page.by === undefined || page.by === '')
    return { column: fallback.column, order: page.order ?? fallback.order };
  const column = columns.get(page.by);
  if (column === undefined) {
    throw new Error(`${list}: cannot sort by "${page.by}" (sortable: ${[...columns.keys()].join(', ')})`);
  }
  return { column, order: page.order ?? 'asc' };
}

function checkPage(page: Page): void {
  for (const key of ['limit', 'offset'] as const) {
    const v = page[key];
    if (!Number.isSafeInteger(v) || v < 0)
      throw new Error(`page ${key} must be a non-negative integer, not ${v}`);
  }
}
