import { z } from 'zod';
import type { FeedRecord, Notices } from '../../feed-record.js';
import { describeIssues, FeedRecordError } from '../feed-error.js';

/**
 * Alpine secdb (https://secdb.alpinelinux.org/, one `<branch>/<repo>.json` per repository): each
 * package's `secfixes` maps the first fixed apk version to the issues it fixed. Version `0` means the
 * branch was never affected, so it gives no record. One record per issue; the same issue in several
 * packages, repositories or branches merges into one advisory.
 */

const secdbDocument = z.object({
  distroversion: z.string().min(1),
  reponame: z.string().nullish(),
  packages: z.array(z.unknown()),
});

const secdbPackage = z.object({
  pkg: z.object({
    name: z.string().min(1),
    secfixes: z.record(z.string(), z.array(z.string()).nullable()).nullish(),
  }),
});

/** Whether a parsed JSON value looks like a secdb document (it is then validated, and rejected if malformed). */
export function looksLikeAlpineSecdb(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'packages' in value &&
    ('distroversion' in value || 'reponame' in value)
  );
}

/** `Alpine:v3.19` as OSV writes it, from secdb's `v3.19` (or `3.19`). */
export function alpineEcosystem(distroversion: string): string {
  return `Alpine:${/^\d/.test(distroversion) ? `v${distroversion}` : distroversion}`;
}

/** The records of one secdb document; throws FeedRecordError naming the package index and name when one is malformed. */
export function* alpineSecdbRecords(value: unknown, where: string, notices: Notices): Generator<FeedRecord> {
  const document = secdbDocument.safeParse(value);
  if (!document.success) {
    throw new FeedRecordError(where, `not a valid Alpine secdb document: ${describeIssues(document.error)}`);
  }
  const ecosystem = alpineEcosystem(document.data.distroversion);
  for (const [index, item] of document.data.packages.entries()) {
    const parsed = secdbPackage.safeParse(item);
    if (!parsed.success) {
      const name = (item as { pkg?: { name?: unknown } } | null)?.pkg?.name;
      const label = typeof name === 'string' ? ` (${name})` : '';
      throw new FeedRecordError(where, `packages[${index}]${label}: ${describeIssues(parsed.error)}`);
    }
    const { name, secfixes } = parsed.data.pkg;
    for (const [fixed, issues] of Object.entries(secfixes ?? {})) {
      for (const issue of issues ?? []) {
        const ids = issue.split(/\s+/).filter((t) => t !== '');
        const id = ids.find((t) => t.startsWith('CVE-')) ?? ids[0];
        if (id === undefined) {
          notices.add('empty Alpine secfix entry skipped', `${where} ${name} ${fixed}`);
          continue;
        }
        if (fixed === '0') {
          notices.add('Alpine secfix under version 0 (not affected) gave no record', `${name} ${id}`);
          continue;
        }
        yield {
          sameId: 'merge',
          advisory: {
            id,
            aliases: ids.filter((t) => t !== id),
            summary: '',
            details: '',
            severity: {},
            affected: [{ ecosystem, package: name, events: [{ introduced: '0' }, { fixed }] }],
            references: [`https://security.alpinelinux.org/vuln/${id}`],
            source: 'alpine-secdb',
          },
        };
      }
    }
  }
}
