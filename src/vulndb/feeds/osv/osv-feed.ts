import { z } from 'zod';
import type { Severity } from '../../../core/advisory.js';
import { cvss3BaseScore } from '../../cvss3.js';
import type { FeedRecord, Notices, StoredRange } from '../../feed-record.js';
import { vendorSeverity } from '../../vendor-severity.js';
import { describeIssues, FeedRecordError } from '../feed-error.js';

/**
 * OSV records (https://ossf.github.io/osv-schema/, schema 1.x), one JSON document each. Fields this
 * importer does not use may hold anything; the ones it uses must have the schema's types.
 */

const text = z.string().nullish();
const strings = z.array(z.string()).nullish();
const anyObject = z.record(z.string(), z.unknown()).nullish();

const severityEntry = z.object({ type: z.string(), score: z.string() });

const osvEvent = z.object({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});

const osvRange = z.object({ type: z.string(), repo: z.string().nullish(), events: z.array(osvEvent) });

const osvAffected = z.object({
  package: z.object({ ecosystem: z.string(), name: z.string(), purl: text }).nullish(),
  ranges: z.array(osvRange).nullish(),
  versions: strings,
  severity: z.array(severityEntry).nullish(),
  ecosystem_specific: anyObject,
  database_specific: anyObject,
});

const osvRecord = z.object({
  schema_version: text,
  id: z.string().min(1),
  modified: z.string(),
  published: text,
  withdrawn: text,
  aliases: strings,
  related: strings,
  summary: text,
  details: text,
  severity: z.array(severityEntry).nullish(),
  affected: z.array(osvAffected).nullish(),
  references: z.array(z.object({ type: text, url: z.string() })).nullish(),
  database_specific: anyObject,
});

type OsvRecord = z.infer<typeof osvRecord>;
type OsvAffected = z.infer<typeof osvAffected>;

/** Range types with a version order the matcher knows; GIT ranges name commits, not versions. */
const VERSION_RANGE_TYPES = new Set(['ECOSYSTEM', 'SEMVER']);

/** Red Hat-family errata (AlmaLinux, Rocky) put the vendor severity at the head of the summary. */
const ERRATA_SEVERITY = /^(Critical|Important|Moderate|Low):\s/;

/** Whether a parsed JSON value looks like an OSV record (it is then validated, and rejected if malformed). */
export function looksLikeOsv(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return (
    'id' in value &&
    ('affected' in value || 'modified' in value || 'schema_version' in value || 'withdrawn' in value)
  );
}

function firstCvss3(entries: readonly { type: string; score: string }[] | null | undefined) {
  return entries?.find((s) => s.type === 'CVSS_V3')?.score;
}

function osvSeverity(record: OsvRecord, notices: Notices, where: string): Severity {
  const severity: Severity = {};
  const vector =
    firstCvss3(record.severity) ?? record.affected?.map((a) => firstCvss3(a.severity)).find((v) => v);
  if (vector) {
    severity.cvss3Vector = vector;
    const score = cvss3BaseScore(vector);
    if (score === undefined)
      notices.add('CVSS v3 vector that could not be scored (kept without a score)', where);
    else severity.cvss3Score = score;
  }
  const vendor =
    vendorSeverity(record.database_specific?.['severity']) ??
    record.affected?.map(affectedVendorSeverity).find((v) => v) ??
    vendorSeverity(record.severity?.find((s) => s.type === 'Ubuntu')?.score) ??
    vendorSeverity(ERRATA_SEVERITY.exec(record.summary ?? '')?.[1]);
  if (vendor) severity.vendor = vendor;
  return severity;
}

function affectedVendorSeverity(affected: OsvAffected) {
  return (
    vendorSeverity(affected.ecosystem_specific?.['severity']) ??
    vendorSeverity(affected.database_specific?.['severity']) ??
    vendorSeverity(affected.ecosystem_specific?.['urgency'])
  );
}

function osvRanges(record: OsvRecord, notices: Notices, where: string): StoredRange[] {
  const ranges: StoredRange[] = [];
  for (const affected of record.affected ?? []) {
    if (!affected.package) {
      notices.add('OSV affected entry without a package skipped', where);
      continue;
    }
    const { ecosystem, name } = affected.package;
    const vendor = affectedVendorSeverity(affected);
    const base = (): StoredRange => ({
      ecosystem,
      package: name,
      events: [],
      ...(vendor ? { vendorSeverity: vendor } : {}),
    });
    const own: StoredRange[] = [];
    for (const range of affected.ranges ?? []) {
      if (!VERSION_RANGE_TYPES.has(range.type)) {
        notices.add(`OSV ${range.type} range ignored`, where);
        continue;
      }
      const stored = base();
      if (range.type === 'SEMVER') stored.semver = true;
      for (const event of range.events) {
        if (event.introduced !== undefined) stored.events.push({ introduced: event.introduced });
        else if (event.fixed !== undefined) stored.events.push({ fixed: event.fixed });
        else if (event.last_affected !== undefined)
          stored.events.push({ last_affected: event.last_affected });
        else if (event.limit !== undefined) notices.add('OSV limit event ignored', where);
      }
      own.push(stored);
    }
    const versions = affected.versions ?? [];
    if (versions.length > 0) {
      if (own.length === 0) own.push(base());
      (own[0] as StoredRange).versions = versions;
    }
    if (own.length === 0)
      notices.add('OSV affected package with no version range or versions list skipped', where);
    ranges.push(...own);
  }
  return ranges;
}

/**
 * The FeedRecord of one OSV document. `where` names it in errors and notices (file, and index in a
 * list). Throws FeedRecordError when the document does not have the schema's types.
 */
export function osvRecordOf(value: unknown, where: string, notices: Notices): FeedRecord {
  const parsed = osvRecord.safeParse(value);
  if (!parsed.success) {
    const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
    const record = typeof id === 'string' ? `record ${id}` : 'record';
    throw new FeedRecordError(where, `${record}: not a valid OSV record: ${describeIssues(parsed.error)}`);
  }
  const record = parsed.data;
  const label = `${where} (${record.id})`;
  return {
    sameId: 'replace',
    advisory: {
      id: record.id,
      aliases: record.aliases ?? [],
      summary: record.summary ?? '',
      details: record.details ?? '',
      severity: osvSeverity(record, notices, label),
      affected: osvRanges(record, notices, label),
      references: (record.references ?? []).map((r) => r.url),
      ...(record.published ? { published: record.published } : {}),
      modified: record.modified,
      ...(record.withdrawn ? { withdrawn: record.withdrawn } : {}),
      source: 'osv',
    },
  };
}
