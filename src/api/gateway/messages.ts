import { ApiError } from '../api-error.js';

/**
 * The gateway's own error messages, en-US and zh-CN (PROTOCOL.md §9 codes). Arguments are parameter
 * names, header names or limits — never a credential, signature or parameter value.
 */

export type Language = 'zh-CN' | 'en-US';
type Text = { en: string; zh: string };

const CATALOGUE = {
  'AuthFailure.InvalidAuthorization': (why: string): Text => ({
    en: `The Authorization header is malformed: ${why}.`,
    zh: `Authorization 请求头格式不正确：${why}。`,
  }),
  'AuthFailure.InvalidSecretId': (): Text => ({
    en: 'The SecretId is not a valid API key ID.',
    zh: 'SecretId 不是有效的云 API 密钥 ID。',
  }),
  'AuthFailure.SecretIdNotFound': (): Text => ({
    en: 'The SecretId does not exist or has been disabled.',
    zh: 'SecretId 不存在或已被禁用。',
  }),
  'AuthFailure.SignatureExpire': (): Text => ({
    en: 'The request timestamp is more than 5 minutes away from server time; check the client clock.',
    zh: '请求时间戳与服务器时间相差超过 5 分钟，请检查客户端时间。',
  }),
  'AuthFailure.SignatureFailure': (why: Text): Text => ({
    en: `The signature could not be verified: ${why.en}.`,
    zh: `签名校验失败：${why.zh}。`,
  }),
  'AuthFailure.TokenFailure': (why: Text): Text => ({
    en: `The temporary-credential token is ${why.en}.`,
    zh: `临时凭证 Token ${why.zh}。`,
  }),
  InternalError: (): Text => ({
    en: 'An internal error occurred; retry later or report the RequestId.',
    zh: '内部错误，请稍后重试或提供 RequestId 反馈。',
  }),
  InvalidAction: (action: string): Text => ({
    en: `The action \`${action}\` does not exist for tcss 2020-11-01.`,
    zh: `接口 \`${action}\` 不存在于 tcss 2020-11-01。`,
  }),
  InvalidParameter: (name: string, why: Text): Text => ({
    en: `The parameter \`${name}\` is malformed: ${why.en}.`,
    zh: `参数 \`${name}\` 格式错误：${why.zh}。`,
  }),
  InvalidParameterValue: (name: string, why: Text): Text => ({
    en: `The value of parameter \`${name}\` is not acceptable: ${why.en}.`,
    zh: `参数 \`${name}\` 取值错误：${why.zh}。`,
  }),
  MissingParameter: (name: string): Text => ({
    en: `The request is missing the required parameter \`${name}\`.`,
    zh: `缺少必需参数 \`${name}\`。`,
  }),
  NoSuchVersion: (version: string): Text => ({
    en: `The API version \`${version}\` does not exist; tcss speaks 2020-11-01.`,
    zh: `接口版本 \`${version}\` 不存在，tcss 的版本为 2020-11-01。`,
  }),
  RequestLimitExceeded: (limit: number): Text => ({
    en: `Request rate above ${limit} per second for this action; retry later.`,
    zh: `该接口请求频率超过 ${limit} 次/秒，请稍后重试。`,
  }),
  RequestSizeLimitExceeded: (limit: string): Text => ({
    en: `The request is larger than ${limit}.`,
    zh: `请求包大小超过 ${limit} 上限。`,
  }),
  UnknownParameter: (name: string): Text => ({
    en: `The parameter \`${name}\` is not defined for this action.`,
    zh: `参数 \`${name}\` 未定义。`,
  }),
  UnsupportedProtocol: (method: string): Text => ({
    en: `The HTTP method ${method} is not supported; use GET or POST.`,
    zh: `不支持 HTTP 方法 ${method}，请使用 GET 或 POST。`,
  }),
  UnsupportedRegion: (): Text => ({
    en: 'The region is not a valid region name.',
    zh: '地域参数不是有效的地域名称。',
  }),
} as const;

type Catalogue = typeof CATALOGUE;
export type GatewayCode = keyof Catalogue;

/** An ApiError with the catalogue's messages for `code`. */
export function gatewayError<C extends GatewayCode>(code: C, ...args: Parameters<Catalogue[C]>): ApiError {
  const make = CATALOGUE[code] as (...a: unknown[]) => Text;
  return new ApiError(code, make(...args));
}

/** `zh-CN` / `en-US` in any case; anything else → undefined. */
export function parseLanguage(value: string | undefined): Language | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  return v === 'zh-cn' ? 'zh-CN' : v === 'en-us' ? 'en-US' : undefined;
}

/** The reasons the parameter mapper gives (zod issue → text in both languages). */
export const reasons = {
  expected(type: string): Text {
    const zh: Record<string, string> = {
      string: '字符串',
      number: '数字',
      int: '整数',
      boolean: '布尔值',
      array: '数组',
      object: '对象',
      bigint: '整数',
    };
    const en = type === 'int' ? 'an integer' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
    return { en: `expected ${en}`, zh: `应为${zh[type] ?? type}` };
  },
  json: { en: 'the body is not a JSON object', zh: '请求体不是 JSON 对象' },
  contentType: (ct: string): Text => ({
    en: `Content-Type ${ct} is not supported here; send application/json`,
    zh: `不支持 Content-Type ${ct}，请使用 application/json`,
  }),
  flatConflict: { en: 'given more than once or with conflicting nesting', zh: '重复或嵌套冲突' },
  flatKey: { en: 'not a valid flattened parameter name', zh: '不是有效的参数名' },
  timestamp: { en: 'expected Unix time in seconds', zh: '应为 Unix 秒级时间戳' },
  union: { en: 'does not match any accepted form', zh: '不符合任何可接受的格式' },
  format: (format: string): Text => ({ en: `invalid ${format} format`, zh: `${format} 格式不正确` }),
  oneOf: (values: readonly unknown[]): Text => {
    const list = values.map((v) => JSON.stringify(v)).join(', ');
    return { en: `must be one of ${list}`, zh: `取值必须为 ${list} 之一` };
  },
  multipleOf: (d: unknown): Text => ({ en: `must be a multiple of ${d}`, zh: `必须是 ${d} 的倍数` }),
  bound(kind: 'max' | 'min', origin: string, limit: unknown, inclusive: boolean): Text {
    const n = String(limit);
    if (origin === 'string') {
      return kind === 'max'
        ? { en: `at most ${n} characters`, zh: `长度不能超过 ${n} 个字符` }
        : { en: `at least ${n} characters`, zh: `长度不能少于 ${n} 个字符` };
    }
    if (origin === 'array' || origin === 'set') {
      return kind === 'max'
        ? { en: `at most ${n} items`, zh: `最多 ${n} 项` }
        : { en: `at least ${n} items`, zh: `至少 ${n} 项` };
    }
    const op = kind === 'max' ? (inclusive ? '<=' : '<') : inclusive ? '>=' : '>';
    return { en: `must be ${op} ${n}`, zh: `必须 ${op} ${n}` };
  },
  custom: (message: string): Text => ({ en: message, zh: message }),
  missingHeader: { en: 'the header is missing', zh: '缺少该请求头' },
  signatureMismatch: {
    en: 'it does not match the request; check the SecretKey and the signing steps',
    zh: '签名与请求不符，请检查 SecretKey 与签名步骤',
  },
  scopeDate: {
    en: 'the credential scope date is not the UTC date of the timestamp',
    zh: '凭证范围中的日期与时间戳的 UTC 日期不一致',
  },
  scopeService: (service: string): Text => ({
    en: `the credential scope service \`${service}\` is neither tcss nor the first label of Host`,
    zh: `凭证范围中的服务名 \`${service}\` 既不是 tcss 也不是 Host 的第一段`,
  }),
  signatureMethod: {
    en: 'SignatureMethod must be HmacSHA1 or HmacSHA256',
    zh: 'SignatureMethod 只能是 HmacSHA1 或 HmacSHA256',
  },
  tokenMissing: { en: 'missing', zh: '缺失' },
  tokenInvalid: { en: 'not the one issued with this SecretId', zh: '与该 SecretId 签发的 Token 不符' },
  tokenExpired: { en: 'expired', zh: '已过期' },
  tokenUnexpected: { en: 'given for a key that is not temporary', zh: '用于非临时密钥' },
};
