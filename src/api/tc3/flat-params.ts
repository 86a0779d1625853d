/**
 * The SDKs' flattened parameter form (GET query, v1 form body): nested objects and arrays become
 * dotted keys, `Filters.0.Name=…`, `Filters.0.Values.0=…` (PROTOCOL.md §2, §5). Nulls and undefined
 * are skipped; empty arrays and objects vanish, as in the Node SDK's `mergeData`.
 */
export function flattenParams(params: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  flattenInto(out, params, prefix);
  return out;
}

function flattenInto(out: Record<string, string>, value: object, prefix: string): void {
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') flattenInto(out, v, `${prefix}${k}.`);
    else out[`${prefix}${k}`] = String(v);
  }
}
