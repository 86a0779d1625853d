/**
 * Input that cannot be scanned: a malformed image, a hostile layer, a bad reference or flag.
 * The CLI prints `message` on one line and exits 2; `subject` names the file or reference at fault.
 */
export class BadInputError extends Error {
  override name = 'BadInputError';
  constructor(
    readonly subject: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${subject}: ${message}`, options);
  }
}

/** Scan aborted by the caller's signal. */
export class AbortError extends Error {
  override name = 'AbortError';
  constructor(message = 'scan aborted') {
    super(message);
  }
}
