/**
 * Matching Composer packages against hand-written OSV records modelled on real GitHub advisories
 * (testdata/osv: symfony/http-kernel GHSA-h7vf-5wrv-9fhv, guzzlehttp/guzzle GHSA-25mq-v84q-4j7r,
 * twig/twig GHSA-6j75-5wfj-gh66), imported for real; installed versions keep Composer's `v` prefix
 * (`v6.2.5`) and match OSV's `6.2.6`; names compare case-insensitively as Packagist's do.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { matchProbes, type Probe } from '../../../test/support/osv-probes.js';
import { composerPurl } from './composer-packages.js';

const PROBES: Probe[] = [
  ['symfony/http-kernel', 'v1.4.0', false],
  ['symfony/http-kernel', 'v2.0.0', true],
  ['symfony/http-kernel', 'v4.4.49', true],
  ['symfony/http-kernel', 'v4.4.50', false],
  ['symfony/http-kernel', 'v5.4.19', true],
  ['symfony/http-kernel', 'v5.4.20', false],
  ['symfony/http-kernel', 'v6.2.0-RC1', false],
  ['symfony/http-kernel', 'v6.2.5', true],
  ['symfony/http-kernel', '6.2.5', true],
  ['symfony/http-kernel', 'v6.2.6', false],
  ['symfony/http-kernel', 'v6.3.0', false],
  ['Symfony/Http-Kernel', 'v6.2.5', true],
  ['symfony/symfony', 'v5.4.19', true],
  ['guzzlehttp/guzzle', '6.5.7', true],
  ['guzzlehttp/guzzle', '6.5.8', false],
  ['guzzlehttp/guzzle', '7.4.4', true],
  ['guzzlehttp/guzzle', '7.4.5', false],
  ['guzzlehttp/guzzle', '7.5.0', false],
  ['twig/twig', 'v3.6.1', true],
  ['twig/twig', 'v3.14.0', false],
  ['twig/twig', 'v2.16.1', false],
  ['twig/twig', 'v1.44.7', true],
  ['monolog/monolog', '3.4.0', false],
];

it('says affected inside each range and not affected at its fix, v prefix or not', async () => {
  const {
    advisories,
    matches: got,
    affected,
    want,
  } = await matchProbes(path.join(import.meta.dirname, 'testdata/osv'), PROBES, (name, version) => ({
    name,
    version,
    type: 'composer',
    purl: composerPurl(name, version),
  }));
  expect(advisories).toBe(3);
  expect(got.every((m) => m.ecosystem === 'Packagist')).toBe(true);
  expect(affected).toEqual(want);
  const kernel = got.find(
    (m) => m.component.name === 'symfony/http-kernel' && m.component.version === 'v6.2.5',
  )!;
  expect(kernel.advisory.id).toBe('GHSA-h7vf-5wrv-9fhv');
  expect(kernel.fixedVersions).toEqual(['6.2.6']);
});
