import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Account } from '../../store/store.js';

/** One API key pair and the account it acts for. */
export interface Credential {
  secretId: string;
  secretKey: string;
  account: Account;
  /** a disabled key answers AuthFailure.SecretIdNotFound */
  disabled?: boolean;
  /** set for a temporary credential: requests must carry it as X-TC-Token / Token */
  token?: string;
  /** ms since the epoch; past it a temporary key fails with TokenFailure, a permanent one with SecretIdNotFound */
  expiresAt?: number;
}

/** Looks up a key by SecretId; cheap and synchronous (called once per request). */
export interface CredentialSource {
  find(secretId: string): Credential | undefined;
}

/** What an API SecretId looks like; anything else answers AuthFailure.InvalidSecretId. */
export const SECRET_ID_PATTERN = /^AKID[0-9A-Za-z_-]{4,124}$/;
export const MIN_SECRET_KEY_LENGTH = 16;

/** A bad credentials file or environment: the message names the file/variable and field, never a secret. */
export class CredentialConfigError extends Error {
  override name = 'CredentialConfigError';
}

/** A fixed set of credentials; throws CredentialConfigError on a repeated SecretId. */
export function staticCredentials(list: Iterable<Credential>): CredentialSource & { readonly size: number } {
  const byId = new Map<string, Credential>();
  for (const c of list) {
    if (byId.has(c.secretId)) throw new CredentialConfigError(`SecretId ${c.secretId} is defined twice`);
    byId.set(c.secretId, c);
  }
  return {
    find: (secretId) => byId.get(secretId),
    get size() {
      return byId.size;
    },
  };
}

const uin = z.string().regex(/^[0-9]{1,20}$/, 'must be a decimal account id');
const appId = z.number().int().positive();

const limit = z.number().int().min(0);

/**
 * The service config file: credentials per account, and optionally listen address, time zone, rate
 * limits and the store's PostgreSQL URL (`database`, postgres://…; else HULLSCAN_DATABASE_URL, else SQLite).
 */
const fileSchema = z.strictObject({
  listen: z.string().max(300).optional(),
  database: z
    .string()
    .max(4096)
    .regex(/^postgres(ql)?:\/\//i, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  timeZone: z.string().max(100).optional(),
  /** scan workers in the serve process (default 2; 0: an API node that only queues) */
  workers: z.number().int().min(0).max(64).optional(),
  /** directories AddAssetImage may register images from (default DIR/images) */
  imageRoots: z.array(z.string().min(1).max(4096)).max(100).optional(),
  /**
   * addresses registries may be reached at beyond public ones: CIDRs (`10.0.0.0/8`, `127.0.0.1/32`) or
   * host names; loopback, private, link-local and metadata addresses are refused unless listed here
   */
  registryAllow: z.array(z.string().min(1).max(300)).max(1000).optional(),
  /** a host whose agent has not reported for this long is offline (default 3 report intervals) */
  hostOfflineSeconds: z.number().int().min(1).max(86_400).optional(),
  /** the job system's clocks (src/tasks/timing.ts), checked when the task system starts */
  tasks: z.record(z.string(), z.number()).optional(),
  rateLimits: z
    .strictObject({ default: limit.optional(), perAction: z.record(z.string(), limit).optional() })
    .optional(),
  accounts: z.array(
    z.strictObject({
      appId,
      uin,
      credentials: z
        .array(
          z.strictObject({
            secretId: z.string().regex(SECRET_ID_PATTERN, 'must look like AKID…'),
            secretKey: z.string().min(MIN_SECRET_KEY_LENGTH).max(256),
            disabled: z.boolean().optional(),
            token: z.string().min(1).max(4096).optional(),
            expiresAt: z.iso.datetime({ offset: true }).optional(),
          }),
        )
        .min(1),
    }),
  ),
});

/**
 * Credentials from a JSON file (`{"accounts":[{"appId","uin","credentials":[{"secretId","secretKey",
 * "disabled"?,"token"?,"expiresAt"?}]}]}`) and/or the environment (HULLSCAN_SECRET_ID +
 * HULLSCAN_SECRET_KEY for the local account: appId HULLSCAN_APP_ID or 1, uin HULLSCAN_UIN or "1").
 * Throws CredentialConfigError when either is invalid, a SecretId repeats, a uin has two appIds, or
 * nothing is configured.
 */
export function loadCredentials(opts: { file?: string; env: NodeJS.ProcessEnv }): CredentialSource & {
  readonly size: number;
} {
  const list: Credential[] = [];
  const accounts = new Map<string, { appId: number; from: string }>();
  const addAccount = (account: Account, from: string): Account => {
    const seen = accounts.get(account.uin);
    if (seen && seen.appId !== account.appId) {
      throw new CredentialConfigError(
        `${from}: uin ${account.uin} has appId ${account.appId} but ${seen.from} gives it appId ${seen.appId}`,
      );
    }
    if (!seen) accounts.set(account.uin, { appId: account.appId, from });
    return account;
  };

  if (opts.file !== undefined) {
    const file = opts.file;
    for (const [i, a] of readCredentialsFile(file).accounts.entries()) {
      const account = addAccount({ appId: a.appId, uin: a.uin }, `${file}: accounts.${i}`);
      for (const c of a.credentials) {
        list.push({
          secretId: c.secretId,
          secretKey: c.secretKey,
          account,
          ...(c.disabled !== undefined && { disabled: c.disabled }),
          ...(c.token !== undefined && { token: c.token }),
          ...(c.expiresAt !== undefined && { expiresAt: Date.parse(c.expiresAt) }),
        });
      }
    }
  }

  const { HULLSCAN_SECRET_ID: id, HULLSCAN_SECRET_KEY: key } = opts.env;
  if (id !== undefined || key !== undefined) {
    if (!id || !key) {
      throw new CredentialConfigError('HULLSCAN_SECRET_ID and HULLSCAN_SECRET_KEY must be set together');
    }
    if (!SECRET_ID_PATTERN.test(id))
      throw new CredentialConfigError('HULLSCAN_SECRET_ID: must look like AKID…');
    if (key.length < MIN_SECRET_KEY_LENGTH) {
      throw new CredentialConfigError(
        `HULLSCAN_SECRET_KEY: must be at least ${MIN_SECRET_KEY_LENGTH} characters`,
      );
    }
    const envAppId = opts.env.HULLSCAN_APP_ID ?? '1';
    const envUin = opts.env.HULLSCAN_UIN ?? '1';
    if (!/^[1-9][0-9]{0,15}$/.test(envAppId)) {
      throw new CredentialConfigError('HULLSCAN_APP_ID: must be a positive integer');
    }
    if (!uin.safeParse(envUin).success)
      throw new CredentialConfigError('HULLSCAN_UIN: must be a decimal account id');
    const account = addAccount({ appId: Number(envAppId), uin: envUin }, 'HULLSCAN_UIN');
    list.push({ secretId: id, secretKey: key, account });
  }

  if (list.length === 0) {
    throw new CredentialConfigError(
      'no API credentials: set HULLSCAN_SECRET_ID and HULLSCAN_SECRET_KEY or give a credentials file',
    );
  }
  try {
    return staticCredentials(list);
  } catch (e) {
    throw new CredentialConfigError(`${opts.file ?? 'environment'}: ${(e as Error).message}`);
  }
}

export type ServiceConfig = z.infer<typeof fileSchema>;

/** Reads and validates the service config file; CredentialConfigError names the file and the field. */
export function readCredentialsFile(file: string): ServiceConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CredentialConfigError(
      `credentials file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error, which may be a secret: keep only the position.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new CredentialConfigError(
      `credentials file ${file}: not valid JSON${at ? ` (at offset ${at})` : ''}`,
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    // a misspelt field also makes the real one missing: name the misspelling
    const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0];
    const field = issue
      ? [...issue.path, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]] : [])].join('.')
      : '';
    const why = issue?.code === 'unrecognized_keys' ? 'unknown field' : issue?.message;
    throw new CredentialConfigError(`credentials file ${file}: ${field || '(top level)'}: ${why}`);
  }
  return parsed.data;
}
