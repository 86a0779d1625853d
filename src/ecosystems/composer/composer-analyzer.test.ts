import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer, FileFindings } from '../../core/analyzer.js';
import { composerInstalledAnalyzer, composerLockAnalyzer } from './composer-analyzer.js';
import { parseComposerLock, parseInstalledJson } from './composer-packages.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const read = (rel: string) => readFileSync(join(TESTDATA, rel));
const info = (path: string) => ({ path, size: 10, mode: 0o644, uid: 0, gid: 0 });

async function analyze(a: Analyzer, path: string, content: Buffer | string): Promise<FileFindings> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  return (
    (await a.analyze({ info: { ...info(path), size: buf.length }, content: buf }, { layer: 'sha256:x' })) ??
    {}
  );
}

describe('wants', () => {
  it.each([
    [composerInstalledAnalyzer, 'var/www/html/vendor/composer/installed.json', true],
    [composerInstalledAnalyzer, 'vendor/composer/installed.json', true],
    [composerInstalledAnalyzer, 'var/www/html/vendor/composer/installed.php', false],
    [composerInstalledAnalyzer, 'var/www/html/composer.json', false],
    [composerLockAnalyzer, 'var/www/html/composer.lock', true],
    [composerLockAnalyzer, 'composer.lock', true],
    [composerLockAnalyzer, 'var/www/html/vendor/acme/lib/composer.lock', false],
    [composerLockAnalyzer, 'vendor/acme/lib/composer.lock', false],
    [composerLockAnalyzer, 'var/www/html/my-composer.lock', false],
  ] as const)('%s wants %s: %s', (a, path, want) => {
    expect(a.wants(info(path))).toBe(want);
  });
});

describe('parseInstalledJson', () => {
  it('reads a Composer 2 installed.json: versions as installed, licenses, dev packages', () => {
    const { components, problems } = parseInstalledJson(
      read('app/vendor/composer/installed.json').toString(),
    );
    expect(problems).toEqual([]);
    expect(components.map((c) => `${c.name}@${c.version}${c.dev ? ' dev' : ''}`)).toEqual([
      'guzzlehttp/guzzle@7.5.0',
      'monolog/monolog@3.4.0',
      'phpunit/phpunit@10.2.6 dev',
      'psr/log@3.0.0',
      'sebastian/diff@5.0.3 dev',
      'symfony/http-foundation@v6.2.5',
      'symfony/http-kernel@v6.2.5',
      'symfony/polyfill-mbstring@v1.27.0',
      'twig/twig@v3.6.1',
    ]);
    expect(components.find((c) => c.name === 'twig/twig')).toEqual({
      name: 'twig/twig',
      version: 'v3.6.1',
      type: 'composer',
      purl: 'pkg:composer/twig/twig@v3.6.1',
      licenses: ['BSD-3-Clause'],
    });
  });

  it('reads a Composer 1 installed.json (an array; license as a string)', () => {
    const { components, problems } = parseInstalledJson(read('composer1/installed.json').toString());
    expect(problems).toEqual([]);
    expect(components).toEqual([
      {
        name: 'psr/log',
        version: '3.0.0',
        type: 'composer',
        purl: 'pkg:composer/psr/log@3.0.0',
        licenses: ['MIT'],
      },
      {
        name: 'symfony/http-foundation',
        version: 'v6.2.5',
        type: 'composer',
        purl: 'pkg:composer/symfony/http-foundation@v6.2.5',
        licenses: ['MIT'],
      },
    ]);
  });

  it('keeps what it can read and reports the rest', () => {
    const text = JSON.stringify({
      packages: [
        { name: 'a/b', version: '1.0.0' },
        { name: 'no-vendor', version: '1' },
        { name: 'c/d' },
        42,
        null,
      ],
    });
    const { components, problems } = parseInstalledJson(text);
    expect(components.map((c) => c.name)).toEqual(['a/b']);
    expect(problems).toHaveLength(4);
    expect(parseInstalledJson('{').problems[0]).toMatch(/^invalid JSON/);
    expect(parseInstalledJson('"x"').problems).toHaveLength(1);
    expect(parseInstalledJson('{"packages": {}}').problems).toEqual(['packages: not a list of packages']);
  });
});

describe('parseComposerLock', () => {
  it('reads packages and packages-dev as lockfile entries', () => {
    const { components, problems } = parseComposerLock(read('app/composer.lock').toString());
    expect(problems).toEqual([]);
    expect(components).toHaveLength(9);
    expect(components.every((c) => c.lockfile)).toBe(true);
    expect(components.filter((c) => c.dev).map((c) => c.name)).toEqual(['phpunit/phpunit', 'sebastian/diff']);
    expect(components[0]).toEqual({
      name: 'guzzlehttp/guzzle',
      version: '7.5.0',
      type: 'composer',
      purl: 'pkg:composer/guzzlehttp/guzzle@7.5.0',
      licenses: ['MIT'],
      lockfile: true,
    });
  });

  it('never throws on junk', async () => {
    expect(
      (await analyze(composerLockAnalyzer, 'composer.lock', Buffer.from([0xff, 0, 1]))).problems,
    ).toHaveLength(1);
    expect((await analyze(composerLockAnalyzer, 'composer.lock', '[]')).problems).toEqual([
      'not a JSON object',
    ]);
    expect(await analyze(composerLockAnalyzer, 'composer.lock', '{}')).toEqual({ components: [] });
  });
});
