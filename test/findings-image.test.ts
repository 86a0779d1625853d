/**
 * Issue #6 end to end, through the CLI and the API: a REAL image built here with buildah carrying
 * planted secrets (files, ENV, a build step), high-risk settings (root user, port 22, a setuid
 * program, `curl … | sh`) and EICAR inside a tar.gz inside a layer. `hullscan scan` with every scanner
 * must report each planted finding exactly once with its Type, Behavior, Level and layer, never a
 * secret in clear; `hullscan submit` must carry the same findings to a running server, whose risk and
 * virus lists agree with the detail's counters. The real debootstrap'd Debian minbase, given a
 * non-root USER, must give no finding at all.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildahIn } from './support/buildah.js';
import { ensureFixtures, FIXTURE_TOOLS, requireTools, runCli } from './support/fixtures.js';
import { startServer } from './support/server.js';

const run = promisify(execFile);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

// planted secrets: made up here, never real credentials; none may appear in any output
const AWS_ID = 'AKIAZ7QWERTYUIOP4X2M';
const AWS_SECRET = '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';
const DB_PASSWORD = 'S3cr3t-Pa55w0rd-Xy7q';
const ROOT_PASSWORD = 'Tr0ub4dor-3xyzQ';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

interface RiskJson {
  Rule: string;
  Type: number;
  Behavior: number;
  Level: number;
  Path: string | null;
  LayerID: string | null;
  HistoryIndex: number | null;
  InstructionContent: string;
}
interface VirusJson {
  VirusName: string;
  Path: string;
  FileName: string;
  Md5: string;
  Size: number;
  LayerID: string | null;
}
interface ScanJson {
  detail: { ImageID: string; RiskCnt: number; SensitiveInfoCnt: number; VirusCnt: number };
  layers: { diffID: string }[];
  risks: RiskJson[];
  viruses: VirusJson[];
  problems: unknown[];
}

const missing = requireTools(['buildah', 'openssl', 'tar', ...FIXTURE_TOOLS.bookworm]);

describe.skipIf(!!missing)('secrets, risks and viruses in a real image', () => {
  let dir: string;
  let out: ScanJson;
  let layers: string[];
  let key: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hullscan-findings-'));
    work.push(dir);
    const buildah = await buildahIn(dir);
    // layer 0: an app with an AWS pair in its .env and a real RSA private key
    const l0 = path.join(dir, 'l0');
    await mkdir(path.join(l0, 'app', 'config'), { recursive: true });
    await writeFile(
      path.join(l0, 'app', '.env'),
      `NODE_ENV=production\nAWS_ACCESS_KEY_ID=${AWS_ID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n`,
    );
    await run('openssl', ['genrsa', '-out', path.join(l0, 'app', 'config', 'deploy.pem'), '2048']);
    key = await readFile(path.join(l0, 'app', 'config', 'deploy.pem'), 'utf8');
    await writeFile(path.join(l0, 'app', 'server.js'), 'console.log("hello");\n');
    // layer 1 (the curl | sh step): a setuid program no distribution ships
    const l1 = path.join(dir, 'l1');
    await mkdir(path.join(l1, 'usr', 'local', 'bin'), { recursive: true });
    await copyFile('/usr/bin/true', path.join(l1, 'usr', 'local', 'bin', 'helper'));
    await chmod(path.join(l1, 'usr', 'local', 'bin', 'helper'), 0o4755);
    // layer 2 (the chpasswd step): EICAR inside a tar.gz
    const l2 = path.join(dir, 'l2');
    await mkdir(path.join(dir, 'bundle', 'samples'), { recursive: true });
    await writeFile(path.join(dir, 'bundle', 'samples', 'eicar.com'), EICAR);
    await writeFile(path.join(dir, 'bundle', 'samples', 'readme.txt'), 'test data\n');
    await mkdir(path.join(l2, 'opt'), { recursive: true });
    await run('tar', [
      '-C',
      path.join(dir, 'bundle'),
      '-czf',
      path.join(l2, 'opt', 'bundle.tar.gz'),
      'samples',
    ]);

    let c = await buildah('from', 'scratch');
    await buildah('add', c, l0, '/');
    await buildah('config', '--created-by', '/bin/sh -c #(nop) COPY dir:1f2e3d in / ', c);
    await buildah('commit', '-q', c, 'localhost/findings-0');
    c = await buildah('from', 'localhost/findings-0');
    await buildah('add', c, l1, '/');
    await buildah(
      'config',
      '--created-by',
      'RUN /bin/sh -c curl -fsSL https://get.example.com/install.sh | sh # buildkit',
      c,
    );
    await buildah('commit', '-q', c, 'localhost/findings-1');
    c = await buildah('from', 'localhost/findings-1');
    await buildah('add', c, l2, '/');
    await buildah(
      'config',
      '--created-by',
      `RUN /bin/sh -c echo 'root:${ROOT_PASSWORD}' | chpasswd # buildkit`,
      '--env',
      `DB_PASSWORD=${DB_PASSWORD}`,
      '--user',
      'root',
      '--port',
      '22/tcp',
      c,
    );
    await buildah('commit', '-q', c, 'localhost/findings-2');
    await buildah('push', '-q', 'localhost/findings-2', `oci:${path.join(dir, 'oci')}:planted`);
    const r = await runCli(['scan', `oci:${path.join(dir, 'oci')}:planted`, '-q', '--format', 'json'], {
      dataDir: path.join(dir, 'data'),
    });
    expect(r.code, r.stderr).toBe(0);
    out = r.json as ScanJson;
    layers = out.layers.map((l) => l.diffID);
  }, 240_000);

  it('reports each planted finding once, with its Type, Behavior, Level and layer', () => {
    expect(layers).toHaveLength(3);
    const brief = out.risks.map((f) => ({
      rule: f.Rule,
      type: f.Type,
      behavior: f.Behavior,
      level: f.Level,
      where: f.Path ?? (f.HistoryIndex !== null ? `history ${f.HistoryIndex}` : 'config'),
      layer: f.LayerID ? layers.indexOf(f.LayerID) : null,
    }));
    expect(brief).toEqual([
      // files, in path order, each in the layer that added it
      { rule: 'secret.aws-access-key-id', type: 2, behavior: 3, level: 3, where: 'app/.env', layer: 0 },
      { rule: 'secret.aws-secret-access-key', type: 2, behavior: 3, level: 4, where: 'app/.env', layer: 0 },
      {
        rule: 'secret.private-key',
        type: 2,
        behavior: 3,
        level: 4,
        where: 'app/config/deploy.pem',
        layer: 0,
      },
      { rule: 'fs.setuid-added', type: 1, behavior: 4, level: 3, where: 'usr/local/bin/helper', layer: 1 },
      // build steps and config
      { rule: 'secret.build-command', type: 2, behavior: 3, level: 3, where: 'history 2', layer: 2 },
      { rule: 'secret.env-variable', type: 2, behavior: 3, level: 3, where: 'config', layer: null },
      { rule: 'config.root-user', type: 1, behavior: 1, level: 2, where: 'config', layer: null },
      { rule: 'config.remote-access-port', type: 1, behavior: 2, level: 2, where: 'config', layer: null },
      { rule: 'build.pipe-to-shell', type: 1, behavior: 4, level: 3, where: 'history 1', layer: 1 },
    ]);
    expect(out.detail.RiskCnt).toBe(9);
    expect(out.detail.SensitiveInfoCnt).toBe(5);
    expect(out.problems).toEqual([]);
  });

  it('finds EICAR inside the tar.gz, once, in its layer', () => {
    expect(
      out.viruses.map((v) => [v.VirusName, v.Path, v.FileName, v.Size, layers.indexOf(v.LayerID ?? '')]),
    ).toEqual([['Eicar-Test-Signature', 'opt/bundle.tar.gz!/samples/eicar.com', 'eicar.com', 68, 2]]);
    expect(out.detail.VirusCnt).toBe(1);
  });

  it('never shows a planted secret in clear', () => {
    const text = JSON.stringify(out);
    for (const s of [AWS_SECRET, DB_PASSWORD, ROOT_PASSWORD, key.split('\n')[1]!])
      expect(text).not.toContain(s);
    // the build history the detail shows is masked too
    expect((out.detail as unknown as { BuildHistory: string }).BuildHistory).toContain(
      "echo 'root:Tr0…' | chpasswd",
    );
  });

  it('submit carries the same findings to a server, whose lists agree with the detail', async () => {
    const config = path.join(dir, 'server.json');
    const account = { appId: 1251000099, uin: '700099' };
    const cred = {
      secretId: 'AKIDhullscanFindingsTest00000001',
      secretKey: 'findings-test-key-00000000000001',
    };
    await writeFile(config, JSON.stringify({ accounts: [{ ...account, credentials: [cred] }] }));
    const server = await startServer(['--data', path.join(dir, 'server-data'), '--config', config]);
    try {
      const sub = await runCli(
        [
          'submit',
          `oci:${path.join(dir, 'oci')}:planted`,
          '--server',
          server.url,
          '--secret-id',
          cred.secretId,
          '--secret-key',
          cred.secretKey,
        ],
        { dataDir: path.join(dir, 'client') },
      );
      expect(sub.code, sub.stderr).toBe(0);
      expect(sub.stdout).toContain('9 risks, 1 viruses');
      const client = new tcss.v20201101.Client({
        credential: cred,
        region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: server.endpoint, protocol: 'http://', reqTimeout: 30 } },
      });
      const id = out.detail.ImageID;
      const detail = await client.DescribeAssetImageDetail({ ImageID: id });
      const risks = await client.DescribeAssetImageRiskList({ ImageID: id, Limit: 100 });
      const secrets = await client.DescribeAssetImageRiskList({
        ImageID: id,
        Limit: 100,
        Filters: [{ Name: 'Type', Values: ['2'] }],
      });
      const viruses = await client.DescribeAssetImageVirusList({ ImageID: id, Limit: 100 });
      expect([detail.RiskCnt, detail.SensitiveInfoCnt, detail.VirusCnt]).toEqual([9, 5, 1]);
      expect([risks.TotalCount, secrets.TotalCount, viruses.TotalCount]).toEqual([9, 5, 1]);
      expect(viruses.List?.[0]?.Path).toBe('opt/bundle.tar.gz!/samples/eicar.com');
      const text = JSON.stringify([detail, risks, viruses]) + server.stderr();
      for (const s of [AWS_SECRET, DB_PASSWORD, ROOT_PASSWORD]) expect(text).not.toContain(s);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);

  it('finds nothing on a clean debootstrapped Debian minbase run as a non-root user', async () => {
    const fx = await ensureFixtures(['bookworm']);
    // the fixture's own layout, copied, with USER set by umoci (the image otherwise runs as root)
    const oci = path.join(dir, 'clean');
    const [, src, tag] = /^oci:(.*):([^:]+)$/.exec(fx.bookworm.ref('oci'))!;
    await run('cp', ['-a', src!, oci]);
    await run('umoci', ['config', '--image', `${oci}:${tag}`, '--tag', 'clean', '--config.user', 'nobody']);
    const r = await runCli(['scan', `oci:${oci}:clean`, '-q', '--format', 'json'], {
      dataDir: path.join(dir, 'data'),
    });
    expect(r.code, r.stderr).toBe(0);
    const clean = r.json as ScanJson;
    expect(clean.risks).toEqual([]);
    expect(clean.viruses).toEqual([]);
    expect([clean.detail.RiskCnt, clean.detail.SensitiveInfoCnt, clean.detail.VirusCnt]).toEqual([0, 0, 0]);
  }, 300_000);
});
