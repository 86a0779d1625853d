import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretFindings } from './file-analyzer.js';
import { hashSecret, leaks, maskIn, maskValue } from './mask.js';
import { scanText } from './scan-text.js';
import { FakeSecrets } from './testing.js';
import { githubChecksumValid, isPlaceholder, isSecretName } from './text.js';

const fake = new FakeSecrets(7);

/** The rule ids that fire on `text` at `path`, and a check that no finding leaks `secrets`. */
function rulesOn(path: string, text: string, secrets: string[] = []): string[] {
  const findings = secretFindings(path, Buffer.from(text));
  const json = JSON.stringify(findings);
  for (const s of secrets) expect(leaks(json, s), `clear secret leaked: ${s.slice(0, 4)}…`).toBe(false);
  for (const f of findings) {
    expect(f.type).toBe(2);
    expect(f.behavior).toBe(3);
    expect(f.secretHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(f.masked).toMatch(/…$/);
    expect(f.instruction.startsWith(`${path}:`)).toBe(true);
    expect(f.solution.length).toBeGreaterThan(20);
  }
  return findings.map((f) => f.rule);
}

describe('mask', () => {
  it('keeps at most 4 characters and never more than a quarter of the value', () => {
    expect(maskValue('abcdefghijklmnopqrstuvwxyz')).toBe('abcd…');
    expect(maskValue('abcdefgh')).toBe('ab…');
    expect(maskValue('abc')).toBe('…');
    expect(maskValue('')).toBe('…');
    expect(hashSecret('x')).toBe('sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
    expect(maskIn('a=hunter22 b=hunter22x', ['hunter22', 'hunter22x'])).toBe('a=hu… b=hu…');
  });
});

describe('placeholders and names', () => {
  it('recognises fillers and references', () => {
    for (const v of [
      '',
      'changeme',
      `\${DB_PASS}`,
      '$DB_PASS',
      '<password>',
      'xxx',
      'XXXXXXXX',
      '***',
      '{{ .Values.pw }}',
      '[PASSWORD]',
      'your_password',
      '%(pw)s',
    ])
      expect(isPlaceholder(v), v).toBe(true);
    for (const v of ['hunter2x', 'S3cr3t!pw', 'deadbeef']) expect(isPlaceholder(v), v).toBe(false);
  });
  it('knows secret variable names', () => {
    for (const n of [
      'DB_PASSWORD',
      'GITHUB_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'API_KEY',
      'APP_KEY',
      'MYSQL_ROOT_PASSWORD',
    ])
      expect(isSecretName(n), n).toBe(true);
    for (const n of [
      'PASSWORD_FILE',
      'GPG_KEY',
      'PUBLIC_KEY',
      'AUTHOR',
      'PATH',
      'TOKEN_URL',
      'DB_USER',
      'KEYBOARD',
    ])
      expect(isSecretName(n), n).toBe(false);
  });
});

describe('private keys', () => {
  it('finds RSA, PKCS#8, EC and encrypted keys from node:crypto, once each', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'sec1', format: 'pem' })
      .toString();
    const enc = rsa.privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    for (const pem of [pkcs1, pkcs8, ec]) {
      const body = pem.split('\n').slice(1, -2).join('');
      expect(rulesOn('app/key.pem', pem, [body, body.slice(10, 60)])).toEqual(['secret.private-key']);
    }
    const f = secretFindings('app/enc.pem', Buffer.from(enc));
    expect(f.map((x) => [x.rule, x.level])).toEqual([['secret.private-key', 3]]);
    // a public key or a certificate is not a secret
    const pub = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(rulesOn('app/pub.pem', pub)).toEqual([]);
  });
  it('finds OpenSSH and PGP blocks and requires a plausible body', () => {
    const ssh = `-----BEGIN OPENSSH PRIVATE KEY-----\n${fake.pemBody(5)}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const pgp = `-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n${fake.pemBody(4)}\n=8xQN\n-----END PGP PRIVATE KEY BLOCK-----\n`;
    expect(rulesOn('root/.ssh/id_rsa', ssh)).toEqual(['secret.private-key']);
    expect(rulesOn('app/key.asc', pgp)).toEqual(['secret.private-key']);
    expect(rulesOn('a.pem', '-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----')).toEqual([]);
    expect(rulesOn('a.pem', '-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----')).toEqual([]);
  });
  it('reports a GCP service-account JSON once, as a service-account key', () => {
    const body = fake.pemBody(8);
    const json = JSON.stringify({
      type: 'service_account',
      project_id: 'p',
      private_key_id: fake.hex(40),
      private_key: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
      client_email: 'x@p.iam.gserviceaccount.com',
    });
    expect(rulesOn('app/sa.json', json, [body.replace(/\n/g, '')])).toEqual([
      'secret.gcp-service-account-key',
    ]);
    // the key on one line of JSON: the excerpt stops at the BEGIN line
    const f = secretFindings('app/sa.json', Buffer.from(json));
    expect(f[0]!.instruction).toMatch(/"private_key": ?"-----BEGIN PRIVATE KEY----- …$/);
    expect(rulesOn('app/sa.json', '{"type": "service_account", "project_id": "p"}')).toEqual([]);
  });
});

describe('cloud keys', () => {
  it('AWS key id and secret key, not the documentation example', () => {
    const id = fake.awsKeyId();
    const secret = fake.awsSecret();
    const text = `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;
    expect(rulesOn('root/.aws/credentials', text, [id, secret])).toEqual([
      'secret.aws-access-key-id',
      'secret.aws-secret-access-key',
    ]);
    const doc = `aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`;
    expect(rulesOn('app/doc.cfg', doc)).toEqual([]);
  });
  it('Tencent SecretId and SecretKey; a bare 32-character secret_key is not taken for Tencent', () => {
    const id = fake.tencentId();
    const key = fake.tencentKey();
    const yaml = `tencentcloud:\n  secret_id: ${id}\n  secret_key: ${key}\n`;
    expect(rulesOn('app/config.yaml', yaml, [id, key])).toEqual([
      'secret.tencent-secret-id',
      'secret.tencent-secret-key',
    ]);
    expect(rulesOn('app/config.yaml', `secret_key: ${key}\n`)).toEqual([]);
    expect(rulesOn('app/config.yaml', `secret_id: AKID${'x'.repeat(32)}\n`)).toEqual([]);
  });
  it('Alibaba, Azure storage keys and Azure client secrets', () => {
    const ali = fake.alibabaId();
    const aliSecret = fake.chars(30);
    expect(
      rulesOn('app/a.properties', `access_key_id=${ali}\naccess_key_secret=${aliSecret}\n`, [ali, aliSecret]),
    ).toEqual(['secret.alibaba-access-key-id', 'secret.alibaba-access-key-secret']);
    const sk = fake.azureStorageKey();
    const conn = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${sk};EndpointSuffix=core.windows.net`;
    expect(rulesOn('app/appsettings.json', `{"Storage": "${conn}"}`, [sk])).toEqual([
      'secret.azure-storage-key',
    ]);
    const cs = fake.azureClientSecret();
    expect(rulesOn('app/appsettings.json', `{"ClientSecret": "${cs}"}`, [cs])).toEqual([
      'secret.azure-client-secret',
    ]);
  });
});

describe('tokens', () => {
  it('GitHub, GitLab, Slack, Stripe, npm, PyPI', () => {
    const cases: [string, string][] = [
      [fake.github('ghp'), 'secret.github-token'],
      [fake.github('ghs'), 'secret.github-token'],
      [fake.githubFineGrained(), 'secret.github-token'],
      [fake.gitlab(), 'secret.gitlab-token'],
      [fake.slackBot(), 'secret.slack-token'],
      [fake.slackWebhook(), 'secret.slack-webhook'],
      [fake.stripe(), 'secret.stripe-key'],
      [fake.npm(), 'secret.npm-token'],
      [fake.pypi(), 'secret.pypi-token'],
    ];
    for (const [token, rule] of cases)
      expect(rulesOn('app/settings.ini', `value = ${token}\n`, [token]), rule).toEqual([rule]);
    expect(rulesOn('app/settings.ini', `token = ghp_${'x'.repeat(36)}\n`)).toEqual([]);
    // the right shape without GitHub's CRC-32 checksum is not a token
    expect(rulesOn('app/settings.ini', `token = ${fake.github('ghp', false)}\n`)).toEqual([]);
    // the example token of the format's public write-up verifies
    expect(githubChecksumValid(['ghp', 'zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq17'].join('_'))).toBe(true);
    expect(rulesOn('app/settings.ini', 'token = xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx\n')).toEqual([]);
  });
  it('.npmrc auth, Docker config auths', () => {
    const t = fake.chars(40);
    expect(rulesOn('root/.npmrc', `//registry.example.org/:_authToken=${t}\n`, [t])).toEqual([
      'secret.npmrc-auth',
    ]);
    expect(rulesOn('root/.npmrc', `//registry.npmjs.org/:_authToken=\${NPM_TOKEN}\n`)).toEqual([]);
    const pw = fake.password();
    const auth = Buffer.from(`deploy:${pw}`).toString('base64');
    const cfg = JSON.stringify({ auths: { 'registry.example.org': { auth } } }, null, 2);
    expect(rulesOn('root/.docker/config.json', cfg, [auth, pw])).toEqual(['secret.docker-config-auth']);
    const empty = Buffer.from('deploy:').toString('base64');
    expect(rulesOn('root/.docker/config.json', `{"auths":{"r":{"auth":"${empty}"}}}`)).toEqual([]);
  });
  it('JWTs with a signature and a claim; not alg none', () => {
    const jwt = fake.jwt();
    expect(rulesOn('app/token.txt', `Authorization: Bearer ${jwt}\n`, [jwt])).toEqual(['secret.jwt']);
    expect(rulesOn('app/token.txt', `${fake.jwt({ sub: 'x' }, 'none')}\n`)).toEqual([]);
    expect(rulesOn('app/token.txt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0\n')).toEqual([]);
  });
});

describe('passwords and credential files', () => {
  it('config files and connection strings', () => {
    const pw = fake.password();
    const cases: [string, string][] = [
      ['app/db.properties', `db.password=${pw}\n`],
      ['app/config.yml', `database:\n  passwd: "${pw}"\n`],
      ['app/config.json', `{"password": "${pw}"}`],
      ['app/web.xml', `<password>${pw}</password>`],
      ['app/app.ini', `url = postgres://app:${pw}@db.internal:5432/app\n`],
      ['app/app.ini', `MONGO = mongodb+srv://app:${pw}@cluster0.mongodb.net/db\n`],
      ['app/app.ini', `jdbc.url=jdbc:mysql://db.internal:3306/app?user=app&password=${pw}\n`],
    ];
    for (const [path, text] of cases) expect(rulesOn(path, text, [pw]).length, text).toBe(1);
    for (const v of ['changeme', `\${DB_PASSWORD}`, '<password>', 'xxx', '***', '', '"xxxxxx"'])
      expect(rulesOn('app/db.properties', `password=${v}\n`), v).toEqual([]);
    // code assigns from variables and calls; those are not values
    expect(rulesOn('app/db.py', 'password = get_password()\npassword = args.password\n')).toEqual([]);
    expect(rulesOn('app/db.conf', 'password = self.password\n')).toEqual([]);
  });
  it('.env files, shell history, .netrc, .git-credentials', () => {
    const pw = fake.password();
    const tok = fake.chars(32);
    expect(
      rulesOn(
        'app/.env',
        `DEBUG=1\nDB_PASSWORD=${pw}\nAPI_TOKEN="${tok}"\nDB_USER=app\nSECRET_FILE=/run/x\n`,
        [pw, tok],
      ),
    ).toEqual(['secret.env-file', 'secret.env-file']);
    expect(rulesOn('app/.env.example', `DB_PASSWORD=${pw}\n`)).toEqual([]);
    const hist = `ls\nmysql -u root -p${pw} app\nexport GITHUB_TOKEN=${tok}\nsshpass -p '${pw}x' ssh host\n`;
    expect(rulesOn('root/.bash_history', hist, [pw, tok])).toEqual([
      'secret.shell-history',
      'secret.shell-history',
      'secret.shell-history',
    ]);
    expect(rulesOn('root/.netrc', `machine api.example.org login me password ${pw}\n`, [pw])).toEqual([
      'secret.netrc-password',
    ]);
    expect(rulesOn('root/.git-credentials', `https://me:${tok}@github.com\n`, [tok])).toEqual([
      'secret.url-credentials',
    ]);
  });
  it('/etc/shadow: one finding per account with a hash, none for locked or passwordless ones', () => {
    const h1 = fake.shadowHash();
    const h2 = fake.shadowHash();
    const shadow = [
      `root:${h1}:19000:0:99999:7:::`,
      'daemon:*:19000:0:99999:7:::',
      'nobody:!:19000::::::',
      'svc:!!:19000::::::',
      'old:!*:19000::::::',
      'empty::19000::::::',
      'xuser:x:19000::::::',
      `app:${h2}:19000:0:99999:7:::`,
    ].join('\n');
    const f = secretFindings('etc/shadow', Buffer.from(shadow));
    expect(f.map((x) => [x.rule, x.instruction.split(':').slice(0, 3).join(':')])).toEqual([
      ['secret.shadow-hash', 'etc/shadow:1: root'],
      ['secret.shadow-hash', 'etc/shadow:8: app'],
    ]);
    expect(JSON.stringify(f).includes(h1.slice(3))).toBe(false);
    expect(rulesOn('etc/passwd', shadow)).toEqual([]);
  });
  it('curl -u user:password, not placeholders', () => {
    const pw = fake.password();
    expect(rulesOn('app/run.sh', `curl -fsS -u admin:${pw} https://api.internal/x\n`, [pw])).toEqual([
      'secret.curl-credentials',
    ]);
    expect(rulesOn('app/run.sh', 'curl -u "$USER:$PASS" https://api.internal/x\n')).toEqual([]);
  });
  it('reports one finding per distinct secret and masks every secret on the line', () => {
    const a = fake.github();
    const b = fake.npm();
    const f = secretFindings('app/tokens.txt', Buffer.from(`x=${a} y=${b}\nz=${a}\n`));
    expect(f.map((x) => x.rule)).toEqual(['secret.github-token', 'secret.npm-token']);
    const json = JSON.stringify(f);
    expect(json.includes(a) || json.includes(b)).toBe(false);
    expect(scanText(`x=${a}`, 'app/t')[0]!.line).toBe(1);
  });
});
