/**
 * The API 3.0 reply bodies (PROTOCOL.md §7): `{"Response":{…fields,"RequestId"}}` and
 * `{"Response":{"Error":{"Code","Message"},"RequestId"}}`, always sent with HTTP 200.
 */

/** The success body: the handler's fields then RequestId. Throws TypeError for a non-object result. */
export function successBody(result: unknown, requestId: string): string {
  const id = JSON.stringify(requestId);
  if (result === undefined || result === null) return `{"Response":{"RequestId":${id}}}`;
  if (typeof result !== 'object' || Array.isArray(result)) {
    throw new TypeError(
      `an action returned ${Array.isArray(result) ? 'an array' : typeof result}, not an object`,
    );
  }
  let fields = result as Record<string, unknown>;
  if (Object.hasOwn(fields, 'RequestId')) {
    fields = { ...fields };
    delete fields.RequestId;
  }
  const json = JSON.stringify(fields);
  if (json.charCodeAt(0) !== 0x7b) throw new TypeError('an action result did not serialise to a JSON object');
  return json === '{}'
    ? `{"Response":{"RequestId":${id}}}`
    : `{"Response":${json.slice(0, -1)},"RequestId":${id}}}`;
}

export function errorBody(code: string, message: string, requestId: string): string {
  return JSON.stringify({ Response: { Error: { Code: code, Message: message }, RequestId: requestId } });
}
