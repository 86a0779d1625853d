/**
 * The OCI distribution client against Debian's real docker-registry on 127.0.0.1: plain HTTP,
 * htpasswd basic auth, TLS with a self-signed CA, a token-auth realm; OCI and Docker v2s2 manifests,
 * a multi-arch index, catalog and tag paging.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../src/sources/open-source.js';
import { addressPolicy } from '../src/sources/registry/address-policy.js';
import { DistributionClient, registryClient } from '../src/sources/registry/client.js';
import { openRegistryImage } from '../src/sources/registry/registry-source.js';
import { RegistryError } from '../src/sources/registry/types.js';
import { ensureFixtures, type Fixtures, requireTools } from './support/fixtures.js';
import { closeRegistry, REGISTRY_TOOLS, startRegistry, type TestRegistry } from './support/registry.js';

const skip = requireTools([...REGISTRY_TOOLS, 'umoci', 'jq']);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RegistryError) return e.code;
    throw e;
  }
  return 'ok';
}

describe.skipIf(skip)('registry client against docker-registry', () => {
  let fx: Fixtures<'small' | 'multi'>;
  let plain: TestRegistry;
  let basic: TestRegistry;
  let tls: TestRegistry;
  let token: TestRegistry;
  let mtls: TestRegistry;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'hullscan-regc-'));
    fx = await ensureFixtures(['small', 'multi']);
    [plain, basic, tls, token, mtls] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: 'basic' }),
      startRegistry({ tls: true }),
      startRegistry({ auth: 'token' }),
      startRegistry({ tls: true, clientCert: true }),
    ]);
    const small = fx.small.ref('oci');
    await Promise.all([
      plain
        .push(small, 'hullscan/small:oci')
        .then(() => plain.push(small, 'hullscan/small:v2s2', ['--format', 'v2s2'])),
      plain.push(fx.multi.ref('oci'), 'hullscan/multi:1', ['--all']),
      basic.push(small, 'private/small:1'),
      tls.push(small, 'secure/small:1'),
      token.push(small, 'tok/small:1'),
      mtls.push(small, 'mtls/small:1'),
    ]);
    // enough repositories and tags to need several pages at n=2 (one push per repository at a time:
    // concurrent pushes of the same blobs into one repository race in the registry)
    for (const t of ['a', 'b', 'c']) await plain.push(small, `hullscan/paged:${t}`);
    await Promise.all(['x/one', 'x/two'].map((r) => plain.push(small, `${r}:1`)));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([plain, basic, tls, token, mtls].map((r) => closeRegistry(r)));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('plain HTTP (insecure): ping, an OCI image described with names and repo digests', async () => {
    const src = await openRegistryImage(`${plain.host}/hullscan/small:oci`, {
      host: plain.host,
      insecure: true,
    });
    try {
      const m = await src.describe();
      expect(m.transport).toBe('docker');
      expect(m.names).toEqual([`${plain.host}/hullscan/small:oci`]);
      expect(m.manifestDigest).toBe(fx.small.meta.manifestDigest);
      expect(m.repoDigests).toEqual([`${plain.host}/hullscan/small@${fx.small.meta.manifestDigest}`]);
      expect(m.imageID).toBe(fx.small.meta.imageId);
      expect(m.layers.map((l) => l.diffID)).toEqual(fx.small.meta.layers.map((l) => l.diffID));
      expect(m.layers.map((l) => l.digest)).toEqual(fx.small.meta.layers.map((l) => l.digest));
    } finally {
      await src.close();
    }
  });

  it('without --insecure a plain-HTTP registry is not reached over https', async () => {
    const c = registryClient({ host: plain.host, retries: 0, timeoutMs: 3000 });
    try {
      expect(await code(c.ping())).toMatch(/tls|unreachable/);
    } finally {
      c.close();
    }
  });

  it('Docker v2s2 manifests: same config, Docker media types, digest by HEAD matches', async () => {
    const src = await openSource(`docker://${plain.host}/hullscan/small:v2s2`, {
      registry: { insecure: true },
    });
    try {
      const m = await src.describe();
      expect(m.imageID).toBe(fx.small.meta.imageId);
      expect(m.layers.every((l) => l.mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe(
        true,
      );
      const c = registryClient({ host: plain.host, insecure: true });
      try {
        expect(await c.digest('hullscan/small', 'v2s2')).toBe(m.manifestDigest);
        expect(m.manifestDigest).not.toBe(fx.small.meta.manifestDigest);
      } finally {
        c.close();
      }
    } finally {
      await src.close();
    }
  });

  it('a multi-arch index: the platform asked is picked, a missing one is a clear error', async () => {
    const ref = `${plain.host}/hullscan/multi:1`;
    const arm = await openRegistryImage(
      ref,
      { host: plain.host, insecure: true },
      {
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
    );
    const amd = await openRegistryImage(
      ref,
      { host: plain.host, insecure: true },
      {
        platform: { os: 'linux', architecture: 'amd64' },
      },
    );
    try {
      const a = await arm.describe();
      const b = await amd.describe();
      expect(a.imageID).toBe(fx.multi.meta.platforms['linux/arm64/v8'].imageId);
      expect(b.imageID).toBe(fx.multi.meta.platforms['linux/amd64'].imageId);
      // the repo digest names the index, the manifest digest the platform's manifest
      expect(a.repoDigests).toEqual([`${plain.host}/hullscan/multi@${fx.multi.meta.indexDigest}`]);
      expect(b.manifestDigest).toBe(fx.multi.meta.platforms['linux/amd64'].manifestDigest);
    } finally {
      await arm.close();
      await amd.close();
    }
    const none = await openRegistryImage(
      ref,
      { host: plain.host, insecure: true },
      {
        platform: { os: 'linux', architecture: 's390x' },
      },
    );
    try {
      await expect(none.describe()).rejects.toThrow(
        /no manifest for platform linux\/s390x.*available: linux\/amd64/,
      );
    } finally {
      await none.close();
    }
  });

  it('repositories() and tags() page through everything pushed (n=2)', async () => {
    const c = registryClient({ host: plain.host, insecure: true, pageSize: 2 });
    try {
      expect((await c.repositories()).sort()).toEqual(
        ['hullscan/multi', 'hullscan/paged', 'hullscan/small', 'x/one', 'x/two'].sort(),
      );
      expect((await c.tags('hullscan/paged')).sort()).toEqual(['a', 'b', 'c']);
      expect((await c.tags('hullscan/small')).sort()).toEqual(['oci', 'v2s2']);
      expect(await code(c.tags('no/such'))).toBe('not-found');
    } finally {
      c.close();
    }
  });

  it('htpasswd basic auth: right password works, wrong or none is unauthorized', async () => {
    const ok = registryClient({
      host: basic.host,
      insecure: true,
      username: basic.user,
      password: basic.password,
    });
    const bad = registryClient({ host: basic.host, insecure: true, username: basic.user, password: 'wrong' });
    const anon = registryClient({ host: basic.host, insecure: true });
    try {
      await ok.ping();
      expect(await ok.tags('private/small')).toEqual(['1']);
      expect(await code(bad.tags('private/small'))).toBe('unauthorized');
      expect(await code(anon.ping())).toBe('unauthorized');
      const err = await bad.ping().catch((e: Error) => e);
      expect(String((err as Error).message)).not.toContain('wrong');
    } finally {
      ok.close();
      bad.close();
      anon.close();
    }
    const src = await openSource(`docker://${basic.host}/private/small:1`, {
      registry: { insecure: true, username: basic.user, password: basic.password },
    });
    try {
      expect((await src.describe()).imageID).toBe(fx.small.meta.imageId);
    } finally {
      await src.close();
    }
  });

  it('TLS with a self-signed CA: trusted through the CA or --cert-dir, refused without, --insecure skips verification', async () => {
    const withCa = registryClient({ host: tls.host, ca: [tls.caPem!] });
    const without = registryClient({ host: tls.host, retries: 0 });
    const insecure = registryClient({ host: tls.host, insecure: true });
    try {
      expect(await withCa.tags('secure/small')).toEqual(['1']);
      expect(await code(without.ping())).toBe('tls');
      expect(await insecure.tags('secure/small')).toEqual(['1']);
    } finally {
      withCa.close();
      without.close();
      insecure.close();
    }
    const src = await openSource(`docker://${tls.host}/secure/small:1`, {
      registry: { certDir: tls.certDir },
    });
    try {
      expect((await src.describe()).imageID).toBe(fx.small.meta.imageId);
      // the blob streams over TLS too
      const layer = (await src.describe()).layers[0]!;
      let n = 0;
      for await (const chunk of await src.openLayer(layer)) n += (chunk as Buffer).length;
      expect(n).toBe(layer.size);
    } finally {
      await src.close();
    }
  });

  it('a registry asking for a client certificate: --cert-dir client.cert/client.key is presented', async () => {
    const src = await openSource(`docker://${mtls.host}/mtls/small:1`, {
      registry: { certDir: mtls.certDir },
    });
    try {
      expect((await src.describe()).imageID).toBe(fx.small.meta.imageId);
    } finally {
      await src.close();
    }
    const noCert = registryClient({ host: mtls.host, ca: [mtls.caPem!], retries: 0 });
    try {
      expect(await code(noCert.ping())).toMatch(/tls|unreachable/);
    } finally {
      noCert.close();
    }
  });

  it('token auth: the realm is asked once per scope, then the cached token is used', async () => {
    const ts = token.tokenServer!;
    const before = ts.requests;
    const c = new DistributionClient({
      host: token.host,
      insecure: true,
      username: token.user,
      password: token.password,
    });
    try {
      expect(await c.tags('tok/small')).toEqual(['1']);
      expect(await c.tags('tok/small')).toEqual(['1']);
      expect(await c.digest('tok/small', '1')).toMatch(/^sha256:/);
      expect(ts.requests - before).toBe(1);
      expect(c.tokenRequests).toBe(1);
      expect(ts.scopes.at(-1)).toBe('repository:tok/small:pull');
      expect(await c.repositories()).toEqual(['tok/small']);
      expect(ts.scopes.at(-1)).toBe('registry:catalog:*');
      expect(ts.requests - before).toBe(2);
    } finally {
      c.close();
    }
    const bad = registryClient({ host: token.host, insecure: true, username: token.user, password: 'nope' });
    try {
      expect(await code(bad.tags('tok/small'))).toBe('unauthorized');
    } finally {
      bad.close();
    }
  });

  it('policy: 127.0.0.1 refused unless allowed', async () => {
    const refused = registryClient({
      host: plain.host,
      insecure: true,
      policy: addressPolicy([]),
      retries: 0,
    });
    const allowed = registryClient({
      host: plain.host,
      insecure: true,
      policy: addressPolicy(['127.0.0.0/8']),
    });
    const byName = registryClient({
      host: `localhost:${plain.port}`,
      insecure: true,
      policy: addressPolicy(['localhost']),
    });
    try {
      const e = await refused.ping().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RegistryError);
      expect((e as RegistryError).code).toBe('forbidden-address');
      expect((e as RegistryError).message).toContain('127.0.0.1');
      await allowed.ping();
      await byName.ping();
    } finally {
      refused.close();
      allowed.close();
      byName.close();
    }
  });
});
