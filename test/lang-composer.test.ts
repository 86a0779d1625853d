/**
 * PHP end to end: an OCI image with a Symfony-style application (Composer 2 vendor/composer/installed.json
 * beside its composer.lock) and, in a later layer, another project's composer.lock whose vendor
 * directory is not in the image; scanned for real. Lockfile entries of packages installed under the
 * lockfile's directory are dropped; the other project's stay, dev ones marked.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers } from './support/dir-image.js';

const TESTDATA = path.resolve(import.meta.dirname, '../src/ecosystems/composer/testdata');
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

const ids = (cs: Component[]) => cs.map((c) => `${c.name}@${c.version}${c.dev ? ' dev' : ''}`).sort();

it('lists installed Composer packages and the lockfile packages not installed, with layer and path', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-composer-'));
  work.push(dir);
  const ref = await imageOfLayers(path.join(dir, 'img'), [
    { from: path.join(TESTDATA, 'app'), to: 'var/www/html' },
    {
      entries: [
        { path: 'srv/api/composer.lock', body: readFileSync(path.join(TESTDATA, 'api-composer.lock')) },
        // a dependency's own lockfile says nothing about the application
        {
          path: 'var/www/html/vendor/twig/twig/composer.lock',
          body: '{"packages":[{"name":"x/y","version":"1"}]}',
        },
      ],
    },
  ]);
  const result = await scanImage(ref, { dataDir: path.join(dir, 'data') });
  const diff = result.layers.map((l) => l.diffID);
  const php = result.components.filter((c) => c.type === 'composer');
  const installed = php.filter((c) => !c.lockfile);
  expect(ids(installed)).toEqual([
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
  for (const c of installed) {
    expect(c.path).toBe('var/www/html/vendor/composer/installed.json');
    expect(c.layer).toBe(diff[0]);
  }
  expect(installed.find((c) => c.name === 'symfony/http-kernel')).toEqual({
    name: 'symfony/http-kernel',
    version: 'v6.2.5',
    type: 'composer',
    purl: 'pkg:composer/symfony/http-kernel@v6.2.5',
    licenses: ['MIT'],
    layer: diff[0],
    path: 'var/www/html/vendor/composer/installed.json',
  });
  // var/www/html/composer.lock: everything is installed under it, so nothing of it remains
  const locked = php.filter((c) => c.lockfile);
  expect(ids(locked)).toEqual([
    'laravel/framework@v10.13.0',
    'monolog/monolog@3.4.0',
    'phpunit/phpunit@10.2.6 dev',
    'psr/log@3.0.0',
  ]);
  for (const c of locked) {
    expect(c.path).toBe('srv/api/composer.lock');
    expect(c.layer).toBe(diff[1]);
  }
  expect(result.problems.filter((p) => p.path.includes('composer'))).toEqual([]);
});
