import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer, FileFindings } from '../../core/analyzer.js';
import { gemfileLockAnalyzer, gemspecAnalyzer } from './gem-analyzer.js';
import { parseGemfileLock } from './gemfile-lock.js';
import { parseGemspec } from './gemspec.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const read = (rel: string) => readFileSync(join(TESTDATA, rel));

async function analyze(a: Analyzer, path: string, content: Buffer | string): Promise<FileFindings> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  const info = { path, size: buf.length, mode: 0o644, uid: 0, gid: 0 };
  return (await a.analyze({ info, content: buf }, { layer: 'sha256:x' })) ?? {};
}

const info = (path: string) => ({ path, size: 10, mode: 0o644, uid: 0, gid: 0 });

describe('gemspecAnalyzer.wants', () => {
  it.each([
    ['usr/local/bundle/specifications/rack-3.0.8.gemspec', true],
    ['usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec', true],
    ['var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec', true],
    ['app/vendor/bundle/ruby/3.3.0/specifications/pg-1.5.6.gemspec', true],
    ['usr/local/bundle/gems/rack-3.0.8/rack.gemspec', false],
    ['app/myapp.gemspec', false],
    ['usr/local/bundle/specifications/rack-3.0.8.gemspec.bak', false],
    ['usr/local/bundle/specifications/nested/x-1.0.gemspec', false],
  ])('%s -> %s', (path, want) => {
    expect(gemspecAnalyzer.wants(info(path))).toBe(want);
  });
});

describe('gemfileLockAnalyzer.wants', () => {
  it.each([
    ['app/Gemfile.lock', true],
    ['Gemfile.lock', true],
    ['srv/api/gems.locked', true],
    ['srv/gems/billing-api/Gemfile.lock', true],
    ['usr/local/bundle/gems/rack-3.0.8/Gemfile.lock', false],
    ['usr/local/bundle/bundler/gems/rails-5a6e5c8e4b3b/Gemfile.lock', false],
    ['app/MyGemfile.lock', false],
    ['app/Gemfile', false],
  ])('%s -> %s', (path, want) => {
    expect(gemfileLockAnalyzer.wants(info(path))).toBe(want);
  });
});

describe('parseGemspec', () => {
  it('reads a RubyGems 3.5 specification of a platform gem', () => {
    const spec = parseGemspec(
      read('usr/local/bundle/specifications/nokogiri-1.16.7-x86_64-linux.gemspec').toString(),
    );
    expect(spec).toEqual({
      name: 'nokogiri',
      version: '1.16.7',
      platform: 'x86_64-linux',
      licenses: ['MIT'],
    });
  });

  it('reads a RubyGems 3.4 one (version without .freeze) and a default gem', () => {
    expect(parseGemspec(read('usr/local/bundle/specifications/rack-3.0.8.gemspec').toString())).toEqual({
      name: 'rack',
      version: '3.0.8',
      licenses: ['MIT'],
    });
    expect(
      parseGemspec(read('usr/local/lib/ruby/3.3.0/specifications/default/json-2.7.1.gemspec').toString()),
    ).toEqual({ name: 'json', version: '2.7.1', licenses: ['Ruby'] });
  });

  it('reads a RubyGems 2.7 one (no .freeze, Gem::Version in conditions)', () => {
    expect(parseGemspec(read('legacy/nokogiri-1.10.2.gemspec').toString())).toEqual({
      name: 'nokogiri',
      version: '1.10.2',
      licenses: ['MIT'],
    });
  });

  it('reads s.license, several licenses, other block variables, Gem::Platform and escapes', () => {
    const text = [
      '# stub: x 0.1 ruby lib',
      'Gem::Specification.new do |spec|',
      '  spec.name = "rails-html-sanitizer".freeze',
      '  spec.version = Gem::Version.new("1.6.0")',
      '  spec.platform = Gem::Platform.new("java")',
      '  spec.description = "s.license = \\"GPL\\"".freeze',
      '  spec.licenses = ["Ruby".freeze, "BSD-2-Clause".freeze, "A\\"B".freeze]',
      'end',
    ].join('\n');
    expect(parseGemspec(text)).toEqual({
      name: 'rails-html-sanitizer',
      version: '1.6.0',
      platform: 'java',
      licenses: ['Ruby', 'BSD-2-Clause', 'A"B'],
    });
    expect(
      parseGemspec(
        'Gem::Specification.new do |s|\n  s.name = %q{rake}\n  s.version = "0.8.7"\n  s.license = \'MIT\'\nend\n',
      ),
    ).toEqual({
      name: 'rake',
      version: '0.8.7',
      licenses: ['MIT'],
    });
  });

  it('falls back to the stub line, and says why when there is no gem', () => {
    expect(parseGemspec('# -*- encoding: utf-8 -*-\n# stub: racc 1.8.1 ruby lib\n\n')).toEqual({
      name: 'racc',
      version: '1.8.1',
      licenses: [],
    });
    expect(parseGemspec('# stub: nokogiri 1.19.4 aarch64-linux-gnu lib\n')).toMatchObject({
      platform: 'aarch64-linux-gnu',
    });
    expect(parseGemspec('puts "hello"\n')).toEqual({ problem: 'no gem name (s.name) in the specification' });
    expect(parseGemspec('s.name = "x"\n')).toEqual({
      problem: 'gem x: no version (s.version) in the specification',
    });
    expect(parseGemspec('s.name = "x y"\ns.version = "1"\n')).toHaveProperty('problem');
  });
});

describe('gemspecAnalyzer', () => {
  it('emits the gem with purl, platform qualifier and licenses', async () => {
    const f = await analyze(
      gemspecAnalyzer,
      'usr/local/bundle/specifications/nokogiri-1.16.7-x86_64-linux.gemspec',
      read('usr/local/bundle/specifications/nokogiri-1.16.7-x86_64-linux.gemspec'),
    );
    expect(f).toEqual({
      components: [
        {
          name: 'nokogiri',
          version: '1.16.7',
          type: 'gem',
          purl: 'pkg:gem/nokogiri@1.16.7?platform=x86_64-linux',
          licenses: ['MIT'],
        },
      ],
    });
  });

  it('reports binary or empty content instead of throwing', async () => {
    expect(
      (await analyze(gemspecAnalyzer, 'specifications/x.gemspec', Buffer.from([0, 1, 2]))).problems,
    ).toHaveLength(1);
    expect((await analyze(gemspecAnalyzer, 'specifications/x.gemspec', '')).problems).toHaveLength(1);
  });
});

describe('parseGemfileLock', () => {
  it('reads the specs of GIT, PATH and GEM sections, not dependencies, checksums or platforms', () => {
    const { gems, problems } = parseGemfileLock(read('app/Gemfile.lock').toString());
    expect(problems).toEqual([]);
    expect(gems).toEqual([
      { name: 'actionpack', version: '7.1.3.4' },
      { name: 'activesupport', version: '7.1.3.4' },
      { name: 'billing', version: '0.1.0' },
      { name: 'base64', version: '0.2.0' },
      { name: 'bigdecimal', version: '3.1.8' },
      { name: 'concurrent-ruby', version: '1.3.1' },
      { name: 'connection_pool', version: '2.4.1' },
      { name: 'i18n', version: '1.14.5' },
      { name: 'minitest', version: '5.23.1' },
      { name: 'nio4r', version: '2.7.3' },
      // resolved for two platforms: one gem, no platform
      { name: 'nokogiri', version: '1.16.2' },
      { name: 'pg', version: '1.5.6' },
      { name: 'puma', version: '6.4.2' },
      { name: 'racc', version: '1.8.0' },
      { name: 'rack', version: '3.0.8' },
      { name: 'sqlite3', version: '1.7.3', platform: 'x86_64-linux' },
      { name: 'tzinfo', version: '2.0.6' },
    ]);
  });

  it('reads CRLF files and reports unreadable spec lines', () => {
    const text =
      'GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    rake (13.2.1)\r\n    bad line\r\n';
    expect(parseGemfileLock(text)).toEqual({
      gems: [{ name: 'rake', version: '13.2.1' }],
      problems: ['unreadable spec line: "    bad line"'],
    });
  });

  it('marks lockfile entries and never throws on junk', async () => {
    const f = await analyze(gemfileLockAnalyzer, 'app/Gemfile.lock', read('app/Gemfile.lock'));
    expect(f.components?.find((c) => c.name === 'sqlite3')).toEqual({
      name: 'sqlite3',
      version: '1.7.3',
      type: 'gem',
      purl: 'pkg:gem/sqlite3@1.7.3?platform=x86_64-linux',
      lockfile: true,
    });
    expect(
      await analyze(gemfileLockAnalyzer, 'Gemfile.lock', `GEM\n  specs:\n${'    x'.repeat(1000)}`),
    ).toHaveProperty('problems');
    expect(
      (await analyze(gemfileLockAnalyzer, 'Gemfile.lock', Buffer.from([0xff, 0, 3]))).problems,
    ).toHaveLength(1);
  });
});
