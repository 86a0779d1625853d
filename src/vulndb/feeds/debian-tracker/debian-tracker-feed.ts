import { z } from 'zod';
import type { FeedRecord, Notices, StoredRange } from '../../feed-record.js';
import { VENDOR_BY_LEVEL, VENDOR_LEVELS, vendorSeverity } from '../../vendor-severity.js';
import { describeIssues, FeedRecordError } from '../feed-error.js';

/**
 * The Debian Security Tracker's JSON (https://security-tracker.debian.org/tracker/data/json): one object
 * keyed by SOURCE package, each an object keyed by issue (`CVE-…`, `TEMP-…`) whose `releases` give,
 * per codename, `status` (`resolved` | `open` | `undetermined`), `fixed_version` (`0` = never affected)
 * and `urgency`. One record per issue; the same issue under several packages merges into one advisory.
 */

/** Codename → OSV ecosystem. `sid` is unstable whatever testing is called at the time. */
export const DEBIAN_RELEASES: Record<string, string> = {
  lenny: 'Debian:5',
  squeeze: 'Debian:6',
  wheezy: 'Debian:7',
  jessie: 'Debian:8',
  stretch: 'Debian:9',
  buster: 'Debian:10',
  bullseye: 'Debian:11',
  bookworm: 'Debian:12',
  trixie: 'Debian:13',
  forky: 'Debian:14',
  duke: 'Debian:15',
  sid: 'Debian:unstable',
};

const release = z.object({
  status: z.string(),
  fixed_version: z.string().nullish(),
  urgency: z.string().nullish(),
  repositories: z.record(z.string(), z.string()).nullish(),
  nodsa: z.string().nullish(),
  nodsa_reason: z.string().nullish(),
});

const issue = z.object({
  description: z.string().nullish(),
  scope: z.string().nullish(),
  debianbug: z.number().nullish(),
  releases: z.record(z.string(), release),
});

const ISSUE_ID = /^(CVE|TEMP)-/;

/** Whether a top-level member value looks like a tracker package entry: an object keyed by CVE/TEMP ids. */
export function looksLikeDebianPackage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.slice(0, 5).every((k) => ISSUE_ID.test(k));
}

/**
 * The records of a tracker document given as its `[source package, value]` members (streamed for the
 * real file). Throws FeedRecordError naming the package and issue when one is malformed.
 */
export async function* debianTrackerRecords(
  members: AsyncIterable<[string, unknown]> | Iterable<[string, unknown]>,
  where: string,
  notices: Notices,
): AsyncGenerator<FeedRecord> {
  for await (const [pkg, issues] of members) {
    if (typeof issues !== 'object' || issues === null || Array.isArray(issues)) {
      throw new FeedRecordError(where, `package ${pkg}: expected an object of issues`);
    }
    for (const [id, value] of Object.entries(issues)) {
      const parsed = issue.safeParse(value);
      if (!parsed.success) {
        throw new FeedRecordError(where, `package ${pkg}, record ${id}: ${describeIssues(parsed.error)}`);
      }
      const { description, debianbug, releases } = parsed.data;
      const affected: StoredRange[] = [];
      let level = 0;
      for (const [codename, r] of Object.entries(releases)) {
        const ecosystem = DEBIAN_RELEASES[codename];
        if (!ecosystem) {
          notices.add('Debian release with unknown codename skipped', codename);
          continue;
        }
        const range: StoredRange = { ecosystem, package: pkg, events: [{ introduced: '0' }] };
        if (r.status === 'resolved' && r.fixed_version === '<unfixed>') {
          // the tracker's text form (data/CVE/list) says `<unfixed>`; the JSON says `open`, but take both
          range.unfixed = true;
        } else if (r.status === 'resolved') {
          if (r.fixed_version?.startsWith('<')) {
            notices.add(
              'Debian fixed_version that is not a version skipped',
              `${pkg} ${id} ${codename} ${r.fixed_version}`,
            );
            continue;
          }
          if (!r.fixed_version || r.fixed_version === '0') {
            notices.add(
              'Debian release never affected (fixed_version 0) gave no range',
              `${pkg} ${id} ${codename}`,
            );
            continue;
          }
          range.events.push({ fixed: r.fixed_version });
        } else if (r.status === 'open' || r.status === 'undetermined') {
          range.unfixed = true;
          if (r.status === 'undetermined') range.undetermined = true;
        } else {
          notices.add(
            `Debian release status ${JSON.stringify(r.status)} skipped`,
            `${pkg} ${id} ${codename}`,
          );
          continue;
        }
        if (r.urgency) {
          range.urgency = r.urgency;
          const vendor = vendorSeverity(r.urgency);
          if (vendor) {
            range.vendorSeverity = vendor;
            level = Math.max(level, VENDOR_LEVELS[vendor]);
          }
          if (r.urgency === 'end-of-life') range.endOfLife = true;
        }
        affected.push(range);
      }
      if (affected.length === 0) continue;
      const vendor = VENDOR_BY_LEVEL[level];
      yield {
        sameId: 'merge',
        advisory: {
          id,
          aliases: [],
          summary: '',
          details: description ?? '',
          severity: vendor ? { vendor } : {},
          affected,
          references: [
            `https://security-tracker.debian.org/tracker/${id}`,
            ...(debianbug ? [`https://bugs.debian.org/${debianbug}`] : []),
          ],
          source: 'debian-tracker',
        },
      };
    }
  }
}
