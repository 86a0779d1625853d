/**
 * `hullscan scan sbom:PATH` end to end: CycloneDX and SPDX documents written by `scan --format`
 * from a real image scan back to the same components and vulnerabilities, documents written by
 * hand (other tools' shapes), and hostile input (exit 2, one line naming the file).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycloneDxBom } from '../src/cli/output/cyclonedx.js';
import type { ScanReport } from '../src/cli/output/report.js';
import { spdxDocument } from '../src/cli/output/spdx.js';
import { parseSbom } from '../src/sbom/read-sbom.js';
import { imageDetail } from '../src/scan/detail.js';
import { openStore } from '../src/store/open-store.js';
import {
  ensureFixtures,
  FIXTURE_TOOLS,
  type Fixtures,
  REPO_ROOT,
  requireTools,
  runCli,
} from './support/fixtures.js';

const FEED = path.join(REPO_ROOT, 'test/testdata/feeds/debian-tracker-small.json');
const skip = requireTools(FIXTURE_TOOLS.small);

interface Out {
  detail: { ImageID: string; ImageName: string; OsName: string; VulCnt: number; CreateTime: string };
  sbom?: { format: string; specVersion: string };
  components: { name: string; version: string; type: string; layer: string; path: string; purl: string }[];
  vulnerabilities: { CVEID: string; Component: string; Level: number; Purl: string }[];
  problems: { path: string; message: string }[];
}

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const withoutLocation = (cs: Out['components']) => cs.map(({ layer: _l, path: _p, ...c }) => c);

/** The SPDX 2.3 structure hullscan writes: required fields, ids, purl refs, relationships that resolve. */
function checkSpdx(doc: Record<string, unknown>): void {
  expect(doc).toMatchObject({
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    documentDescribes: ['SPDXRef-Image'],
  });
  expect(doc.name).toEqual(expect.any(String));
  expect(doc.documentNamespace).toMatch(/^https:\/\/[^#]+$/);
  const ci = doc.creationInfo as { created: string; creators: string[] };
  expect(ci.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(ci.creators[0]).toMatch(/^Tool: hullscan-/);
  const packages = doc.packages as Record<string, unknown>[];
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  for (const p of packages) {
    expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    expect(ids.has(p.SPDXID as string)).toBe(false);
    ids.add(p.SPDXID as string);
    expect(p.name).toEqual(expect.any(String));
    expect(p.downloadLocation).toBe('NOASSERTION');
    expect(p.filesAnalyzed).toBe(false);
    expect(['CONTAINER', 'OPERATING-SYSTEM', 'LIBRARY']).toContain(p.primaryPackagePurpose);
    for (const r of (p.externalRefs ?? []) as Record<string, string>[]) {
      expect(r).toMatchObject({ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl' });
      expect(r.referenceLocator).toMatch(/^pkg:/);
    }
  }
  const refs = new Set(
    ((doc.hasExtractedLicensingInfos ?? []) as { licenseId: string }[]).map((l) => l.licenseId),
  );
  for (const p of packages) {
    for (const m of String(p.licenseDeclared ?? '').matchAll(/LicenseRef-[A-Za-z0-9.-]+/g))
      expect(refs).toContain(m[0]);
  }
  const rels = doc.relationships as Record<string, string>[];
  for (const r of rels) {
    expect(ids).toContain(r.spdxElementId);
    expect(ids).toContain(r.relatedSpdxElement);
    expect(['DESCRIBES', 'CONTAINS']).toContain(r.relationshipType);
  }
  expect(rels.filter((r) => r.relationshipType === 'CONTAINS')).toHaveLength(packages.length - 1);
}

describe.skipIf(skip)('scan sbom: round trips through the formats hullscan writes', () => {
  let fx: Fixtures<'small'>;
  let work: string;
  let data: string;
  let image: Out;
  beforeAll(async () => {
    fx = await ensureFixtures(['small']);
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-sbom-'));
    data = path.join(work, 'data');
    const imp = await runCli(['db', 'import', FEED], { dataDir: data });
    expect(imp.code, imp.stderr).toBe(0);
    const r = await runCli(['scan', fx.small.ref('docker-archive'), '-q', '--format', 'json'], {
      dataDir: data,
    });
    expect(r.code, r.stderr).toBe(0);
    image = r.json as Out;
    expect(image.vulnerabilities).toHaveLength(3);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  for (const format of ['cyclonedx', 'spdx'] as const) {
    it(`${format}: scan image --format ${format}, then scan sbom: gives the same components and vulnerabilities`, async () => {
      const r = await runCli(['scan', fx.small.ref('docker-archive'), '-q', '--format', format], {
        dataDir: data,
      });
      expect(r.code, r.stderr).toBe(0);
      const file = path.join(work, `bom.${format}.json`);
      await writeFile(file, r.stdout);
      const back = await runCli(['scan', `sbom:${file}`, '--format', 'json'], { dataDir: data });
      expect(back.code, back.stderr).toBe(0);
      const out = back.json as Out;
      expect(out.sbom?.format).toBe(format);
      expect(out.detail.ImageID).toBe(sha256(r.stdout));
      expect(out.detail.ImageName).toBe(image.detail.ImageName);
      expect(out.detail.OsName).toBe('debian:12.5');
      expect(out.detail.VulCnt).toBe(3);
      expect(out.problems).toEqual([]);
      if (format === 'cyclonedx') expect(out.components).toEqual(image.components);
      else expect(withoutLocation(out.components)).toEqual(withoutLocation(image.components));
      expect(out.vulnerabilities).toEqual(image.vulnerabilities);
      // stored like an image, so the API lists it
      const store = await openStore(data);
      try {
        const stored = await store.getImage({ appId: 1, uin: '1' }, out.detail.ImageID);
        expect(stored?.VulCnt).toBe(3);
        expect(stored?.ImageName).toBe(image.detail.ImageName);
      } finally {
        await store.close();
      }
      const table = await runCli(['scan', `sbom:${file}`], { dataDir: data });
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(/^SBOM +docker\.io\/hullscan-test\/small:1\.0$/m);
      expect(table.stdout).toMatch(/^Vulns +3 \(high 1, medium 1, low 1\)$/m);
    });
  }

  it('cyclonedx output passes the CycloneDX 1.6 strict JSON schema, with OS, purls and vulnerabilities', async () => {
    const r = await runCli(['scan', fx.small.ref('docker-archive'), '-q', '--format', 'cyclonedx'], {
      dataDir: data,
    });
    expect(r.code, r.stderr).toBe(0);
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(r.stdout)).toBeNull();
    const bom = r.json as {
      components: { type: string; name: string; purl?: string; 'bom-ref': string }[];
      vulnerabilities: { id: string; ratings: { severity: string }[]; affects: { ref: string }[] }[];
    };
    expect(bom.components[0]).toMatchObject({ type: 'operating-system', name: 'debian', version: '12.5' });
    expect(bom.components.filter((c) => c.type === 'library')).toHaveLength(image.components.length);
    expect(bom.vulnerabilities.map((v) => [v.id, v.ratings[0]!.severity])).toEqual([
      ['CVE-2024-90002', 'high'],
      ['CVE-2024-90001', 'medium'],
      ['CVE-2023-90004', 'low'],
    ]);
    const refs = new Set(bom.components.map((c) => c['bom-ref']));
    for (const v of bom.vulnerabilities) for (const a of v.affects) expect(refs).toContain(a.ref);
    // the validator does reject what is not CycloneDX
    expect(
      await validator.validate(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 'x' })),
    ).not.toBeNull();
  });

  it('spdx output has the SPDX 2.3 structure', async () => {
    const r = await runCli(['scan', fx.small.ref('docker-archive'), '-q', '--format', 'spdx'], {
      dataDir: data,
    });
    expect(r.code, r.stderr).toBe(0);
    checkSpdx(r.json as Record<string, unknown>);
  });
});

const REPORT: ScanReport = {
  detail: {
    ...imageDetail(emptyScan()),
    ImageID: `sha256:${'a'.repeat(64)}`,
    ImageName: 'example.com/app:1',
  },
  os: { id: 'debian', version: '12.5', source: 'test' },
  components: [
    {
      name: 'libc6',
      version: '2.36-9+deb12u4',
      type: 'deb',
      arch: 'amd64',
      sourceName: 'glibc',
      sourceVersion: '2.36-9+deb12u4',
      licenses: ['LGPL-2.1', 'GPL-2+ with exceptions', 'public domain'],
      purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12.5',
    },
  ],
  vulnerabilities: [],
  toolVersion: '0.0.0',
  now: new Date('2026-01-02T03:04:05Z'),
};

function emptyScan() {
  return {
    manifest: {
      reference: 'x',
      transport: 'x',
      names: [],
      repoDigests: [],
      imageID: 'sha256:x',
      config: {},
      layers: [],
    },
    layers: [],
    components: [],
    risks: [],
    viruses: [],
    problems: [],
    scannedAt: new Date('2026-01-02T03:04:05Z'),
  };
}

describe('SBOM documents in and out', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'hullscan-sbom-docs-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('licenses that are not SPDX ids survive SPDX (LicenseRef-) and CycloneDX (name) and validate', async () => {
    const spdx = spdxDocument(REPORT) as Record<string, unknown>;
    checkSpdx(spdx);
    expect((spdx.packages as { licenseDeclared?: string }[])[2]!.licenseDeclared).toBe(
      'LGPL-2.1 AND LicenseRef-GPL-2-with-exceptions AND LicenseRef-public-domain',
    );
    const fromSpdx = parseSbom('x.spdx.json', Buffer.from(JSON.stringify(spdx)));
    expect(fromSpdx.components).toEqual(
      [{ ...REPORT.components[0], release: undefined }].map(({ release: _, ...c }) => c),
    );
    expect(fromSpdx.os).toMatchObject({ id: 'debian', version: '12.5' });
    const bom = JSON.stringify(cycloneDxBom(REPORT));
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(bom)).toBeNull();
    expect(parseSbom('x.cdx.json', Buffer.from(bom)).components).toEqual(fromSpdx.components);
  });

  it('reads CycloneDX 1.4 with nested components, an OS component, apk/rpm/npm purls and components without purls', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      version: 1,
      metadata: {
        timestamp: '2025-05-06T07:08:09Z',
        component: { type: 'container', name: 'alpine', version: '3.19' },
      },
      components: [
        { type: 'operating-system', name: 'alpine', version: '3.19.1' },
        {
          type: 'library',
          name: 'musl',
          version: '1.2.4-r2',
          purl: 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1',
          licenses: [{ license: { id: 'MIT' } }],
          components: [
            { type: 'library', name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21' },
          ],
        },
        {
          type: 'library',
          name: 'bash',
          version: '5.1.8-6.el9',
          purl: 'pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&epoch=1',
        },
        { type: 'library', name: 'mystery' },
        { type: 'file', name: '/etc/passwd' },
      ],
    };
    const s = parseSbom('a.json', Buffer.from(JSON.stringify(doc)));
    expect(s).toMatchObject({ format: 'cyclonedx', specVersion: 'CycloneDX 1.4', name: 'alpine:3.19' });
    expect(s.os).toMatchObject({ id: 'alpine', version: '3.19.1' });
    expect(s.components.map((c) => [c.type, c.name, c.version, c.arch, c.licenses])).toEqual([
      ['apk', 'musl', '1.2.4-r2', 'x86_64', ['MIT']],
      ['npm', 'lodash', '4.17.21', undefined, undefined],
      ['rpm', 'bash', '1:5.1.8-6.el9', 'x86_64', undefined],
    ]);
    expect(s.components[2]).toMatchObject({ epoch: 1, release: '6.el9' });
    expect(s.problems).toEqual([{ path: 'mystery@', message: 'no purl; skipped' }]);
  });

  it('takes the OS from purl distro qualifiers when the metadata names none (deb and apk forms)', () => {
    const deb = parseSbom(
      'd.json',
      Buffer.from(
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          components: [
            { type: 'library', name: 'zlib1g', purl: 'pkg:deb/debian/zlib1g@1.2?distro=debian-12.5' },
          ],
        }),
      ),
    );
    expect(deb.os).toMatchObject({ id: 'debian', version: '12.5' });
    const apk = parseSbom(
      's.json',
      Buffer.from(
        JSON.stringify({
          spdxVersion: 'SPDX-2.2',
          SPDXID: 'SPDXRef-DOCUMENT',
          name: 'alpine-doc',
          packages: [
            {
              SPDXID: 'SPDXRef-p1',
              name: 'musl',
              licenseDeclared: 'NOASSERTION',
              externalRefs: [
                {
                  referenceCategory: 'PACKAGE-MANAGER',
                  referenceType: 'purl',
                  referenceLocator: 'pkg:apk/alpine/musl@1.2.4-r2?distro=3.19.1',
                },
              ],
            },
          ],
        }),
      ),
    );
    expect(apk).toMatchObject({ format: 'spdx', specVersion: 'SPDX-2.2', name: 'alpine-doc' });
    expect(apk.os).toMatchObject({ id: 'alpine', version: '3.19.1' });
  });

  it('prefers the SPDX OPERATING-SYSTEM package to purl qualifiers', () => {
    const s = parseSbom(
      's.json',
      Buffer.from(
        JSON.stringify({
          spdxVersion: 'SPDX-2.3',
          SPDXID: 'SPDXRef-DOCUMENT',
          name: 'doc',
          packages: [
            {
              SPDXID: 'SPDXRef-os',
              name: 'debian',
              versionInfo: '12.6',
              primaryPackagePurpose: 'OPERATING-SYSTEM',
            },
            {
              SPDXID: 'SPDXRef-p',
              name: 'zlib1g',
              externalRefs: [
                {
                  referenceCategory: 'PACKAGE-MANAGER',
                  referenceType: 'purl',
                  referenceLocator: 'pkg:deb/debian/zlib1g@1.2?distro=debian-12.5',
                },
              ],
            },
            {
              SPDXID: 'SPDXRef-bad',
              name: 'bad',
              externalRefs: [
                {
                  referenceCategory: 'PACKAGE-MANAGER',
                  referenceType: 'purl',
                  referenceLocator: 'not a purl',
                },
              ],
            },
          ],
        }),
      ),
    );
    expect(s.os).toMatchObject({ id: 'debian', version: '12.6' });
    expect(s.components).toHaveLength(1);
    expect(s.problems[0]).toMatchObject({ path: 'SPDXRef-bad', message: expect.stringMatching(/^bad purl/) });
  });

  describe('hostile documents exit 2 with one line naming the file', () => {
    const cases: [string, string | (() => Promise<string>), RegExp][] = [
      ['malformed JSON', '{"bomFormat": "CycloneDX", ', /not JSON/],
      ['a JSON array', '[1,2]', /not a JSON object/],
      ['neither format', '{"hello": 1}', /neither CycloneDX/],
      ['an unsupported CycloneDX version', '{"bomFormat":"CycloneDX","specVersion":"1.2"}', /specVersion/],
      [
        'components of the wrong shape',
        '{"bomFormat":"CycloneDX","specVersion":"1.6","components":{"a":1}}',
        /components/,
      ],
      [
        'a component without a name',
        '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library"}]}',
        /components\.0\.name/,
      ],
      [
        'SPDX packages of the wrong shape',
        '{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","packages":[{"name":1}]}',
        /packages\.0/,
      ],
      ['an unsupported SPDX version', '{"spdxVersion":"SPDX-3.0","SPDXID":"x","name":"x"}', /spdxVersion/],
      [
        'components nested too deep',
        `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${'{"type":"library","name":"a","components":['.repeat(200)}${']}'.repeat(200)}]}`,
        /nested|not a valid SBOM/,
      ],
      [
        'components nested 100 000 deep (stack exhaustion while validating)',
        `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${'{"type":"library","name":"a","components":['.repeat(100_000)}${']}'.repeat(100_000)}]}`,
        /not a valid SBOM/,
      ],
    ];
    for (const [what, content, message] of cases) {
      it(what, async () => {
        const file = path.join(work, `${what.replace(/\W+/g, '-')}.json`);
        await writeFile(file, typeof content === 'string' ? content : await content());
        const r = await runCli(['scan', `sbom:${file}`], { dataDir: path.join(work, 'data') });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(file);
        expect(r.stderr).toMatch(message);
      });
    }

    it('a document over 256 MiB, refused before reading', async () => {
      const file = path.join(work, 'huge.json');
      await writeFile(file, '');
      await truncate(file, 256 * 1024 * 1024 + 1);
      const r = await runCli(['scan', `sbom:${file}`], { dataDir: path.join(work, 'data') });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`hullscan: ${file}: SBOM is 268435457 bytes, more than the 268435456 allowed\n`);
    });

    it('no path at all', async () => {
      const r = await runCli(['scan', 'sbom:'], { dataDir: path.join(work, 'data') });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe('hullscan: REF: sbom: needs the path of a CycloneDX or SPDX JSON file\n');
    });

    it('a missing file', async () => {
      const file = path.join(work, 'missing.json');
      const r = await runCli(['scan', `sbom:${file}`], { dataDir: path.join(work, 'data') });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^hullscan: ${file}: cannot read: ENOENT`));
      expect(await readFile(file).catch(() => 'gone')).toBe('gone');
    });
  });
});
