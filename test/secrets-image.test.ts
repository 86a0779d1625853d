/**
 * Secrets planted in the files, ENV and build history of a real OCI image are each reported once,
 * with the right rule, path, layer and history index, never in clear; a clean image gives none.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RiskFinding } from '../src/core/finding.js';
import {
  createSecretFileAnalyzer,
  leaks,
  MAX_SPECIAL_FILE,
  secretImageCheck,
} from '../src/detectors/secrets/index.js';
import { FakeSecrets } from '../src/detectors/secrets/testing.js';
import { scanImage } from '../src/scan/scan-image.js';
import { gzipLayer, OciLayout, type TarEntry, tarball } from './support/hostile.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

interface HistoryEntry {
  created_by: string;
  empty_layer?: boolean;
}

async function image(
  dir: string,
  layers: TarEntry[][],
  history: HistoryEntry[],
  env: string[],
): Promise<string> {
  const layout = await OciLayout.create(dir);
  const built = layers.map((entries, i) => gzipLayer(tarball(entries), `layer ${i}`));
  const desc = await layout.image(built, undefined, (config) => {
    config.config.Env = env;
    (config as { history: unknown }).history = history.map((h, i) => ({
      created: `2024-03-01T12:0${i}:00Z`,
      ...h,
    }));
  });
  await layout.tag([{ desc, tag: 'latest' }]);
  return `oci:${dir}:latest`;
}

async function scan(ref: string, dir: string) {
  const analyzer = createSecretFileAnalyzer();
  const r = await scanImage(ref, {
    dataDir: path.join(dir, 'data'),
    analyzers: [analyzer],
    imageChecks: [secretImageCheck],
  });
  return { ...r, stats: analyzer.stats };
}

const row = (f: RiskFinding) => [f.rule, f.path ?? null, f.layer ?? null, f.historyIndex ?? null];

describe('secrets in an image', () => {
  it('reports every planted secret once, where it is, masked', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-secrets-'));
    work.push(dir);
    const fake = new FakeSecrets(2024);
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const awsId = fake.awsKeyId();
    const awsSecret = fake.awsSecret();
    const gh = fake.github();
    const gitTok = fake.chars(40);
    const rootHash = fake.shadowHash();
    const tcId = fake.tencentId();
    const tcKey = fake.tencentKey();
    const envTok = fake.chars(32);
    const argPw = fake.password();
    const chPw = fake.password();
    const curlPw = fake.password();
    const redisPw = fake.password();
    const clear = [
      pem.split('\n')[1]!,
      awsId,
      awsSecret,
      gh,
      gitTok,
      rootHash,
      tcId,
      tcKey,
      envTok,
      argPw,
      chPw,
      curlPw,
      redisPw,
    ];

    const base: TarEntry[] = [
      { path: 'etc/', type: 'Directory' },
      { path: 'etc/hostname', body: 'app\n' },
      {
        path: 'etc/passwd',
        body: 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n',
      },
      {
        path: 'etc/shadow',
        body: `root:${rootHash}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:!:19000::::::\nsvc:!!:19000::::::\n`,
        mode: 0o640,
      },
      {
        path: 'app/tool',
        body: Buffer.concat([Buffer.from('\x7fELF\0\0'), Buffer.from(`password=${argPw}`)]),
      },
      // a special file over the size cap is not read: the scan records it as a problem
      { path: 'root/.bash_history', body: Buffer.alloc(MAX_SPECIAL_FILE + 1, 'l') },
    ];
    const app: TarEntry[] = [
      { path: 'app/', type: 'Directory' },
      { path: 'app/certs/server.key', body: pem },
      {
        path: 'app/.env',
        body: `NODE_ENV=production\nAWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n`,
      },
      { path: 'app/config/github.yml', body: `github:\n  org: acme\n  token: ${gh}\n` },
      { path: 'root/.git-credentials', body: `https://deploy:${gitTok}@git.acme.io\n` },
      {
        path: 'app/config/tencent.yaml',
        body: `tencentcloud:\n  region: ap-guangzhou\n  secret_id: ${tcId}\n  secret_key: ${tcKey}\n`,
      },
    ];
    const ref = await image(
      path.join(dir, 'img'),
      [base, app],
      [
        { created_by: 'ADD rootfs.tar /' },
        { created_by: `ENV API_TOKEN=${envTok}`, empty_layer: true },
        { created_by: 'ARG DB_PASSWORD', empty_layer: true },
        {
          created_by: `RUN |1 DB_PASSWORD=${argPw} /bin/sh -c echo "root:${chPw}" | chpasswd && curl -fsS -u deploy:${curlPw} https://repo.internal/x`,
        },
      ],
      [
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        `API_TOKEN=${envTok}`,
        `REDIS_PASSWORD=${redisPw}`,
      ],
    );
    const r = await scan(ref, dir);
    const [l0, l1] = r.layers.map((l) => l.diffID);
    expect(r.risks.map(row)).toEqual([
      ['secret.aws-access-key-id', 'app/.env', l1, null],
      ['secret.aws-secret-access-key', 'app/.env', l1, null],
      ['secret.private-key', 'app/certs/server.key', l1, null],
      ['secret.github-token', 'app/config/github.yml', l1, null],
      ['secret.tencent-secret-id', 'app/config/tencent.yaml', l1, null],
      ['secret.tencent-secret-key', 'app/config/tencent.yaml', l1, null],
      ['secret.shadow-hash', 'etc/shadow', l0, null],
      ['secret.url-credentials', 'root/.git-credentials', l1, null],
      ['secret.build-env', null, null, 1],
      ['secret.curl-credentials', null, l1, 3],
      ['secret.build-arg', null, l1, 3],
      ['secret.build-command', null, l1, 3],
      ['secret.env-variable', null, null, null],
    ]);
    for (const f of r.risks) {
      expect([f.type, f.behavior]).toEqual([2, 3]);
      expect(f.level).toBeGreaterThanOrEqual(3);
      expect(f.masked).toMatch(/…$/);
      expect(f.secretHash).toMatch(/^sha256:/);
    }
    const json = JSON.stringify(r.risks);
    for (const s of clear) expect(leaks(json, s), `clear secret ${s.slice(0, 4)}… leaked`).toBe(false);
    const byRule = new Map(r.risks.map((f) => [f.rule, f]));
    expect(byRule.get('secret.build-env')!.instruction).toBe(`ENV API_TOKEN=${envTok.slice(0, 4)}…`);
    expect(byRule.get('secret.env-variable')!.instruction).toMatch(/^ENV REDIS_PASSWORD=/);
    expect(byRule.get('secret.shadow-hash')!.instruction).toMatch(/^etc\/shadow:1: root:\$6\$.…:19000/);
    expect(byRule.get('secret.build-command')!.instruction).toContain('| chpasswd');
    // the ELF file with a NUL in its head was skipped as binary, not read for rules
    expect(r.stats.binarySkipped).toBe(1);
    expect(r.problems.map((p) => [p.path, p.layer])).toEqual([['root/.bash_history', l0]]);
    expect(r.problems[0]!.message).toMatch(/over the \d+-byte limit of secret-files/);
  });

  it('finds nothing in an image of ordinary configuration', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-secrets-clean-'));
    work.push(dir);
    const files: TarEntry[] = [
      {
        path: 'etc/passwd',
        body: 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n',
      },
      {
        path: 'etc/shadow',
        body: 'root:*:19000:0:99999:7:::\nwww-data:*:19000:0:99999:7:::\nnobody:!:19000::::::\n',
      },
      {
        path: 'etc/nsswitch.conf',
        body: 'passwd:         files\ngroup:          files\nshadow:         files\n',
      },
      {
        path: 'etc/nginx/nginx.conf',
        body: 'user www-data;\nworker_processes auto;\nevents { worker_connections 768; }\nhttp { server { listen 80; root /var/www; } }\n',
      },
      {
        path: 'app/config.yaml',
        body: `database:\n  host: db\n  user: app\n  password: \${DB_PASSWORD}\n  url: postgres://app:\${DB_PASSWORD}@db/app\nlog_level: info\n`,
      },
      { path: 'app/.env.example', body: 'DB_PASSWORD=changeme\nAPI_TOKEN=\n' },
      {
        path: 'app/server.py',
        body: 'import os\npassword = os.environ["DB_PASSWORD"]\nsecret = load_secret()\n',
      },
      {
        path: 'app/README.md',
        body: 'Set `password: <your password>` in config.yaml; never commit secrets.\n',
      },
      {
        path: 'usr/share/doc/demo/example.pem',
        body: `-----BEGIN RSA PRIVATE KEY-----\n${new FakeSecrets(1).pemBody()}\n-----END RSA PRIVATE KEY-----\n`,
      },
    ];
    const ref = await image(
      path.join(dir, 'img'),
      [files],
      [
        { created_by: 'ADD rootfs.tar /' },
        { created_by: 'ENV GPG_KEY=0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D', empty_layer: true },
        { created_by: 'ENV PASSWORD_FILE=/run/secrets/db_password', empty_layer: true },
        { created_by: 'ARG DB_PASSWORD', empty_layer: true },
        {
          created_by:
            'RUN /bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
          empty_layer: true,
        },
      ],
      [
        'PATH=/usr/bin:/bin',
        'GPG_KEY=0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D',
        'PASSWORD_FILE=/run/secrets/db_password',
        'PYTHON_VERSION=3.12.1',
      ],
    );
    const r = await scan(ref, dir);
    expect(r.risks).toEqual([]);
  });
});
