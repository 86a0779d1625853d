/** A stored blob that is a byte range of a file on disk (an OCI blob, an archive member). */
export interface FileRange {
  path: string;
  start: number;
  /** inclusive; less than start for an empty blob */
  end: number;
}

/** Messages from the inflate worker. The parent answers each `data` with `{ type: 'ack' }`. */
export type WorkerToParent =
  | { type: 'start'; compression: string }
  | { type: 'data'; chunks: ArrayBuffer[]; stored: number }
  | {
      type: 'end';
      storedDigest: string;
      diffID: string;
      stored: number;
      tarBytes: number;
      compression: string;
      engine: string;
    }
  | { type: 'error'; kind: 'read' | 'corrupt'; message: string };
