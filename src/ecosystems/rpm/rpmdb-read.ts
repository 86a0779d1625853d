/** What a database reader got out of one file: header blobs in database order, and what it could not read. */
export interface RpmdbRead {
  blobs: Uint8Array[];
  /** each a precise reason (what, where); reading goes on past a bad record when it can */
  problems: string[];
}
