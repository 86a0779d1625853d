/** Thrown by the rpm database readers for content they cannot read; the message says what and where. */
export class RpmdbError extends Error {
  override name = 'RpmdbError';
}
