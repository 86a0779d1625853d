/**
 * Ruby end to end: an OCI image with a gem home (installed specifications as RubyGems writes them,
 * a default gem), a Rails-style Gemfile.lock (GIT, PATH and GEM sections, platform gems) in a later
 * layer, and a layer that upgrades one gem (whiteout of the old specification); scanned for real.
 * Lockfile entries of gems installed anywhere in the image are dropped. When `ruby` is here, RubyGems
 * itself loads every specification fixture and must read what the analyzer reads.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { parseGemspec } from '../src/ecosystems/gem/index.js';
import { scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers } from './support/dir-image.js';
import { requireTools } from './support/fixtures.js';

const TESTDATA = path.resolve(import.meta.dirname, '../src/ecosystems/gem/testdata');
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

const RACK_UPGRADE = readFileSync(
  path.join(TESTDATA, 'usr/local/bundle/specifications/rack-3.0.8.gemspec'),
  'utf8',
)
  .replaceAll('3.0.8', '3.0.9.1')
  .replace('s.licenses = ["MIT".freeze]', 's.license = "MIT"');

const ids = (cs: Component[]) => cs.map((c) => `${c.name}@${c.version}`).sort();

describe('gems in an image', () => {
  it('lists installed gems and the lockfile gems that are not installed, with layer and path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-gem-'));
    work.push(dir);
    const ref = await imageOfLayers(path.join(dir, 'img'), [
      { from: path.join(TESTDATA, 'usr'), to: 'usr' },
      { from: path.join(TESTDATA, 'app'), to: 'app' },
      {
        entries: [
          { path: 'usr/local/bundle/specifications/.wh.rack-3.0.8.gemspec', body: '' },
          { path: 'usr/local/bundle/specifications/rack-3.0.9.1.gemspec', body: RACK_UPGRADE },
          // a gem's own source gemspec and lockfile are not inventory
          {
            path: 'usr/local/bundle/gems/rack-3.0.9.1/rack.gemspec',
            body: 's.name = "rack"\ns.version = "0"\n',
          },
          {
            path: 'usr/local/bundle/gems/rack-3.0.9.1/Gemfile.lock',
            body: 'GEM\n  specs:\n    minitest (5.0.0)\n',
          },
        ],
      },
    ]);
    const result = await scanImage(ref, { dataDir: path.join(dir, 'data') });
    const diff = result.layers.map((l) => l.diffID);
    const gems = result.components.filter((c) => c.type === 'gem');
    const installed = gems.filter((c) => !c.lockfile);
    expect(ids(installed)).toEqual([
      'activesupport@7.1.3.4',
      'json@2.7.1',
      'nokogiri@1.16.7',
      'rack@3.0.9.1',
    ]);
    const byName = new Map(installed.map((c) => [c.name, c]));
    expect(byName.get('nokogiri')).toEqual({
      name: 'nokogiri',
      version: '1.16.7',
      type: 'gem',
      purl: 'pkg:gem/nokogiri@1.16.7?platform=x86_64-linux',
      licenses: ['MIT'],
      layer: diff[0],
      path: 'usr/local/bundle/specifications/nokogiri-1.16.7-x86_64-linux.gemspec',
    });
    expect(byName.get('json')).toMatchObject({
      licenses: ['Ruby'],
      layer: diff[0],
      path: 'usr/local/lib/ruby/3.3.0/specifications/default/json-2.7.1.gemspec',
    });
    expect(byName.get('rack')).toMatchObject({
      purl: 'pkg:gem/rack@3.0.9.1',
      licenses: ['MIT'],
      layer: diff[2],
      path: 'usr/local/bundle/specifications/rack-3.0.9.1.gemspec',
    });
    // Gemfile.lock: nokogiri, rack and activesupport are installed (other versions count too)
    const locked = gems.filter((c) => c.lockfile);
    expect(ids(locked)).toEqual([
      'actionpack@7.1.3.4',
      'base64@0.2.0',
      'bigdecimal@3.1.8',
      'billing@0.1.0',
      'concurrent-ruby@1.3.1',
      'connection_pool@2.4.1',
      'i18n@1.14.5',
      'minitest@5.23.1',
      'nio4r@2.7.3',
      'pg@1.5.6',
      'puma@6.4.2',
      'racc@1.8.0',
      'sqlite3@1.7.3',
      'tzinfo@2.0.6',
    ]);
    for (const c of locked) {
      expect(c.path).toBe('app/Gemfile.lock');
      expect(c.layer).toBe(diff[1]);
      expect(c.dev).toBeUndefined();
    }
    expect(locked.find((c) => c.name === 'sqlite3')?.purl).toBe(
      'pkg:gem/sqlite3@1.7.3?platform=x86_64-linux',
    );
    expect(result.problems.filter((p) => p.path.includes('gem') || p.path.includes('Gemfile'))).toEqual([]);
  });
});

const rubyMissing = requireTools(['ruby']);

describe.skipIf(!!rubyMissing)('gem specifications as RubyGems loads them', () => {
  it('gives, for every fixture, the name, version, platform and licenses Gem::Specification.load gives', () => {
    const files = [
      ...readdirSync(path.join(TESTDATA, 'usr/local/bundle/specifications')).map((f) =>
        path.join(TESTDATA, 'usr/local/bundle/specifications', f),
      ),
      path.join(TESTDATA, 'usr/local/lib/ruby/3.3.0/specifications/default/json-2.7.1.gemspec'),
      path.join(TESTDATA, 'legacy/nokogiri-1.10.2.gemspec'),
    ];
    const script =
      'ARGV.each { |f| s = Gem::Specification.load(f); puts [s.name, s.version.to_s, s.platform.to_s, s.licenses.join(",")].join("\\t") }';
    const real = execFileSync('ruby', ['-e', script, ...files], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const ours = files.map((f) => {
      const s = parseGemspec(readFileSync(f, 'utf8'));
      if ('problem' in s) return s.problem;
      return [s.name, s.version, s.platform ?? 'ruby', s.licenses.join(',')].join('\t');
    });
    expect(ours).toEqual(real);
    expect(real).toHaveLength(5);
  });
});
