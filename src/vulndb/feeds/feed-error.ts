import type { z } from 'zod';
import { BadInputError } from '../../core/errors.js';

/**
 * A record a feed importer cannot accept (bad JSON, wrong types): the whole import is rejected.
 * `subject` is the file (or `archive.zip!entry`), the message names the record.
 */
export class FeedRecordError extends BadInputError {
  override name = 'FeedRecordError';
}

/** `affected[0].ranges[1].events: Invalid input: expected array, received string` for the first issue. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return error.message;
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path ? `${path}: ` : ''}${issue.message}${more}`;
}
