/**
 * Risk and virus rows end to end: a real OCI image scanned with stand-in analyzers and an image check
 * (the real secret, risk and virus scanners plug into the same ScanResult fields), stored through
 * imageRecord and the SQLite store, and read back from a real `hullscan serve` with the real Tencent
 * Cloud SDK: DescribeAssetImageRiskList / DescribeAssetImageVirusList filters, sorting, paging and
 * counts agree with DescribeAssetImageDetail, and no secret is ever anywhere in clear.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tcss } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tcss/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analyzer, ImageCheck } from '../src/core/analyzer.js';
import type { RiskFinding, VirusFinding } from '../src/core/finding.js';
import { imageRecord } from '../src/scan/image-record.js';
import { type ScanResult, scanImage } from '../src/scan/scan-image.js';
import { openStore } from '../src/store/open-store.js';
import { imageOfLayers } from './support/dir-image.js';
import { type ServerProcess, startServer } from './support/server.js';

delete process.env.http_proxy;
delete process.env.https_proxy;
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const account = { appId: 1251000077, uin: '700007' };
const key = { secretId: 'AKIDhullscanRiskListTest0000000001', secretKey: 'risk-list-test-key-0000000000001' };
const other = { appId: 1251000078, uin: '700008' };
const otherKey = {
  secretId: 'AKIDhullscanRiskListTest0000000002',
  secretKey: 'risk-list-test-key-0000000000002',
};

/** Clear secrets planted in the image: none may appear in any response, log or database page. */
const CLEAR = {
  aws: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9Hq3Lk2T',
  db: 'Sup3r-S3cret-DB-pa55word!',
  env: 'ghp_ZyXwVuTsRqPoNmLkJiHgFeDcBa0987654321',
};
const MARK_TROJAN = Buffer.from('HULLSCAN-TEST-TROJAN-MARKER');
const MARK_TEST = Buffer.from('HULLSCAN-TEST-FILE-MARKER');

const sha256 = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const mask = (s: string) => `${s.slice(0, 4)}…`;

/** Stand-in secret scanner: `NAME=value` / `name: value` lines whose name says key, password or token. */
const secrets: Analyzer = {
  name: 'test-secrets',
  version: 1,
  wants: (f) => f.path.endsWith('.env') || f.path.endsWith('.yml'),
  analyze: ({ info, content }) => {
    const risks: RiskFinding[] = [];
    for (const [i, line] of content.toString('utf8').split('\n').entries()) {
      const m = /^\s*([A-Za-z_]*(?:KEY|key|PASSWORD|password|TOKEN|token))\s*[=:]\s*(\S+)/.exec(line);
      if (!m) continue;
      const [, name, value] = m as unknown as [string, string, string];
      risks.push({
        type: 2,
        behavior: 3,
        level: name.toLowerCase().includes('password') ? 3 : 4,
        rule: name.toLowerCase().includes('password') ? 'secret.password' : 'secret.token',
        desc: `${name} holds a credential in clear`,
        instruction: `${info.path}:${i + 1}: ${name}=${mask(value)}`,
        solution: `remove ${info.path} from the image and rotate ${name}`,
        path: info.path,
        masked: mask(value),
        secretHash: sha256(value),
      });
    }
    return { risks };
  },
};

/** Stand-in risk scanner: setuid files. */
const setuid: Analyzer = {
  name: 'test-setuid',
  version: 1,
  wants: (f) => (f.mode & 0o4000) !== 0,
  analyze: ({ info }) => ({
    risks: [
      {
        type: 1,
        behavior: 4,
        level: 2,
        rule: 'fs.setuid-added',
        desc: `${info.path} runs with its owner's rights`,
        instruction: `${info.path} mode ${info.mode.toString(8)}`,
        solution: `chmod u-s ${info.path} in the Dockerfile step that adds it`,
        path: info.path,
      },
    ],
  }),
};

/** Stand-in malware engine: two marker strings. */
const markers: Analyzer = {
  name: 'test-markers',
  version: 1,
  wants: (f) => f.path.startsWith('opt/'),
  analyze: ({ info, content }) => {
    const viruses: VirusFinding[] = [];
    const found = (virusName: string, level: 1 | 2 | 3 | 4, category: string) =>
      viruses.push({
        path: info.path,
        fileName: path.posix.basename(info.path),
        md5: md5(content),
        size: content.length,
        virusName,
        level,
        category,
        tags: [category],
        desc: `${virusName} found`,
        solution: `delete ${info.path} and rebuild the layer that adds it`,
        engine: 'builtin',
      });
    if (content.includes(MARK_TROJAN)) found('Unix.Trojan.HullscanTest-1', 4, 'trojan');
    if (content.includes(MARK_TEST)) found('Hullscan-Test-Signature', 1, 'test');
    return { viruses };
  },
};

/** Stand-in config check: no USER. */
const rootUser: ImageCheck = {
  name: 'test-root',
  check: ({ config }) =>
    config.config?.User
      ? []
      : [
          {
            type: 1,
            behavior: 1,
            level: 3,
            rule: 'config.root-user',
            desc: 'the container runs as root',
            instruction: 'USER (not set)',
            solution: 'add USER 10001 after the last RUN',
          },
        ],
};

describe('DescribeAssetImageRiskList and DescribeAssetImageVirusList through the Tencent Cloud SDK', () => {
  let work: string;
  let data: string;
  let server: ServerProcess;
  let scan: ScanResult;
  let bare: ScanResult;
  const responses: unknown[] = [];

  const client = (cred = key) =>
    new tcss.v20201101.Client({
      credential: cred,
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: server.endpoint, protocol: 'http://', reqTimeout: 30 } },
    });
  const c = () => {
    const cl = client();
    // every answer is kept, to look for clear secrets at the end
    return new Proxy(cl, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || !String(prop).startsWith('Describe')) return v;
        return async (...args: unknown[]) => {
          const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          responses.push(r);
          return r;
        };
      },
    });
  };
  const errorCode = async (p: Promise<unknown>) => {
    const e = (await p.then(
      () => undefined,
      (err: unknown) => err,
    )) as { code?: string } | undefined;
    if (!e) throw new Error('expected the call to fail');
    return e.code;
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-api-risks-'));
    data = path.join(work, 'data');
    const ref = await imageOfLayers(path.join(work, 'img'), [
      {
        entries: [
          { path: 'app/', type: 'Directory' },
          {
            path: 'app/.env',
            body: `# settings\nAWS_SECRET_ACCESS_KEY=${CLEAR.aws}\nGITHUB_TOKEN=${CLEAR.env}\n`,
          },
          { path: 'app/config.yml', body: `db:\n  host: db\n  password: ${CLEAR.db}\n` },
          { path: 'usr/', type: 'Directory' },
          { path: 'usr/local/', type: 'Directory' },
          { path: 'usr/local/bin/', type: 'Directory' },
          { path: 'usr/local/bin/helper', body: 'ELF-ish', mode: 0o4755 },
        ],
      },
      {
        entries: [
          { path: 'opt/', type: 'Directory' },
          { path: 'opt/big.bin', body: Buffer.concat([Buffer.alloc(5000, 1), MARK_TROJAN]) },
          { path: 'opt/small.sh', body: Buffer.concat([MARK_TROJAN, Buffer.from('\n')]) },
          { path: 'opt/sample.txt', body: Buffer.concat([MARK_TEST, Buffer.alloc(100, 32)]) },
          { path: 'opt/clean.txt', body: 'nothing here' },
        ],
      },
    ]);
    const options = { dataDir: path.join(work, 'cache'), analyzers: [secrets, setuid, markers] };
    scan = await scanImage(ref, { ...options, imageChecks: [rootUser] });
    const bareRef = await imageOfLayers(path.join(work, 'bare'), [
      {
        entries: [
          { path: 'etc/', type: 'Directory' },
          { path: 'etc/motd', body: 'hi' },
        ],
      },
    ]);
    bare = await scanImage(bareRef, { dataDir: path.join(work, 'cache'), analyzers: [] });

    const store = await openStore(data);
    try {
      const scans = { risk: true, virus: true };
      const record = imageRecord(scan, 'UTC', scans);
      // an earlier scan of the same image found one of the files already: its FirstScanTime stays
      const earlier = imageRecord(scan, 'UTC', scans);
      earlier.detail = { ...earlier.detail, ScanTime: '2020-01-01 00:00:00' };
      earlier.viruses = earlier.viruses!.filter((v) => v.path === 'opt/big.bin');
      await store.saveImage(account, earlier);
      await store.saveImage(account, record);
      await store.saveImage(account, imageRecord(bare, 'UTC'));
    } finally {
      await store.close();
    }
    const config = path.join(work, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [
          { ...account, credentials: [key] },
          { ...other, credentials: [otherKey] },
        ],
        rateLimits: { default: 1000 },
      }),
    );
    server = await startServer(['--data', data, '--config', config]);
  }, 120_000);

  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('the scan found what was planted, and the secrets only masked', () => {
    expect(scan.risks).toHaveLength(5);
    expect(scan.viruses).toHaveLength(3);
    const json = JSON.stringify(scan.risks);
    for (const v of Object.values(CLEAR)) expect(json).not.toContain(v);
  });

  it('detail counts are exactly the unfiltered TotalCounts; progress says what ran', async () => {
    const id = scan.manifest.imageID;
    const cl = c();
    const d = await cl.DescribeAssetImageDetail({ ImageID: id });
    const risks = await cl.DescribeAssetImageRiskList({ ImageID: id, Limit: 100 });
    const sensitive = await cl.DescribeAssetImageRiskList({
      ImageID: id,
      Filters: [{ Name: 'Type', Values: ['2'] }],
    });
    const viruses = await cl.DescribeAssetImageVirusList({ ImageID: id, Limit: 100 });
    expect([d.RiskCnt, d.SensitiveInfoCnt, d.VirusCnt]).toEqual([5, 3, 3]);
    expect([risks.TotalCount, sensitive.TotalCount, viruses.TotalCount]).toEqual([
      d.RiskCnt,
      d.SensitiveInfoCnt,
      d.VirusCnt,
    ]);
    expect(risks.List).toHaveLength(5);
    expect(d).toMatchObject({
      ScanRiskProgress: 100,
      ScanVirusProgress: 100,
      ScanRiskError: '',
      ScanVirusError: '',
    });
    expect(viruses.VirusScanStatus).toBe(2);
    const list = await cl.DescribeAssetImageList({
      Filters: [{ Name: 'ImageID', Values: [id], ExactMatch: true }],
    });
    expect(list.List![0]).toMatchObject({ RiskCnt: 5, VirusCnt: 3 });

    // an image scanned for its inventory only: nothing counted, nothing listed, not scanned
    const b = bare.manifest.imageID;
    const bd = await cl.DescribeAssetImageDetail({ ImageID: b });
    expect(bd).toMatchObject({
      RiskCnt: 0,
      SensitiveInfoCnt: 0,
      VirusCnt: 0,
      ScanRiskProgress: 0,
      ScanVirusProgress: 0,
    });
    expect((await cl.DescribeAssetImageRiskList({ ImageID: b })).TotalCount).toBe(0);
    const bv = await cl.DescribeAssetImageVirusList({ ImageID: b });
    expect([bv.TotalCount, bv.VirusScanStatus, bv.List]).toEqual([0, 0, []]);
  });

  it('risk rows carry the SDK fields, where they are, and the fix', async () => {
    const id = scan.manifest.imageID;
    const [l1] = scan.layers.map((l) => l.diffID);
    const r = await c().DescribeAssetImageRiskList({ ImageID: id, Limit: 100 });
    // default order: highest level first, then as the scan found them
    expect(r.List!.map((x) => [x.Level, x.Type, x.Behavior])).toEqual([
      [4, 2, 3],
      [4, 2, 3],
      [3, 2, 3],
      [3, 1, 1],
      [2, 1, 4],
    ]);
    const token = r.List!.find((x) => (x as { Masked?: string }).Masked === mask(CLEAR.env));
    expect(token).toEqual({
      Behavior: 3,
      Type: 2,
      Level: 4,
      Desc: 'GITHUB_TOKEN holds a credential in clear',
      InstructionContent: `app/.env:3: GITHUB_TOKEN=${mask(CLEAR.env)}`,
      Rule: 'secret.token',
      Solution: 'remove app/.env from the image and rotate GITHUB_TOKEN',
      Path: 'app/.env',
      LayerID: l1,
      HistoryIndex: null,
      Masked: mask(CLEAR.env),
      SecretHash: sha256(CLEAR.env),
    });
    const root = r.List!.find((x) => (x as { Rule?: string }).Rule === 'config.root-user');
    expect(root).toMatchObject({
      Type: 1,
      Behavior: 1,
      Level: 3,
      Path: null,
      Solution: expect.stringContaining('USER'),
    });
    const suid = r.List!.find((x) => (x as { Rule?: string }).Rule === 'fs.setuid-added');
    expect(suid).toMatchObject({
      Path: 'usr/local/bin/helper',
      LayerID: l1,
      InstructionContent: 'usr/local/bin/helper mode 4755',
    });
  });

  it('risk list: filters, sorting and paging', async () => {
    const id = scan.manifest.imageID;
    const cl = c();
    const rules = async (req: Omit<Parameters<typeof cl.DescribeAssetImageRiskList>[0], 'ImageID'>) => {
      const r = await cl.DescribeAssetImageRiskList({ ImageID: id, Limit: 100, ...req });
      expect(r.List).toHaveLength(Math.max(0, Math.min(r.TotalCount! - (req.Offset ?? 0), req.Limit ?? 100)));
      return { total: r.TotalCount, rules: r.List!.map((x) => `${(x as { Rule: string }).Rule}/${x.Level}`) };
    };
    expect(await rules({ Filters: [{ Name: 'Level', Values: ['4'] }] })).toEqual({
      total: 2,
      rules: ['secret.token/4', 'secret.token/4'],
    });
    expect((await rules({ Filters: [{ Name: 'Level', Values: ['2', '3'] }] })).total).toBe(3);
    expect((await rules({ Filters: [{ Name: 'Level', Values: ['2,3'] }] })).total).toBe(3);
    expect(await rules({ Filters: [{ Name: 'Behavior', Values: ['1', '4'] }] })).toEqual({
      total: 2,
      rules: ['config.root-user/3', 'fs.setuid-added/2'],
    });
    expect(
      await rules({
        Filters: [
          { Name: 'Type', Values: ['1'] },
          { Name: 'Level', Values: ['2'] },
        ],
      }),
    ).toEqual({
      total: 1,
      rules: ['fs.setuid-added/2'],
    });
    expect((await rules({ By: 'Level', Order: 'ASC' })).rules).toEqual([
      'fs.setuid-added/2',
      'secret.password/3',
      'config.root-user/3',
      'secret.token/4',
      'secret.token/4',
    ]);
    expect((await rules({ By: 'Level', Order: 'desc' })).rules[0]).toBe('secret.token/4');
    expect((await rules({ By: 'Behavior', Order: '+' })).rules[0]).toBe('config.root-user/3');
    expect((await rules({ By: 'Path', Order: 'desc' })).rules[0]).toBe('fs.setuid-added/2');
    // Limit 1 walks the whole list in the default order
    const all = (await rules({})).rules;
    const walked: string[] = [];
    for (let offset = 0; offset < 6; offset++) {
      const p = await rules({ Limit: 1, Offset: offset });
      expect(p.total).toBe(5);
      walked.push(...p.rules);
    }
    expect(walked).toEqual(all);
    const two = await cl.DescribeAssetImageRiskList({ ImageID: id, Limit: 2, Offset: 2 });
    expect([two.TotalCount, two.List!.length]).toEqual([5, 2]);
    const dflt = await cl.DescribeAssetImageRiskList({ ImageID: id });
    expect(dflt.List).toHaveLength(5);
  });

  it('virus rows: SDK fields, scan times, filters, sorting and paging', async () => {
    const id = scan.manifest.imageID;
    const cl = c();
    const l2 = scan.layers[1]!.diffID;
    const scanTime = imageRecord(scan, 'UTC').detail.ScanTime;
    const r = await cl.DescribeAssetImageVirusList({ ImageID: id, Limit: 100 });
    const big = Buffer.concat([Buffer.alloc(5000, 1), MARK_TROJAN]);
    expect(r.List!.find((v) => v.Path === 'opt/big.bin')).toEqual({
      Path: 'opt/big.bin',
      RiskLevel: 4,
      VirusName: 'Unix.Trojan.HullscanTest-1',
      Tags: ['trojan'],
      Desc: 'Unix.Trojan.HullscanTest-1 found',
      Solution: 'delete opt/big.bin and rebuild the layer that adds it',
      Size: big.length,
      FirstScanTime: '2020-01-01 00:00:00',
      LatestScanTime: scanTime,
      Md5: md5(big),
      FileName: 'big.bin',
      CheckPlatform: ['builtin'],
      Category: 'trojan',
      LayerID: l2,
    });
    expect(r.List!.find((v) => v.Path === 'opt/small.sh')).toMatchObject({
      FirstScanTime: scanTime,
      LatestScanTime: scanTime,
    });
    const files = async (req: Omit<Parameters<typeof cl.DescribeAssetImageVirusList>[0], 'ImageID'>) => {
      const x = await cl.DescribeAssetImageVirusList({ ImageID: id, Limit: 100, ...req });
      return { total: x.TotalCount, files: x.List!.map((v) => v.FileName) };
    };
    expect(await files({})).toEqual({ total: 3, files: ['big.bin', 'small.sh', 'sample.txt'] });
    expect(await files({ Filters: [{ Name: 'Name', Values: ['SAMPLE'] }] })).toEqual({
      total: 1,
      files: ['sample.txt'],
    });
    expect(await files({ Filters: [{ Name: 'Name', Values: ['trojan'] }] })).toEqual({
      total: 2,
      files: ['big.bin', 'small.sh'],
    });
    expect((await files({ Filters: [{ Name: 'Name', Values: ['small.sh'], ExactMatch: true }] })).total).toBe(
      1,
    );
    expect((await files({ Filters: [{ Name: 'Name', Values: ['small'], ExactMatch: true }] })).total).toBe(0);
    expect((await files({ Filters: [{ Name: 'Name', Values: ['%'] }] })).total).toBe(0);
    expect(await files({ Filters: [{ Name: 'RiskLevel', Values: ['1'] }] })).toEqual({
      total: 1,
      files: ['sample.txt'],
    });
    expect(await files({ By: 'Size', Order: 'desc' })).toEqual({
      total: 3,
      files: ['big.bin', 'sample.txt', 'small.sh'],
    });
    expect((await files({ By: 'Size' })).files).toEqual(['small.sh', 'sample.txt', 'big.bin']);
    expect((await files({ By: 'FirstScanTime', Order: 'ASC' })).files[0]).toBe('big.bin');
    expect((await files({ By: 'LatestScanTime', Order: 'desc', Limit: 1, Offset: 2 })).total).toBe(3);
    expect(await files({ By: 'Size', Limit: 1, Offset: 1 })).toEqual({ total: 3, files: ['sample.txt'] });
    expect(await files({ Offset: 3 })).toEqual({ total: 3, files: [] });
  });

  it('bad parameters get the codes the other lists give; other accounts see nothing', async () => {
    const id = scan.manifest.imageID;
    const cl = c();
    const risk = (p: object) => cl.DescribeAssetImageRiskList({ ImageID: id, ...p });
    const virus = (p: object) => cl.DescribeAssetImageVirusList({ ImageID: id, ...p });
    for (const call of [risk, virus]) {
      expect(await errorCode(call({ Limit: 101 }))).toBe('InvalidParameterValue');
      expect(await errorCode(call({ Limit: 0 }))).toBe('InvalidParameterValue');
      expect(await errorCode(call({ Offset: -1 }))).toBe('InvalidParameterValue');
      expect(await errorCode(call({ Limit: 'ten' }))).toBe('InvalidParameter');
      expect(await errorCode(call({ By: 'SecretHash' }))).toBe('InvalidParameterValue');
      expect(await errorCode(call({ Order: 'sideways' }))).toBe('InvalidParameterValue');
      expect(await errorCode(call({ Filters: [{ Name: 'Nope', Values: ['1'] }] }))).toBe(
        'InvalidParameterValue',
      );
      expect(await errorCode(call({ Extra: 1 }))).toBe('UnknownParameter');
      expect(await errorCode(call({ ImageID: 42 }))).toBe('InvalidParameter');
      expect(await errorCode(call({ ImageID: '' }))).toBe('InvalidParameterValue');
      expect(await errorCode(call({ ImageID: `sha256:${'0'.repeat(64)}` }))).toBe('ResourceNotFound');
    }
    expect(await errorCode(cl.DescribeAssetImageRiskList({} as never))).toBe('MissingParameter');
    expect(await errorCode(cl.DescribeAssetImageVirusList({} as never))).toBe('MissingParameter');
    for (const bad of ['5', '0', 'high', '', '1,9']) {
      expect(await errorCode(risk({ Filters: [{ Name: 'Level', Values: [bad] }] })), bad).toBe(
        'InvalidParameterValue',
      );
      expect(await errorCode(virus({ Filters: [{ Name: 'RiskLevel', Values: [bad] }] })), bad).toBe(
        'InvalidParameterValue',
      );
    }
    expect(await errorCode(risk({ Filters: [{ Name: 'Type', Values: ['3'] }] }))).toBe(
      'InvalidParameterValue',
    );
    expect(await errorCode(risk({ Filters: [{ Name: 'Behavior', Values: ['5'] }] }))).toBe(
      'InvalidParameterValue',
    );
    // the vulnerability list answers an unknown image the same way
    expect(await errorCode(cl.DescribeAssetImageVulList({ ImageID: `sha256:${'0'.repeat(64)}` }))).toBe(
      'ResourceNotFound',
    );

    const o = client(otherKey);
    expect(await errorCode(o.DescribeAssetImageRiskList({ ImageID: id }))).toBe('ResourceNotFound');
    expect(await errorCode(o.DescribeAssetImageVirusList({ ImageID: id }))).toBe('ResourceNotFound');
  });

  it('no secret is anywhere in clear: responses, server log, database files', async () => {
    expect(responses.length).toBeGreaterThan(20);
    const text = JSON.stringify(responses);
    expect(text).toContain(mask(CLEAR.aws));
    const db = await Promise.all(
      (await readdir(data))
        .filter((f) => f.startsWith('hullscan.db'))
        .map((f) => readFile(path.join(data, f))),
    );
    expect(db.length).toBeGreaterThan(0);
    for (const v of Object.values(CLEAR)) {
      expect(text).not.toContain(v);
      expect(server.stdout() + server.stderr()).not.toContain(v);
      for (const b of db) expect(b.includes(v)).toBe(false);
    }
  });
});
