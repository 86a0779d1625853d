import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialConfigError, loadCredentials, staticCredentials } from './credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'hullscan-credentials-'));
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const SECRET = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
const good = {
  accounts: [
    {
      appId: 1250000000,
      uin: '100000000001',
      credentials: [
        { secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', secretKey: SECRET },
        {
          secretId: 'AKIDtemp0000000000000000000000000001',
          secretKey: 'tempSecretKey0000000000000000001',
          token: 'session-token',
          expiresAt: '2030-01-01T00:00:00Z',
        },
        {
          secretId: 'AKIDoff00000000000000000000000000001',
          secretKey: 'offSecretKey00000000000000000001',
          disabled: true,
        },
      ],
    },
    {
      appId: 1250000001,
      uin: '100000000002',
      credentials: [{ secretId: 'AKIDother000000000000000000000000001', secretKey: SECRET }],
    },
  ],
};

function failure(f: () => unknown): CredentialConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CredentialConfigError);
    return e as CredentialConfigError;
  }
  throw new Error('no error');
}

describe('loadCredentials', () => {
  it('reads the file', () => {
    const source = loadCredentials({ file: file(good), env: {} });
    expect(source.size).toBe(4);
    expect(source.find('AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE')).toEqual({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      secretKey: SECRET,
      account: { appId: 1250000000, uin: '100000000001' },
    });
    expect(source.find('AKIDtemp0000000000000000000000000001')).toMatchObject({
      token: 'session-token',
      expiresAt: Date.UTC(2030, 0, 1),
    });
    expect(source.find('AKIDoff00000000000000000000000000001')?.disabled).toBe(true);
    expect(source.find('AKIDother000000000000000000000000001')?.account.uin).toBe('100000000002');
    expect(source.find('AKIDnobody')).toBeUndefined();
  });

  it('reads the environment: local account appId 1, uin "1" unless given', () => {
    const env = { HULLSCAN_SECRET_ID: 'AKIDlocal00000000000000000000000000001', HULLSCAN_SECRET_KEY: SECRET };
    expect(loadCredentials({ env }).find(env.HULLSCAN_SECRET_ID)?.account).toEqual({ appId: 1, uin: '1' });
    expect(
      loadCredentials({ env: { ...env, HULLSCAN_APP_ID: '1250000009', HULLSCAN_UIN: '100000000009' } }).find(
        env.HULLSCAN_SECRET_ID,
      )?.account,
    ).toEqual({ appId: 1250000009, uin: '100000000009' });
    // both sources together
    expect(loadCredentials({ file: file(good), env }).size).toBe(5);
  });

  it.each([
    [{ accounts: [{ ...good.accounts[0], appId: 'x' }] }, 'accounts.0.appId'],
    [{ accounts: [{ ...good.accounts[0], uin: 'abc' }] }, 'accounts.0.uin'],
    [{ accounts: [{ ...good.accounts[0], credentials: [] }] }, 'accounts.0.credentials'],
    [
      { accounts: [{ appId: 1, uin: '1', credentials: [{ secretId: 'nope', secretKey: SECRET }] }] },
      'accounts.0.credentials.0.secretId',
    ],
    [
      {
        accounts: [{ appId: 1, uin: '1', credentials: [{ secretId: 'AKIDshort00001', secretKey: 'short' }] }],
      },
      'accounts.0.credentials.0.secretKey',
    ],
    [
      {
        accounts: [
          {
            appId: 1,
            uin: '1',
            credentials: [{ secretId: 'AKIDshort00001', secretKey: SECRET, expiresAt: 'tomorrow' }],
          },
        ],
      },
      'accounts.0.credentials.0.expiresAt',
    ],
    [
      {
        accounts: [
          { appId: 1, uin: '1', credentials: [{ secretId: 'AKIDshort00001', secretKey: SECRET, secret: 1 }] },
        ],
      },
      'accounts.0.credentials.0.secret',
    ],
    [{ acounts: [] }, 'acounts'],
    [[], '(top level)'],
  ])('a bad file names the file and the field: %j', (content, field) => {
    const path = file(content);
    const e = failure(() => loadCredentials({ file: path, env: {} }));
    expect(e.message).toContain(path);
    expect(e.message).toContain(`${field}:`);
    expect(e.message).not.toContain(SECRET);
  });

  it('never quotes the file in a JSON error (it may hold a secret)', () => {
    const path = file(
      `{"accounts":[{"appId":1,"uin":"1","credentials":[{"secretId":"AKIDx0000","secretKey":"${SECRET}" oops}]}]}`,
    );
    const e = failure(() => loadCredentials({ file: path, env: {} }));
    expect(e.message).toMatch(/not valid JSON/);
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(SECRET.slice(0, 8));
  });

  it('refuses a missing file, repeated SecretIds, conflicting appIds, half an env pair, nothing at all', () => {
    expect(failure(() => loadCredentials({ file: join(dir, 'missing.json'), env: {} })).message).toMatch(
      /missing\.json: ENOENT/,
    );
    const twice = { accounts: [good.accounts[0], { ...good.accounts[0], uin: '5' }] };
    expect(failure(() => loadCredentials({ file: file(twice), env: {} })).message).toMatch(/defined twice/);
    const clash = { accounts: [good.accounts[0], { ...good.accounts[1], uin: '100000000001' }] };
    expect(failure(() => loadCredentials({ file: file(clash), env: {} })).message).toMatch(/appId/);
    expect(failure(() => loadCredentials({ env: { HULLSCAN_SECRET_ID: 'AKIDlocal0001' } })).message).toMatch(
      /together/,
    );
    expect(
      failure(() =>
        loadCredentials({ env: { HULLSCAN_SECRET_ID: 'AKIDlocal0001', HULLSCAN_SECRET_KEY: 'short' } }),
      ).message,
    ).toMatch(/HULLSCAN_SECRET_KEY/);
    expect(
      failure(() =>
        loadCredentials({
          env: { HULLSCAN_SECRET_ID: 'AKIDlocal0001', HULLSCAN_SECRET_KEY: SECRET, HULLSCAN_APP_ID: '0' },
        }),
      ).message,
    ).toMatch(/HULLSCAN_APP_ID/);
    expect(failure(() => loadCredentials({ env: {} })).message).toMatch(/no API credentials/);
    for (const e of [
      failure(() => loadCredentials({ env: { HULLSCAN_SECRET_ID: 'bad', HULLSCAN_SECRET_KEY: SECRET } })),
    ]) {
      expect(e.message).not.toContain(SECRET);
    }
  });
});

describe('staticCredentials', () => {
  it('finds by SecretId and refuses duplicates', () => {
    const account = { appId: 1, uin: '1' };
    const s = staticCredentials([{ secretId: 'AKIDa0000', secretKey: SECRET, account }]);
    expect(s.find('AKIDa0000')?.account).toBe(account);
    expect(s.find('constructor')).toBeUndefined();
    expect(() =>
      staticCredentials([
        { secretId: 'AKIDa0000', secretKey: SECRET, account },
        { secretId: 'AKIDa0000', secretKey: SECRET, account },
      ]),
    ).toThrow(CredentialConfigError);
  });
});
