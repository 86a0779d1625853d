/**
 * PyPI end to end: the metadata of the real Python installations on this machine (pyenv's
 * site-packages with wheels' dist-info, Debian's dist-packages with distutils' single-file egg-info)
 * copied into an OCI image, with a project's requirements.txt and poetry.lock, and a later layer
 * deleting one package; the scan's pypi components must be what `pip list --path` prints for each
 * directory, each with its purl, metadata path and introducing layer.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizePackageName } from '../src/core/package-names.js';
import { scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers } from './support/dir-image.js';
import { requireTools } from './support/fixtures.js';

const pythonMissing = requireTools(['python3']);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

/** The installed-metadata entries (`*.dist-info`, `*.egg-info`) of a site directory, copied to `to`. */
function copyMetadata(from: string, to: string): number {
  mkdirSync(to, { recursive: true });
  let n = 0;
  for (const e of readdirSync(from)) {
    if (!/\.(dist|egg)-info$/.test(e)) continue;
    cpSync(path.join(from, e), path.join(to, e), { recursive: true, dereference: false });
    n++;
  }
  return n;
}

/** What the real pip prints for one directory. */
function pipList(dir: string): { name: string; version: string }[] {
  return JSON.parse(
    execFileSync('python3', ['-m', 'pip', 'list', '--format', 'json', '--path', dir], {
      encoding: 'utf8',
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
    }),
  );
}

const canon = (name: string) => normalizePackageName('PyPI', name);

describe.skipIf(!!pythonMissing)('PyPI packages in a real image', () => {
  it('match pip list for every site directory, lockfile entries only for what is not installed', async () => {
    const sites = (
      JSON.parse(
        execFileSync('python3', ['-c', 'import site, json; print(json.dumps(site.getsitepackages()))'], {
          encoding: 'utf8',
        }),
      ) as string[]
    ).filter((d) => existsSync(d));
    if (existsSync('/usr/lib/python3/dist-packages')) sites.push('/usr/lib/python3/dist-packages');
    const metadataEntries = (d: string) => readdirSync(d).filter((e) => /\.(dist|egg)-info$/.test(e));
    // the real site directories with packages in them, the one holding most wheels (dist-info) first
    const used = [...new Set(sites)]
      .filter((d) => metadataEntries(d).length > 0)
      .sort(
        (a, b) =>
          metadataEntries(b).filter((e) => e.endsWith('.dist-info')).length -
          metadataEntries(a).filter((e) => e.endsWith('.dist-info')).length,
      )
      .slice(0, 2);
    expect(used.length).toBeGreaterThan(0);

    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-pypi-'));
    work.push(dir);
    const inImage = ['usr/local/lib/python3.11/site-packages', 'usr/lib/python3/dist-packages'];
    const layers = used.map((site, i) => {
      const copy = path.join(dir, `site${i}`);
      expect(copyMetadata(site, copy)).toBeGreaterThan(0);
      return { copy, to: inImage[i]!, pip: pipList(copy) };
    });
    const wheels = readdirSync(layers[0]!.copy)
      .filter((e) => e.endsWith('.dist-info'))
      .sort();
    // one to delete, at least one other to copy, one to pin
    expect(wheels.length).toBeGreaterThanOrEqual(3);
    // distutils' single-file egg-info (old Debian python3-* packages, Python 2): real METADATA files
    // of the first site, saved as such files in a third directory
    const legacy = path.join(dir, 'legacy');
    mkdirSync(legacy);
    const donors = wheels.slice(-2);
    for (const d of donors)
      copyFileSync(
        path.join(layers[0]!.copy, d, 'METADATA'),
        path.join(legacy, d.replace(/\.dist-info$/, '-py3.11.egg-info')),
      );
    layers.push({ copy: legacy, to: 'opt/legacy/lib/python3/site-packages', pip: pipList(legacy) });
    expect(layers.at(-1)!.pip.length).toBe(donors.length);

    // the last layer deletes the first site's first package (an OCI whiteout)
    const first = layers[0]!;
    const victim = wheels[0]!;
    const victimName = execFileSync(
      'python3',
      [
        '-c',
        'import email,sys; print(email.message_from_file(open(sys.argv[1]))["Name"])',
        path.join(first.copy, victim, 'METADATA'),
      ],
      { encoding: 'utf8' },
    ).trim();
    const installedPin = first.pip.find((p) => canon(p.name) !== canon(victimName))!;

    const ref = await imageOfLayers(path.join(dir, 'img'), [
      ...layers.map((l) => ({ from: l.copy, to: l.to })),
      {
        entries: [
          {
            path: 'srv/app/requirements.txt',
            body: `# pinned\n${installedPin.name}==${installedPin.version}\nnot-installed-pkg[extra]==1.2.3 ; python_version >= "3.8" \\\n  --hash=sha256:00\nflask>=2\n`,
          },
          {
            path: 'srv/app/poetry.lock',
            body: '[[package]]\nname = "pytest-fake"\nversion = "8.0.0"\ncategory = "dev"\n\n[[package]]\nname = "Lib_Fake"\nversion = "1.0"\ncategory = "main"\n',
          },
        ],
      },
      { entries: [{ path: `${first.to}/.wh.${victim}` }] },
    ]);
    const result = await scanImage(ref, { dataDir: path.join(dir, 'data') });
    const pypi = result.components.filter((c) => c.type === 'pypi');
    const diffIDs = result.layers.map((l) => l.diffID);

    for (const [i, l] of layers.entries()) {
      const all = pypi
        .filter((c) => !c.lockfile && c.path?.startsWith(`${l.to}/`))
        .map((c) => `${c.name}@${c.version}`);
      // pip lists a package once when its directory holds two metadata entries for it (Debian ships
      // cryptography-38.0.4.dist-info beside cryptography.egg-info); the scan keeps both paths
      const got = [...new Set(all)].sort();
      const want = l.pip
        .filter((p) => i !== 0 || canon(p.name) !== canon(victimName))
        .map((p) => `${p.name}@${p.version}`)
        .sort();
      // pip prints the names as the metadata writes them, like us
      expect(got, l.to).toEqual(want);
      for (const c of pypi.filter((x) => x.path?.startsWith(`${l.to}/`))) {
        expect(c.layer, c.name).toBe(diffIDs[i]);
        expect(c.path).toMatch(/\.(dist-info\/METADATA|egg-info\/PKG-INFO|egg-info)$/);
        expect(c.purl).toBe(`pkg:pypi/${c.name.toLowerCase().replace(/_/g, '-')}@${c.version}`);
      }
    }
    // wheel installs (dist-info) and distutils' single-file egg-info
    expect(pypi.some((c) => c.path?.endsWith('.dist-info/METADATA'))).toBe(true);
    expect(pypi.filter((c) => c.path?.endsWith('.egg-info')).length).toBeGreaterThanOrEqual(2);

    const locked = pypi
      .filter((c) => c.lockfile)
      .map(
        (c) => `${c.path} ${c.name}@${c.version}${c.dev ? ' dev' : ''} ${c.layer === diffIDs[layers.length]}`,
      )
      .sort();
    // the installed package pinned by requirements.txt is dropped: what is installed is what runs
    expect(locked).toEqual([
      'srv/app/poetry.lock Lib_Fake@1.0 true',
      'srv/app/poetry.lock pytest-fake@8.0.0 dev true',
      'srv/app/requirements.txt not-installed-pkg@1.2.3 true',
    ]);
    expect(pypi.find((c) => c.name === 'Lib_Fake')?.purl).toBe('pkg:pypi/lib-fake@1.0');
    expect(result.problems.filter((p) => p.path.startsWith('srv/') || p.path.includes('-info'))).toEqual([]);
    console.info(
      `pypi image: ${layers.map((l) => `${l.to}: ${l.pip.length} per pip list`).join(', ')}; ${pypi.length} pypi components, ${victimName} deleted by a whiteout`,
    );
    rmSync(path.join(dir, 'img'), { recursive: true, force: true });
  }, 120_000);
});
