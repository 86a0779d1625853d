/**
 * Matching NuGet packages against hand-written OSV records modelled on real GitHub advisories
 * (testdata/osv: Newtonsoft.Json GHSA-5crp-9r3c-p9vr fixed in 13.0.1, System.Text.Encodings.Web
 * GHSA-ghhp-997w-qr28), imported for real; NuGet names compare case-insensitively, versions in
 * NuGet's order (four parts, prereleases before their release).
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { matchProbes, type Probe } from '../../../test/support/osv-probes.js';
import { nugetPurl } from './deps-json.js';

const PROBES: Probe[] = [
  ['Newtonsoft.Json', '9.0.1', true],
  ['Newtonsoft.Json', '12.0.3', true],
  ['Newtonsoft.Json', '13.0.1-beta1', true],
  ['Newtonsoft.Json', '13.0.1', false],
  ['Newtonsoft.Json', '13.0.1.0', false],
  ['Newtonsoft.Json', '13.0.3', false],
  ['newtonsoft.json', '12.0.1', true],
  ['NEWTONSOFT.JSON', '13.0.2', false],
  ['System.Text.Encodings.Web', '4.0.0', true],
  ['System.Text.Encodings.Web', '4.5.0', true],
  ['System.Text.Encodings.Web', '4.5.1', false],
  ['System.Text.Encodings.Web', '4.7.1', true],
  ['System.Text.Encodings.Web', '4.7.2', false],
  ['system.text.encodings.web', '5.0.0', true],
  ['System.Text.Encodings.Web', '5.0.1', false],
  ['System.Text.Encodings.Web', '6.0.0', false],
  ['Serilog', '3.1.1', false],
];

it('says affected inside each range and not affected at its fix, names in any case', async () => {
  const {
    advisories,
    matches: got,
    affected,
    want,
  } = await matchProbes(path.join(import.meta.dirname, 'testdata/osv'), PROBES, (name, version) => ({
    name,
    version,
    type: 'nuget',
    purl: nugetPurl(name, version),
  }));
  expect(advisories).toBe(2);
  expect(got.every((m) => m.ecosystem === 'NuGet')).toBe(true);
  expect(affected).toEqual(want);
  const json = got.find((m) => m.component.name === 'newtonsoft.json')!;
  expect(json.advisory.id).toBe('GHSA-5crp-9r3c-p9vr');
  expect(json.fixedVersions).toEqual(['13.0.1']);
});
