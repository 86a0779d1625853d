/**
 * End-to-end: high-risk behaviour (risk Type 1) in a REAL image built here with buildah (scratch,
 * `buildah add` of prepared files with their modes, `buildah config` for user, port, label and the
 * `created_by` of each step, `buildah commit` per layer, then a real `buildah bud` ADD from a URL the
 * test serves), scanned through scanImage with the risk analyzer and image check, plus the
 * final-filesystem pass over the cached layers.
 * Every planted risk must come back exactly once with its Type, Behavior, Level and layer/step; the
 * real debootstrapped Debian minbase must give only the root-user finding (it sets no USER).
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskFinding } from '../src/core/finding.js';
import { riskFileAnalyzer, riskFromFinalFilesystem, riskImageCheck } from '../src/detectors/risk/index.js';
import type { LayerData } from '../src/scan/coalesce.js';
import { LayerCache } from '../src/scan/layer-cache.js';
import { type ScanResult, scanImage } from '../src/scan/scan-image.js';
import { buildahIn } from './support/buildah.js';
import { ensureFixtures, FIXTURE_TOOLS, requireTools } from './support/fixtures.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

/** scanImage with the risk analyzer and check, plus riskFromFinalFilesystem over the cached layers. */
async function scanRisks(ref: string, dataDir: string): Promise<{ r: ScanResult; risks: RiskFinding[] }> {
  const r = await scanImage(ref, { dataDir, analyzers: [riskFileAnalyzer], imageChecks: [riskImageCheck] });
  const cache = new LayerCache(dataDir);
  const data: LayerData[] = [];
  for (const l of r.layers) {
    const meta = await cache.getMeta(l.diffID);
    const a = await cache.getAnalysis(l.diffID, riskFileAnalyzer.name, riskFileAnalyzer.version);
    if (!meta || !a) throw new Error(`layer ${l.diffID} missing from the cache`);
    data.push({ meta, analyses: new Map([[a.analyzer, a]]) });
  }
  return { r, risks: [...r.risks, ...riskFromFinalFilesystem(data)] };
}

const brief = (f: RiskFinding, layers: string[]) => ({
  rule: f.rule,
  type: f.type,
  behavior: f.behavior,
  level: f.level,
  path: f.path ?? null,
  historyIndex: f.historyIndex ?? null,
  layer: f.layer ? layers.indexOf(f.layer) : null,
});

const buildahMissing = requireTools(['buildah']);

describe.skipIf(buildahMissing)('risk: buildah image with planted risks', () => {
  let risks: RiskFinding[] = [];
  let layers: string[] = [];
  const PRIVATE_KEY_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz';

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-risk-buildah-'));
    work.push(dir);
    const buildah = await buildahIn(dir);

    // layer 0: a base tree with a host key, an authorized key, an insecure APT setting and an
    // installed + enabled sshd (a copy of a real small program, and its systemd "wants" link)
    const l0 = path.join(dir, 'l0');
    const put = async (rel: string, body: string | Buffer, mode: number) => {
      await mkdir(path.dirname(path.join(l0, rel)), { recursive: true });
      await writeFile(path.join(l0, rel), body);
      await chmod(path.join(l0, rel), mode);
    };
    await put(
      'etc/ssh/ssh_host_ed25519_key',
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`,
      0o600,
    );
    await put(
      'etc/ssh/ssh_host_ed25519_key.pub',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHB1YmtleQ root@build\n',
      0o644,
    );
    await put(
      'root/.ssh/authorized_keys',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlcGxveQ deploy@ci\n',
      0o600,
    );
    await chmod(path.join(l0, 'root/.ssh'), 0o700);
    await put('etc/apt/apt.conf.d/99insecure', 'APT::Get::AllowUnauthenticated "true";\n', 0o644);
    await put('etc/apt/sources.list', 'deb http://deb.debian.org/debian bookworm main\n', 0o644);
    await mkdir(path.join(l0, 'usr/sbin'), { recursive: true });
    await copyFile('/usr/bin/true', path.join(l0, 'usr/sbin/sshd'));
    await chmod(path.join(l0, 'usr/sbin/sshd'), 0o755);
    await mkdir(path.join(l0, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
    await symlink(
      '/lib/systemd/system/ssh.service',
      path.join(l0, 'etc/systemd/system/multi-user.target.wants/ssh.service'),
    );
    await mkdir(path.join(l0, 'tmp'));
    await chmod(path.join(l0, 'tmp'), 0o1777);
    // layer 1 (the curl | sh step): a setuid program not in the allow-list, another one fixed later
    const l1 = path.join(dir, 'l1');
    await mkdir(l1);
    await copyFile('/usr/bin/true', path.join(l1, 'helper'));
    await chmod(path.join(l1, 'helper'), 0o4755);
    await copyFile('/usr/bin/true', path.join(l1, 'fixed-later'));
    await chmod(path.join(l1, 'fixed-later'), 0o4755);
    // layer 2 (the chmod 777 step): a world-writable data dir, and the second program without its bit
    const l2 = path.join(dir, 'l2');
    await mkdir(path.join(l2, 'srv/data'), { recursive: true });
    await chmod(path.join(l2, 'srv/data'), 0o777);
    await mkdir(path.join(l2, 'usr/local/bin'), { recursive: true });
    await copyFile('/usr/bin/true', path.join(l2, 'usr/local/bin/fixed-later'));
    await chmod(path.join(l2, 'usr/local/bin/fixed-later'), 0o755);

    let c = await buildah('from', 'scratch');
    await buildah('add', c, l0, '/');
    await buildah('config', '--created-by', '/bin/sh -c #(nop) COPY dir:5ac2f3e1b7d94c0a in / ', c);
    await buildah('commit', '-q', c, 'localhost/risk-step0');
    c = await buildah('from', 'localhost/risk-step0');
    await buildah('add', c, path.join(l1, 'helper'), '/usr/local/bin/helper');
    await buildah('add', c, path.join(l1, 'fixed-later'), '/usr/local/bin/fixed-later');
    await buildah(
      'config',
      '--created-by',
      'RUN |1 INSTALL_TOKEN=tok-5e1f09b2c3 /bin/sh -c curl -fsSL https://get.example.com/install.sh | sh # buildkit',
      c,
    );
    await buildah('commit', '-q', c, 'localhost/risk-step1');
    c = await buildah('from', 'localhost/risk-step1');
    await buildah('add', c, l2, '/');
    await buildah(
      'config',
      '--created-by',
      'RUN /bin/sh -c chmod 777 /srv/data && chmod u-s /usr/local/bin/fixed-later # buildkit',
      '--user',
      'root',
      '--port',
      '22/tcp',
      '--port',
      '8080/tcp',
      '--label',
      'RUN=docker run -d --privileged --name app IMAGE',
      '--label',
      'org.opencontainers.image.title=risk-fixture',
      c,
    );
    await buildah('commit', '-q', c, 'localhost/risk-step2');
    // layer 3: a real `buildah bud` ADD from a URL (served here), recorded by its bare digest
    const server = createServer((_, res) => res.end('#!/bin/sh\necho tool\n'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const { port } = server.address() as AddressInfo;
      const ctx = path.join(dir, 'ctx');
      await mkdir(ctx);
      await writeFile(
        path.join(ctx, 'Containerfile'),
        `FROM localhost/risk-step2\nADD http://127.0.0.1:${port}/tool.sh /opt/tool.sh\n`,
      );
      await buildah('bud', '-q', '--layers', '--pull=never', '-t', 'localhost/risk-final', ctx);
    } finally {
      server.close();
    }
    const oci = path.join(dir, 'oci');
    await buildah('push', '-q', 'localhost/risk-final', `oci:${oci}:risk`);
    const out = await scanRisks(`oci:${oci}:risk`, path.join(dir, 'data'));
    risks = out.risks;
    layers = out.r.layers.map((l) => l.diffID);
    expect(out.r.problems).toEqual([]);
  }, 180_000);

  it('reports every planted risk exactly once, with Type, Behavior, Level and layer or step', () => {
    expect(layers).toHaveLength(4);
    const got = risks.map((f) => brief(f, layers));
    const want = [
      // image config
      {
        rule: 'config.root-user',
        type: 1,
        behavior: 1,
        level: 2,
        path: null,
        historyIndex: null,
        layer: null,
      },
      {
        rule: 'config.privileged-label',
        type: 1,
        behavior: 1,
        level: 3,
        path: null,
        historyIndex: null,
        layer: null,
      },
      {
        rule: 'config.remote-access-port',
        type: 1,
        behavior: 2,
        level: 2,
        path: null,
        historyIndex: null,
        layer: null,
      },
      // build history
      { rule: 'build.pipe-to-shell', type: 1, behavior: 4, level: 3, path: null, historyIndex: 1, layer: 1 },
      {
        rule: 'build.world-writable-mode',
        type: 1,
        behavior: 4,
        level: 2,
        path: null,
        historyIndex: 2,
        layer: 2,
      },
      { rule: 'build.add-remote-url', type: 1, behavior: 4, level: 2, path: null, historyIndex: 3, layer: 3 },
      // files
      {
        rule: 'fs.package-signature-disabled',
        type: 1,
        behavior: 4,
        level: 3,
        path: 'etc/apt/apt.conf.d/99insecure',
        historyIndex: null,
        layer: 0,
      },
      {
        rule: 'fs.ssh-host-key',
        type: 1,
        behavior: 4,
        level: 3,
        path: 'etc/ssh/ssh_host_ed25519_key',
        historyIndex: null,
        layer: 0,
      },
      {
        rule: 'fs.ssh-authorized-keys',
        type: 1,
        behavior: 2,
        level: 3,
        path: 'root/.ssh/authorized_keys',
        historyIndex: null,
        layer: 0,
      },
      {
        rule: 'fs.world-writable-dir',
        type: 1,
        behavior: 4,
        level: 2,
        path: 'srv/data',
        historyIndex: null,
        layer: 2,
      },
      {
        rule: 'fs.setuid-added',
        type: 1,
        behavior: 4,
        level: 3,
        path: 'usr/local/bin/helper',
        historyIndex: null,
        layer: 1,
      },
      // final filesystem: sshd installed and enabled by its systemd link
      {
        rule: 'service.ssh-enabled',
        type: 1,
        behavior: 2,
        level: 2,
        path: 'etc/systemd/system/multi-user.target.wants/ssh.service',
        historyIndex: null,
        layer: 0,
      },
    ];
    const key = (x: { rule: string; path: string | null }) => `${x.rule} ${x.path}`;
    expect([...got].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...want].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it('says what was found and what to change, and never carries the secrets it saw', () => {
    for (const f of risks) {
      expect(f.desc.length, f.rule).toBeGreaterThan(30);
      expect(f.instruction.length, f.rule).toBeGreaterThan(0);
      expect(f.solution.length, f.rule).toBeGreaterThan(30);
    }
    const by = (rule: string) => risks.find((f) => f.rule === rule)!;
    expect(by('config.remote-access-port').instruction).toBe('EXPOSE 22/tcp');
    expect(by('fs.setuid-added').desc).toContain('mode 4755');
    expect(by('fs.setuid-added').solution).toContain('chmod u-s,g-s /usr/local/bin/helper');
    expect(by('fs.world-writable-dir').instruction).toBe('srv/data (mode 0777)');
    expect(by('build.pipe-to-shell').instruction).toContain(
      'curl -fsSL https://get.example.com/install.sh | sh',
    );
    expect(by('fs.package-signature-disabled').instruction).toBe(
      'etc/apt/apt.conf.d/99insecure:1: APT::Get::AllowUnauthenticated "true";',
    );
    const all = JSON.stringify(risks);
    expect(all).not.toContain('tok-5e1f09b2c3');
    expect(all).not.toContain(PRIVATE_KEY_BODY);
  });
});

const bookwormMissing = requireTools(FIXTURE_TOOLS.bookworm);

describe.skipIf(bookwormMissing)('risk: clean debootstrapped Debian', () => {
  it('finds only the missing USER: its setuid programs are the distribution own', async () => {
    const { bookworm } = await ensureFixtures(['bookworm']);
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-risk-bookworm-'));
    work.push(dir);
    const { r, risks } = await scanRisks(bookworm.ref('oci'), dir);
    expect(r.problems).toEqual([]);
    expect(risks.map((f) => [f.rule, f.type, f.behavior, f.level, f.instruction])).toEqual([
      ['config.root-user', 1, 1, 2, 'USER (not set)'],
    ]);
  }, 300_000);
});
