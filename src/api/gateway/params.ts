import type { z } from 'zod';
import type { ApiError } from '../api-error.js';
import { gatewayError, reasons } from './messages.js';

/**
 * Request parameters: the flattened form (GET query, v1 form) rebuilt into the nested object the
 * action's schema expects, with the strings coerced where the schema asks for numbers and booleans;
 * the JSON body of TC3 POST; and zod issues mapped to TencentCloud codes (PROTOCOL.md §9).
 */

/** A flattened parameter tree before coercion: leaves are the strings sent. */
export type FlatNode = string | FlatTree;
export interface FlatTree {
  [key: string]: FlatNode;
}

const INDEX = /^(?:0|[1-9][0-9]{0,8})$/;
const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INTEGER = /^[+-]?[0-9]+$/;

/**
 * Builds the tree from `Filters.0.Name=…` pairs. A key given twice, or both as a leaf and a branch,
 * or with an empty segment, throws InvalidParameter naming it.
 */
export function unflatten(pairs: Iterable<readonly [string, string]>): FlatTree {
  const root: FlatTree = Object.create(null);
  for (const [key, value] of pairs) {
    let node = root;
    let start = 0;
    for (;;) {
      const dot = key.indexOf('.', start);
      const seg = dot < 0 ? key.slice(start) : key.slice(start, dot);
      if (seg === '') throw gatewayError('InvalidParameter', key, reasons.flatKey);
      if (dot < 0) {
        if (seg in node) throw gatewayError('InvalidParameter', key, reasons.flatConflict);
        node[seg] = value;
        break;
      }
      let child = node[seg];
      if (child === undefined) {
        child = Object.create(null) as FlatTree;
        node[seg] = child;
      } else if (typeof child === 'string') {
        throw gatewayError('InvalidParameter', key, reasons.flatConflict);
      }
      node = child;
      start = dot + 1;
    }
  }
  return root;
}

type Convert = (node: FlatNode) => unknown;

interface Def {
  type: string;
  [k: string]: unknown;
}
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/**
 * Compiles, once per schema, the function that turns a flattened tree into the value the schema
 * validates: objects by their shape, arrays from keys `0…n-1`, strings to numbers / booleans /
 * bigints / numeric literals where the schema wants them. What does not fit is passed through
 * unchanged so the schema reports it (e.g. an array with a gap stays an object → InvalidParameter).
 */
export function compileFlatCoercion(schema: z.ZodType): (tree: FlatTree) => unknown {
  return compile(schema, new Map());
}

function compile(schema: unknown, memo: Map<unknown, Convert>): Convert {
  const known = memo.get(schema);
  if (known) return known;
  // placeholder for recursive schemas (z.lazy, getters): resolved once compiled
  let impl: Convert | undefined;
  const ref: Convert = (node) => (impl as Convert)(node);
  memo.set(schema, ref);
  impl = build(defOf(schema), memo);
  memo.set(schema, impl);
  return impl;
}

function build(def: Def, memo: Map<unknown, Convert>): Convert {
  switch (def.type) {
    case 'string':
    case 'template_literal':
      return passLeaf;
    case 'number':
      return (node) => (typeof node === 'string' && NUMBER.test(node) ? Number(node) : generic(node));
    case 'bigint':
      return (node) => (typeof node === 'string' && INTEGER.test(node) ? BigInt(node) : generic(node));
    case 'boolean':
      return (node) => {
        if (typeof node !== 'string') return generic(node);
        const v = node.toLowerCase();
        return v === 'true' ? true : v === 'false' ? false : node;
      };
    case 'literal':
      return literalOf(def.values as readonly unknown[]);
    case 'enum':
      return literalOf(Object.values(def.entries as Record<string, unknown>));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
    case 'success':
      return compile(def.innerType, memo);
    case 'pipe':
      return compile(def.in, memo);
    case 'lazy': {
      let inner: Convert | undefined;
      return (node) => {
        inner ??= compile((def.getter as () => unknown)(), memo);
        return inner(node);
      };
    }
    case 'array': {
      const element = compile(def.element, memo);
      return (node) => (typeof node === 'string' ? node : (toArray(node, () => element) ?? generic(node)));
    }
    case 'tuple': {
      const items = (def.items as unknown[]).map((s) => compile(s, memo));
      const rest = def.rest ? compile(def.rest, memo) : generic;
      return (node) =>
        typeof node === 'string' ? node : (toArray(node, (i) => items[i] ?? rest) ?? generic(node));
    }
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      const fields = new Map<string, Convert>();
      for (const key of Object.keys(shape)) fields.set(key, compile(shape[key], memo));
      const rest =
        def.catchall && defOf(def.catchall).type !== 'never' ? compile(def.catchall, memo) : generic;
      return (node) => {
        if (typeof node === 'string') return node;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(node))
          setOwn(out, key, (fields.get(key) ?? rest)(node[key] as FlatNode));
        return out;
      };
    }
    case 'record': {
      const value = compile(def.valueType, memo);
      return (node) => {
        if (typeof node === 'string') return node;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(node)) setOwn(out, key, value(node[key] as FlatNode));
        return out;
      };
    }
    case 'union': {
      const options = (def.options as z.ZodType[]).map((s) => [s, compile(s, memo)] as const);
      return (node) => {
        let first: unknown;
        for (const [i, [option, convert]] of options.entries()) {
          const value = convert(node);
          if (option.safeParse(value).success) return value;
          if (i === 0) first = value;
        }
        return options.length > 0 ? first : generic(node);
      };
    }
    default:
      return generic;
  }
}

const passLeaf: Convert = (node) => (typeof node === 'string' ? node : generic(node));

function literalOf(values: readonly unknown[]): Convert {
  const byText = new Map<string, unknown>();
  for (const v of values) if (typeof v !== 'string') byText.set(String(v), v);
  if (byText.size === 0) return passLeaf;
  return (node) => (typeof node === 'string' ? (byText.has(node) ? byText.get(node) : node) : generic(node));
}

/** Schema-less rebuild: keys `0…n-1` make an array, other branches objects, leaves stay strings. */
function generic(node: FlatNode): unknown {
  if (typeof node === 'string') return node;
  const asArray = toArray(node, () => generic);
  if (asArray) return asArray;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node)) setOwn(out, key, generic(node[key] as FlatNode));
  return out;
}

/** The branch as an array when its keys are exactly `0…n-1` (any order), else undefined. */
function toArray(node: FlatTree, convertAt: (i: number) => Convert): unknown[] | undefined {
  const keys = Object.keys(node);
  const out = new Array<unknown>(keys.length);
  for (const key of keys) {
    if (!INDEX.test(key)) return undefined;
    const i = Number(key);
    if (i >= keys.length) return undefined;
    out[i] = convertAt(i)(node[key] as FlatNode);
  }
  return out;
}

/** Own property even for `__proto__`, so the strict schema reports it instead of it reshaping the object. */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/**
 * The TC3 POST body: a JSON object (an empty body counts as `{}`). Not UTF-8 JSON, or JSON that is
 * not an object → InvalidParameter.
 */
export function parseJsonParams(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw gatewayError('InvalidParameter', '(body)', reasons.json);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw gatewayError('InvalidParameter', '(body)', reasons.json);
  }
  return value as Record<string, unknown>;
}

type Issue = z.core.$ZodIssue;

/**
 * The first zod issue as an ApiError (an unrecognized key first, since a misspelt name also makes the
 * real one missing): value absent → MissingParameter; wrong type or shape → InvalidParameter; bounds,
 * enum, format, refinements → InvalidParameterValue; undeclared key → UnknownParameter. The message
 * names the parameter path (`Filters.0.Values`).
 */
export function issueToApiError(issues: readonly Issue[], input: unknown): ApiError {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue === undefined) return gatewayError('InvalidParameter', '(request)', reasons.union);
  const path = issue.path.map(String).join('.');
  const name = path || '(request)';
  switch (issue.code) {
    case 'unrecognized_keys':
      return gatewayError('UnknownParameter', path ? `${path}.${issue.keys[0]}` : String(issue.keys[0]));
    case 'invalid_type':
      if (isAbsent(input, issue.path)) return gatewayError('MissingParameter', name);
      return gatewayError('InvalidParameter', name, reasons.expected(issue.expected));
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      if (isAbsent(input, issue.path)) return gatewayError('MissingParameter', name);
      return gatewayError('InvalidParameter', name, reasons.union);
    case 'too_big':
      return gatewayError(
        'InvalidParameterValue',
        name,
        reasons.bound('max', issue.origin, issue.maximum, issue.inclusive !== false),
      );
    case 'too_small':
      return gatewayError(
        'InvalidParameterValue',
        name,
        reasons.bound('min', issue.origin, issue.minimum, issue.inclusive !== false),
      );
    case 'invalid_value':
      if (isAbsent(input, issue.path)) return gatewayError('MissingParameter', name);
      return gatewayError('InvalidParameterValue', name, reasons.oneOf(issue.values));
    case 'invalid_format':
      return gatewayError('InvalidParameterValue', name, reasons.format(issue.format));
    case 'not_multiple_of':
      return gatewayError('InvalidParameterValue', name, reasons.multipleOf(issue.divisor));
    default:
      if (isAbsent(input, issue.path)) return gatewayError('MissingParameter', name);
      return gatewayError('InvalidParameterValue', name, reasons.custom(issue.message));
  }
}

/** True when the value at `path` is not there (its parent exists but lacks the key). */
function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return input === undefined;
  let node = input;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, seg)) return true;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  return node === undefined;
}
