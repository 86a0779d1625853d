import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Registry passwords at rest: AES-256-GCM with a 32-byte key from HULLSCAN_SECRETS_KEY (base64), else
 * from DATA/secrets.key (created 0600 on first use). A sealed value is bound to its account (the
 * account id is the additional authenticated data), so it cannot be moved to another account's row.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE = 'secrets.key';

/** The key that seals and opens registry passwords. */
export interface SecretBox {
  seal(uin: string, clear: string): string;
  /** throws when the value was not sealed with this key for this account */
  open(uin: string, sealed: string): string;
}

function checkKey(key: Buffer, from: string): Buffer {
  if (key.length !== 32)
    throw new Error(`${from}: the secrets key must be 32 bytes (base64), not ${key.length}`);
  return key;
}

/** A SecretBox over a 32-byte key. */
export function secretBox(key: Buffer): SecretBox {
  checkKey(key, 'secret box');
  const aad = (uin: string) => Buffer.from(`hullscan-registry-password:${uin}`);
  return {
    seal(uin, clear) {
      if (clear === '') return '';
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(uin));
      const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(uin, sealed) {
      if (sealed === '') return '';
      const [version, data] = sealed.split(':');
      if (version !== VERSION || !data) throw new Error('secrets: not a sealed value');
      const raw = Buffer.from(data, 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('secrets: sealed value too short');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(aad(uin));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (cause) {
        throw new Error('secrets: the sealed value does not open with this key (was the key changed?)', {
          cause,
        });
      }
    },
  };
}

/**
 * The secrets key: HULLSCAN_SECRETS_KEY (base64 of 32 bytes) when set, else DATA/secrets.key, created
 * with 32 random bytes and mode 0600 when missing (and its mode tightened when too open).
 */
export async function loadSecretsKey(o: { env: NodeJS.ProcessEnv; dataDir?: string }): Promise<Buffer> {
  const fromEnv = o.env.HULLSCAN_SECRETS_KEY;
  if (fromEnv !== undefined && fromEnv !== '')
    return checkKey(Buffer.from(fromEnv.trim(), 'base64'), 'HULLSCAN_SECRETS_KEY');
  if (!o.dataDir) throw new Error('no secrets key: set HULLSCAN_SECRETS_KEY or give a data directory');
  const file = path.join(o.dataDir, KEY_FILE);
  await mkdir(o.dataDir, { recursive: true });
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(randomBytes(32).toString('base64'));
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    await chmod(file, 0o600);
  }
  // another process may have created the file a moment ago and still be writing it
  for (let attempt = 0; ; attempt++) {
    const text = (await readFile(file, 'utf8')).trim();
    if (text !== '' || attempt >= 20) return checkKey(Buffer.from(text, 'base64'), file);
    await new Promise((r) => setTimeout(r, 25));
  }
}
