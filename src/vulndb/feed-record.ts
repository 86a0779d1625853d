import type { Advisory, AffectedRange } from '../core/advisory.js';
import type { VendorSeverity } from './vendor-severity.js';

/**
 * A range as the vulndb keeps it: the contract's AffectedRange plus what some feeds say per package
 * and release rather than per advisory. Absent fields mean "the feed says nothing".
 */
export interface StoredRange extends AffectedRange {
  /** the vendor's severity for this package in this release (Debian urgency), which may differ from the advisory's */
  vendorSeverity?: VendorSeverity;
  /** the feed's own urgency words, verbatim (Debian: `unimportant`, `low**`, `not yet assigned`, `end-of-life`) */
  urgency?: string;
  /** the release no longer gets security support for this package (Debian urgency `end-of-life`): affected, and no fix will come */
  endOfLife?: true;
  /** the feed has not yet decided whether this release is affected (Debian status `undetermined`); kept as unfixed */
  undetermined?: true;
}

/** An advisory as an importer yields it. */
export interface FeedAdvisory extends Omit<Advisory, 'affected'> {
  affected: StoredRange[];
  /** OSV `withdrawn`: kept for status, never offered for matching */
  withdrawn?: string;
}

/**
 * One record of a feed, ready to store. `sameId` says what a second record with the same (source, id)
 * in one import means: `replace` (OSV: one document per advisory; the newer `modified` wins, a tie goes
 * to the later one) or `merge` (distro feeds list a CVE once per package or branch: the ranges add up
 * into one advisory, aliases are united, the vendor severity is the highest seen).
 */
export interface FeedRecord {
  advisory: FeedAdvisory;
  sameId: 'replace' | 'merge';
}

/** Counted remarks about an import (skipped files, ignored ranges), keyed by what happened. */
export class Notices {
  readonly #counts = new Map<string, { count: number; examples: string[] }>();

  /** Counts one `what` (a short phrase), keeping the first three `example`s. */
  add(what: string, example?: string): void {
    let entry = this.#counts.get(what);
    if (!entry) {
      entry = { count: 0, examples: [] };
      this.#counts.set(what, entry);
    }
    entry.count++;
    if (example !== undefined && entry.examples.length < 3) entry.examples.push(example);
  }

  /** One line per kind: `3 × skipped YAML file (a.yaml, b.yaml, …)`. */
  lines(): string[] {
    return [...this.#counts].map(([what, { count, examples }]) => {
      const more = count > examples.length ? ', …' : '';
      return `${count} × ${what}${examples.length > 0 ? ` (${examples.join(', ')}${more})` : ''}`;
    });
  }
}
