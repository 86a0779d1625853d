import type { FeedRecord, Notices } from './feed-record.js';
import { alpineSecdbRecords, looksLikeAlpineSecdb } from './feeds/alpine-secdb/alpine-secdb-feed.js';
import { debianTrackerRecords, looksLikeDebianPackage } from './feeds/debian-tracker/debian-tracker-feed.js';
import { FeedRecordError } from './feeds/feed-error.js';
import { looksLikeOsv, osvRecordOf } from './feeds/osv/osv-feed.js';
import type { FeedDocument } from './input/feed-documents.js';
import { JsonMembersError, jsonObjectMembers } from './input/json-members.js';

/**
 * Documents larger than this are never one advisory or one secdb repository; they are read member by
 * member (the Debian tracker's object of packages) instead of parsed whole.
 */
export const WHOLE_DOCUMENT_LIMIT = 16 * 1024 * 1024;

function parseJson(bytes: Buffer, where: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new FeedRecordError(where, `${what}: invalid JSON: ${(cause as Error).message}`, { cause });
  }
}

async function* parsedMembers(document: FeedDocument): AsyncGenerator<[string, unknown]> {
  try {
    for await (const [key, bytes] of jsonObjectMembers(document.chunks())) {
      yield [key, parseJson(bytes, document.name, `package ${key}`)];
    }
  } catch (cause) {
    if (!(cause instanceof JsonMembersError)) throw cause;
    const after = cause.key === undefined ? '' : ` (in or after package ${cause.key})`;
    throw new FeedRecordError(document.name, `invalid JSON${after}: ${cause.message}`, { cause });
  }
}

async function* streamedDebianTracker(document: FeedDocument, notices: Notices): AsyncGenerator<FeedRecord> {
  const members = parsedMembers(document);
  const first = await members.next();
  if (first.done) return;
  if (!looksLikeDebianPackage(first.value[1])) {
    throw new FeedRecordError(
      document.name,
      `${document.size} bytes of JSON that is not a Debian Security Tracker document (the only feed that large)`,
    );
  }
  async function* all(): AsyncGenerator<[string, unknown]> {
    yield first.value as [string, unknown];
    yield* members;
  }
  yield* debianTrackerRecords(all(), document.name, notices);
}

/**
 * The records of one document, its format found from its content: an OSV record (or a JSON array of
 * them), an Alpine secdb repository, or a Debian Security Tracker document. A document of no known
 * format is skipped with a notice when found in a directory or archive, and rejected when named
 * directly. A malformed record throws FeedRecordError naming the document and the record.
 */
export async function* feedRecords(document: FeedDocument, notices: Notices): AsyncGenerator<FeedRecord> {
  if (document.size > WHOLE_DOCUMENT_LIMIT) {
    yield* streamedDebianTracker(document, notices);
    return;
  }
  const value = parseJson(await document.read(), document.name, 'document');
  if (Array.isArray(value) && value.length > 0 && looksLikeOsv(value[0])) {
    for (const [index, item] of value.entries())
      yield osvRecordOf(item, `${document.name}[${index}]`, notices);
  } else if (looksLikeOsv(value)) {
    yield osvRecordOf(value, document.name, notices);
  } else if (looksLikeAlpineSecdb(value)) {
    yield* alpineSecdbRecords(value, document.name, notices);
  } else if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    looksLikeDebianPackage(Object.values(value)[0])
  ) {
    yield* debianTrackerRecords(Object.entries(value), document.name, notices);
  } else if (document.named) {
    throw new FeedRecordError(
      document.name,
      'not a document of a known feed (OSV, Debian Security Tracker, Alpine secdb)',
    );
  } else {
    notices.add('JSON document of no known feed format skipped', document.name);
  }
}
