import { z } from 'zod';
import type { Page } from '../../../store/store.js';
import { ApiError } from '../../api-error.js';

function hasControlCharacter(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 0x20) return true;
  return false;
}

/** `AssetFilters` of the SDK: Name, Values, ExactMatch (true = exact; default substring). */
export const assetFilter = z.strictObject({
  Name: z.string().min(1).max(64),
  // control characters have no place in a filter (and a NUL would end a C string inside the database)
  Values: z
    .array(
      z
        .string()
        .max(512)
        .refine((v) => !hasControlCharacter(v), 'no control characters'),
    )
    .max(1000),
  ExactMatch: z.boolean().optional(),
});
export type AssetFilter = z.infer<typeof assetFilter>;

/** Limit (1–100, default 10), Offset (≥ 0), By, Order (asc|desc, any case), Filters (at most 20). */
export const pagedList = {
  Limit: z.number().int().min(1).max(100).optional(),
  Offset: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  Filters: z.array(assetFilter).max(20).optional(),
  By: z.string().max(64).optional(),
  Order: z
    .string()
    .regex(/^(asc|desc)$/i)
    .optional(),
};

export const imageId = z.string().min(1).max(256);

/** The request of a list of one image's rows: ImageID, paging, and Order as asc|desc or `+`/`-`. */
export const imageListRequest = z.strictObject({
  ImageID: imageId,
  ...pagedList,
  Order: z
    .string()
    .regex(/^(asc|desc|\+|-)$/i)
    .optional(),
});

/** A filter of numeric codes (values may also be comma-separated lists), each one of `allowed`. */
export function codeFilter(f: AssetFilter, allowed: number[]): number[] {
  return f.Values.flatMap((v) => v.split(',')).map((v) => {
    const n = Number(v.trim());
    if (v.trim() === '' || !allowed.includes(n)) throw badValue(`Filters.${f.Name}`, v, allowed.map(String));
    return n;
  });
}

export function page(
  req: { Limit?: number; Offset?: number; By?: string; Order?: string },
  by?: string,
): Page {
  return {
    limit: req.Limit ?? 10,
    offset: req.Offset ?? 0,
    by: req.By || by,
    order:
      req.Order === '+'
        ? 'asc'
        : req.Order === '-'
          ? 'desc'
          : req.Order
            ? (req.Order.toLowerCase() as 'asc' | 'desc')
            : undefined,
  };
}

export function badFilter(name: string, allowed: string[]): ApiError {
  return new ApiError('InvalidParameterValue', {
    en: `Filters: unknown filter name "${name}" (allowed: ${allowed.join(', ')})`,
    zh: `Filters: 不支持的过滤条件 "${name}"(可用: ${allowed.join(', ')})`,
  });
}

export function badValue(param: string, value: string, allowed: string[]): ApiError {
  return new ApiError('InvalidParameterValue', {
    en: `${param}: unsupported value "${value}" (allowed: ${allowed.join(', ')})`,
    zh: `${param}: 不支持的取值 "${value}"(可用: ${allowed.join(', ')})`,
  });
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError('ResourceNotFound', {
    en: `${what} ${id} does not exist in this account`,
    zh: `${what} ${id} 不存在`,
  });
}

/** A text filter for the store: values with the filter's ExactMatch. */
export const textFilter = (f: AssetFilter) => ({ values: f.Values, exact: f.ExactMatch === true });

/** Checks `By` against the fields a list can be sorted by. */
export function checkSort(by: string | undefined, allowed: readonly string[]): void {
  if (by && !allowed.includes(by)) throw badValue('By', by, [...allowed]);
}
