import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiError } from '../api-error.js';
import { compileFlatCoercion, issueToApiError, parseJsonParams, unflatten } from './params.js';

function fromFlat(schema: z.ZodType, pairs: Record<string, string> | [string, string][]): unknown {
  const list = Array.isArray(pairs) ? pairs : Object.entries(pairs);
  return compileFlatCoercion(schema)(unflatten(list));
}

function errorOf(schema: z.ZodType, input: unknown): ApiError {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('valid');
  return issueToApiError(r.error.issues, input);
}

const caught = (f: () => unknown): ApiError => {
  try {
    f();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('no error');
};

describe('unflatten', () => {
  it('builds the tree', () => {
    const tree = unflatten([
      ['Filters.0.Name', 'a'],
      ['Filters.0.Values.0', 'x'],
      ['Limit', '1'],
    ]);
    expect(JSON.parse(JSON.stringify(tree))).toEqual({
      Filters: { 0: { Name: 'a', Values: { 0: 'x' } } },
      Limit: '1',
    });
  });

  it.each([
    [
      'a key twice',
      [
        ['A', '1'],
        ['A', '2'],
      ],
    ],
    [
      'leaf then branch',
      [
        ['A', '1'],
        ['A.0', '2'],
      ],
    ],
    [
      'branch then leaf',
      [
        ['A.0', '1'],
        ['A', '2'],
      ],
    ],
    ['empty segment', [['A..B', '1']]],
    ['trailing dot', [['A.', '1']]],
  ] as [string, [string, string][]][])('%s → InvalidParameter', (_name, pairs) => {
    expect(caught(() => unflatten(pairs)).code).toBe('InvalidParameter');
  });
});

describe('compileFlatCoercion', () => {
  const filter = z.strictObject({
    Name: z.string(),
    Values: z.array(z.string()),
    ExactMatch: z.boolean().optional(),
  });
  const schema = z.strictObject({
    Limit: z.number().int().optional(),
    Ratio: z.number().optional(),
    Big: z.bigint().optional(),
    Filters: z.array(filter).optional(),
    Name: z.string().optional(),
    Mode: z.literal([1, 2]).optional(),
    Kind: z.enum(['a', 'b']).optional(),
    Either: z.union([z.number(), z.boolean()]).optional(),
    Tags: z.record(z.string(), z.number()).optional(),
    Pair: z.tuple([z.string(), z.number()]).optional(),
    Lazy: z.lazy(() => z.array(z.number())).optional(),
    Piped: z
      .string()
      .pipe(z.transform((s) => s.length))
      .optional(),
    Defaulted: z.number().default(3),
  });

  it('rebuilds arrays and coerces what the schema asks for', () => {
    const value = fromFlat(schema, {
      Limit: '10',
      Ratio: '-1.5e2',
      Big: '123456789012345678901',
      'Filters.1.Name': 'b',
      'Filters.1.Values.0': 'y',
      'Filters.0.Name': 'a',
      'Filters.0.Values.1': 'x2',
      'Filters.0.Values.0': 'x1',
      'Filters.0.ExactMatch': 'TRUE',
      Name: '42',
      Mode: '2',
      Kind: 'a',
      Either: 'false',
      'Tags.k': '5',
      'Pair.0': '7',
      'Pair.1': '8',
      'Lazy.0': '9',
      Piped: 'abc',
    });
    expect(value).toEqual({
      Limit: 10,
      Ratio: -150,
      Big: 123456789012345678901n,
      Filters: [
        { Name: 'a', Values: ['x1', 'x2'], ExactMatch: true },
        { Name: 'b', Values: ['y'] },
      ],
      Name: '42',
      Mode: 2,
      Kind: 'a',
      Either: false,
      Tags: { k: 5 },
      Pair: ['7', 8],
      Lazy: [9],
      Piped: 'abc',
    });
    expect(schema.parse(value)).toMatchObject({ Limit: 10, Piped: 3, Defaulted: 3 });
  });

  it('leaves what does not fit for the schema to report', () => {
    const value = fromFlat(schema, {
      Limit: '',
      Ratio: 'NaN',
      'Filters.1.Name': 'gap',
      'Filters.0.ExactMatch': 'yes',
    });
    expect(value).toMatchObject({ Limit: '', Ratio: 'NaN', Filters: { 1: { Name: 'gap' } } });
    expect(errorOf(schema, value).code).toBe('InvalidParameter');
  });

  it('handles recursive schemas', () => {
    interface Node {
      Id: number;
      Children?: Node[];
    }
    const node: z.ZodType<Node> = z.strictObject({
      Id: z.number(),
      get Children() {
        return z.array(node).optional();
      },
    });
    expect(fromFlat(node, { Id: '1', 'Children.0.Id': '2', 'Children.0.Children.0.Id': '3' })).toEqual({
      Id: 1,
      Children: [{ Id: 2, Children: [{ Id: 3 }] }],
    });
  });

  it('keeps __proto__ an own key the strict schema rejects', () => {
    const value = fromFlat(z.strictObject({ A: z.string().optional() }), { '__proto__.polluted': 'yes' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(errorOf(z.strictObject({ A: z.string().optional() }), value).code).toBe('UnknownParameter');
  });

  it('does not allocate for a huge index', () => {
    const value = fromFlat(z.strictObject({ A: z.array(z.string()) }), { 'A.999999999': 'x' });
    expect(value).toEqual({ A: { 999999999: 'x' } });
  });
});

describe('issueToApiError', () => {
  const schema = z.strictObject({
    ImageID: z.string().min(1).max(8),
    Limit: z.number().int().min(1).max(100).optional(),
    Order: z.enum(['asc', 'desc']).optional(),
    Digest: z
      .string()
      .regex(/^sha256:/)
      .optional(),
    Step: z.number().multipleOf(5).optional(),
    Even: z
      .number()
      .refine((n) => n % 2 === 0, 'must be even')
      .optional(),
    Filters: z.array(z.strictObject({ Name: z.string(), Values: z.array(z.string()).max(2) })).optional(),
  });

  it.each([
    [{}, 'MissingParameter', '`ImageID`'],
    [{ ImageID: 1 }, 'InvalidParameter', '`ImageID`'],
    [{ ImageID: null }, 'InvalidParameter', '`ImageID`'],
    [{ ImageID: '' }, 'InvalidParameterValue', '`ImageID`'],
    [{ ImageID: 'x'.repeat(9) }, 'InvalidParameterValue', 'at most 8 characters'],
    [{ ImageID: 'x', Limit: 0 }, 'InvalidParameterValue', '>= 1'],
    [{ ImageID: 'x', Limit: 1.5 }, 'InvalidParameter', 'an integer'],
    [{ ImageID: 'x', Order: 'up' }, 'InvalidParameterValue', '"asc", "desc"'],
    [{ ImageID: 'x', Digest: 'md5:1' }, 'InvalidParameterValue', '`Digest`'],
    [{ ImageID: 'x', Step: 7 }, 'InvalidParameterValue', 'multiple of 5'],
    [{ ImageID: 'x', Even: 3 }, 'InvalidParameterValue', 'must be even'],
    [{ ImageID: 'x', Extra: 1 }, 'UnknownParameter', '`Extra`'],
    [{ ImageId: 'x' }, 'UnknownParameter', '`ImageId`'],
    [{ ImageID: 'x', Filters: [{ Name: 'n' }] }, 'MissingParameter', '`Filters.0.Values`'],
    [
      { ImageID: 'x', Filters: [{ Name: 'n', Values: ['a', 'b', 'c'] }] },
      'InvalidParameterValue',
      '`Filters.0.Values`',
    ],
    [{ ImageID: 'x', Filters: [{ Name: 'n', Values: [], X: 1 }] }, 'UnknownParameter', '`Filters.0.X`'],
    [{ ImageID: 'x', Filters: {} }, 'InvalidParameter', 'expected an array'],
  ])('%j → %s', (input, code, text) => {
    const e = errorOf(schema, input);
    expect(e.code).toBe(code);
    expect(e.messageFor('en-US')).toContain(text);
    expect(e.messageFor('zh-CN')).not.toBe(e.messageFor('en-US'));
  });
});

describe('parseJsonParams', () => {
  it('accepts an object and an empty body', () => {
    expect(parseJsonParams(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(parseJsonParams(Buffer.alloc(0))).toEqual({});
  });

  it.each(['{', '[]', '1', '"s"', 'null', '\u0000'])('%j → InvalidParameter', (text) => {
    expect(caught(() => parseJsonParams(Buffer.from(text))).code).toBe('InvalidParameter');
  });
});
