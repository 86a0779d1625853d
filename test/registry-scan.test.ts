/**
 * `hullscan scan docker://…` and `hullscan submit docker://…` flags against a real docker-registry:
 * the same image scanned from the registry and from an OCI layout / docker-archive gives the same
 * result, credentials work and are never printed, bad flags are usage errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type Fixtures, requireTools, runCli } from './support/fixtures.js';
import { closeRegistry, REGISTRY_TOOLS, startRegistry, type TestRegistry } from './support/registry.js';

const skip = requireTools([...REGISTRY_TOOLS, 'umoci', 'jq']);

type ScanJson = {
  detail: Record<string, unknown>;
  components: Record<string, unknown>[];
  layers: { diffID: string; cached: boolean }[];
  image: unknown;
  risks?: unknown[];
};

describe.skipIf(skip)('hullscan scan docker://', () => {
  let fx: Fixtures<'small'>;
  let plain: TestRegistry;
  let basic: TestRegistry;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'hullscan-regs-'));
    fx = await ensureFixtures(['small']);
    [plain, basic] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic' })]);
    await Promise.all([
      plain
        .push(fx.small.ref('oci'), 'hullscan/small:1.0')
        .then(() => plain.push(fx.small.ref('docker-archive'), 'hullscan/small:v2s2', ['--format', 'v2s2'])),
      basic.push(fx.small.ref('oci'), 'private/small:1.0'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([closeRegistry(plain), closeRegistry(basic)]);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('the same image from the registry and from an OCI layout / docker-archive: same scan result', async () => {
    const args = ['--format', 'json', '--quiet', '--scanners', 'secret,risk'];
    const [fromOci, fromArchive, fromRegistry, fromV2s2] = await Promise.all([
      runCli(['scan', fx.small.ref('oci'), ...args], { dataDir: path.join(tmp, 'd1') }),
      runCli(['scan', fx.small.ref('docker-archive'), ...args], { dataDir: path.join(tmp, 'd2') }),
      runCli(['scan', `docker://${plain.host}/hullscan/small:1.0`, '--insecure', ...args], {
        dataDir: path.join(tmp, 'd3'),
      }),
      runCli(['scan', `docker://${plain.host}/hullscan/small:v2s2`, '--insecure', ...args], {
        dataDir: path.join(tmp, 'd4'),
      }),
    ]);
    for (const r of [fromOci, fromArchive, fromRegistry, fromV2s2]) expect(r.code, r.stderr).toBe(0);
    const oci = fromOci.json as ScanJson;
    const reg = fromRegistry.json as ScanJson;
    const v2 = fromV2s2.json as ScanJson;
    const arch = fromArchive.json as ScanJson;
    expect(reg.components.length).toBeGreaterThan(0);
    expect(reg.components).toEqual(oci.components);
    expect(v2.components).toEqual(arch.components);
    expect(reg.image).toEqual(oci.image);
    expect(reg.risks).toEqual(oci.risks);
    // every detail field but those naming where the image was read from or when
    const referenceDependent = new Set(['ImageName', 'RepoDigests', 'ImageDigest', 'ScanTime']);
    // the build history ends with the image's tags (`# … tags:HOST/REPO:TAG`): reference-dependent too
    const strip = (d: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(d)
          .filter(([k]) => !referenceDependent.has(k))
          .map(([k, v]) => [k, typeof v === 'string' ? v.replace(/ tags:[^\n]*/g, ' tags:') : v]),
      );
    expect(strip(reg.detail)).toEqual(strip(oci.detail));
    expect(strip(v2.detail)).toEqual(strip(arch.detail));
    expect(reg.detail.ImageID).toBe(fx.small.meta.imageId);
    // skopeo pushed the OCI manifest unchanged: same digest; the registry adds the repo digest
    expect(reg.detail.ImageDigest).toBe(oci.detail.ImageDigest);
    expect(reg.detail.RepoDigests).toEqual([`${plain.host}/hullscan/small@${fx.small.meta.manifestDigest}`]);
    expect(reg.detail.ImageName).toBe(`${plain.host}/hullscan/small:1.0`);
    expect(JSON.stringify(reg.detail)).toContain(`${plain.host}/hullscan/small`);
  }, 120_000);

  it('a rescan reads no layer again (the layer cache); --creds works and is never printed', async () => {
    const data = path.join(tmp, 'creds');
    const ref = `docker://${basic.host}/private/small:1.0`;
    const ok = await runCli(
      [
        'scan',
        ref,
        '--insecure',
        '--creds',
        `${basic.user}:${basic.password}`,
        '--format',
        'json',
        '--quiet',
      ],
      { dataDir: data },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect((ok.json as ScanJson).layers.some((l) => !l.cached)).toBe(true);
    const again = await runCli(
      [
        'scan',
        ref,
        '--insecure',
        '--creds',
        `${basic.user}:${basic.password}`,
        '--format',
        'json',
        '--quiet',
      ],
      { dataDir: data },
    );
    expect((again.json as ScanJson).layers.every((l) => l.cached)).toBe(true);
    const wrong = await runCli(
      ['scan', ref, '--insecure', '--creds', `${basic.user}:hunter2-wrong`, '--quiet'],
      { dataDir: data },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unauthorized/);
    expect(wrong.stderr + wrong.stdout).not.toContain('hunter2-wrong');
    const none = await runCli(['scan', ref, '--insecure', '--quiet'], { dataDir: data });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/unauthorized/);
  }, 60_000);

  it('bad flags are usage errors (exit 2), never echoing the password', async () => {
    const data = path.join(tmp, 'flags');
    const noColon = await runCli(
      ['scan', `docker://${plain.host}/hullscan/small:1.0`, '--creds', 'justapassword'],
      { dataDir: data },
    );
    expect(noColon.code).toBe(2);
    expect(noColon.stderr).toMatch(/--creds/);
    expect(noColon.stderr).not.toContain('justapassword');
    const notRegistry = await runCli(['scan', fx.small.ref('oci'), '--insecure'], { dataDir: data });
    expect(notRegistry.code).toBe(2);
    expect(notRegistry.stderr).toMatch(/docker:\/\//);
    const noDir = await runCli(
      ['scan', `docker://${plain.host}/hullscan/small:1.0`, '--cert-dir', path.join(tmp, 'nope')],
      { dataDir: data },
    );
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/--cert-dir/);
    const submit = await runCli(
      [
        'submit',
        `docker://${plain.host}/hullscan/small:1.0`,
        '--server',
        'http://127.0.0.1:9',
        '--creds',
        'x',
      ],
      { dataDir: data },
    );
    expect(submit.code).toBe(2);
    expect(submit.stderr).toMatch(/--creds/);
    // https to a plain-HTTP registry without --insecure: a clear one-line error, not a crash
    const noInsecure = await runCli(['scan', `docker://${plain.host}/hullscan/small:1.0`, '--quiet'], {
      dataDir: data,
    });
    expect(noInsecure.code).toBe(2);
    expect(noInsecure.stderr).toMatch(/registry (tls|unreachable)/);
    expect(noInsecure.stderr).not.toMatch(/internal error/);
  }, 60_000);
});
