import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Account } from '../store/store.js';

/** The account `hullscan scan` stores under and a generated credential belongs to: HULLSCAN_APP_ID/HULLSCAN_UIN, else 1/"1". */
export function localAccount(env: NodeJS.ProcessEnv = process.env): Account {
  const appId = Number(env.HULLSCAN_APP_ID ?? 1);
  return { appId: Number.isInteger(appId) && appId > 0 ? appId : 1, uin: env.HULLSCAN_UIN || '1' };
}

export interface LocalCredential {
  secretId: string;
  secretKey: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(n: number): string {
  const bytes = randomBytes(n * 2);
  let out = '';
  for (let i = 0; out.length < n && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out.length === n ? out : randomString(n);
}

/** `DIR/credentials.json`: the credential `hullscan serve` generated on first start, in the config file format. */
export function generatedCredentialsFile(dataDir: string): string {
  return join(dataDir, 'credentials.json');
}

/**
 * Creates the local account's credential file (mode 0600) unless it exists; returns the new
 * credential, or undefined when the file was already there.
 */
export async function ensureGeneratedCredential(
  dataDir: string,
  account: Account,
): Promise<LocalCredential | undefined> {
  const file = generatedCredentialsFile(dataDir);
  if (existsSync(file)) return undefined;
  const cred = { secretId: `AKID${randomString(32)}`, secretKey: randomString(32) };
  const body = { accounts: [{ appId: account.appId, uin: account.uin, credentials: [cred] }] };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return cred;
}

/** The first credential of a credentials file, for the CLI's own calls (`hullscan submit`). */
export async function firstCredential(file: string): Promise<LocalCredential | undefined> {
  try {
    const j = JSON.parse(await readFile(file, 'utf8')) as {
      accounts?: { credentials?: LocalCredential[] }[];
    };
    return j.accounts?.[0]?.credentials?.[0];
  } catch {
    return undefined;
  }
}
