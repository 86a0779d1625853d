/** One affected range of one package in one ecosystem, in the ecosystem's own version order. */
export interface AffectedRange {
  /** OSV ecosystem string: `Debian:12`, `Alpine:v3.19`, `AlmaLinux:9`, `Rocky Linux:9`, `npm`, `PyPI`… */
  ecosystem: string;
  /** package name as the ecosystem names it (Debian: the SOURCE package; RPM: the binary or source rpm name as the feed says) */
  package: string;
  /**
   * Version events in the OSV sense (https://ossf.github.io/osv-schema/#affectedrangesevents-fields):
   * `introduced` ('0' = from the beginning), `fixed`, `last_affected`; a version is affected when it
   * falls in [introduced, fixed) or [introduced, last_affected] of some pair.
   */
  events: { introduced?: string; fixed?: string; last_affected?: string }[];
  /** an OSV `SEMVER` range: its events are ordered by semver whatever the ecosystem's own order */
  semver?: true;
  /** explicitly listed affected versions (OSV `versions`), matched exactly */
  versions?: string[];
  /** true when the feed says the package is affected and no fix exists (Debian `<unfixed>`/open) */
  unfixed?: boolean;
}

/** Severity as a feed states it. */
export interface Severity {
  /** vendor words normalised to low | medium | high | critical, when the vendor gives one */
  vendor?: 'low' | 'medium' | 'high' | 'critical';
  /** CVSS v3 vector (`CVSS:3.1/AV:N/…`) and its base score, when known */
  cvss3Vector?: string;
  cvss3Score?: number;
}

/** One advisory, as imported from a feed (OSV, Debian Security Tracker, Alpine secdb). */
export interface Advisory {
  id: string;
  aliases: string[];
  summary: string;
  details: string;
  severity: Severity;
  affected: AffectedRange[];
  references: string[];
  published?: string;
  modified?: string;
  /** feed name the record came from: `osv`, `debian-tracker`, `alpine-secdb` */
  source: string;
}
