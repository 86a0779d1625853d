import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_FILE, loadSecretsKey, secretBox } from './secrets.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const tempDir = async () => {
  const d = await mkdtemp(path.join(tmpdir(), 'hullscan-secrets-'));
  dirs.push(d);
  return d;
};

describe('registry password sealing', () => {
  it('seals with a fresh IV each time and opens only with the same key and account', () => {
    const box = secretBox(randomBytes(32));
    const a = box.seal('100', 'p4ss-wörd');
    const b = box.seal('100', 'p4ss-wörd');
    expect(a).toMatch(/^v1:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('p4ss');
    expect(box.open('100', a)).toBe('p4ss-wörd');
    expect(() => box.open('200', a)).toThrow(/does not open/);
    expect(() => secretBox(randomBytes(32)).open('100', a)).toThrow(/does not open/);
    const raw = Buffer.from(a.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
    const tampered = `v1:${raw.toString('base64')}`;
    expect(() => box.open('100', tampered)).toThrow();
    expect(() => box.open('100', 'plain text')).toThrow(/not a sealed value/);
    expect(box.seal('100', '')).toBe('');
    expect(box.open('100', '')).toBe('');
    expect(() => secretBox(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('takes the key from HULLSCAN_SECRETS_KEY, else a 0600 key file made once in the data directory', async () => {
    const key = randomBytes(32);
    expect(await loadSecretsKey({ env: { HULLSCAN_SECRETS_KEY: key.toString('base64') } })).toEqual(key);
    await expect(loadSecretsKey({ env: { HULLSCAN_SECRETS_KEY: 'c2hvcnQ=' } })).rejects.toThrow(/32 bytes/);
    await expect(loadSecretsKey({ env: {} })).rejects.toThrow(/HULLSCAN_SECRETS_KEY/);

    const dir = await tempDir();
    const [k1, k2] = await Promise.all([
      loadSecretsKey({ env: {}, dataDir: dir }),
      loadSecretsKey({ env: {}, dataDir: dir }),
    ]);
    expect(k1).toHaveLength(32);
    expect(k2).toEqual(k1);
    const file = path.join(dir, KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadSecretsKey({ env: {}, dataDir: dir })).toEqual(k1);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(k1);

    await writeFile(file, 'bm90IGEga2V5');
    await expect(loadSecretsKey({ env: {}, dataDir: dir })).rejects.toThrow(/32 bytes/);
  });
});
