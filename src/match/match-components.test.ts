import { describe, expect, it } from 'vitest';
import type { Advisory, AffectedRange } from '../core/advisory.js';
import type { Component } from '../core/component.js';
import { dpkgVersion } from '../ecosystems/dpkg/dpkg-version.js';
import { isAffected } from './affected.js';
import { type AdvisorySource, matchComponents } from './match-components.js';

const range = (events: AffectedRange['events'], extra: Partial<AffectedRange> = {}): AffectedRange => ({
  ecosystem: 'Debian:12',
  package: 'openssl',
  events,
  ...extra,
});

describe('isAffected (OSV event semantics, dpkg order)', () => {
  it.each<[string, AffectedRange, boolean]>([
    ['before the fix', range([{ introduced: '0' }, { fixed: '3.0.13-1' }]), true],
    ['at the fix', range([{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }]), false],
    ['fixed earlier', range([{ introduced: '0' }, { fixed: '3.0.9-1' }]), false],
    ['introduced later', range([{ introduced: '3.1.0-1' }, { fixed: '3.1.5-1' }]), false],
    ['within last_affected', range([{ introduced: '3.0.0-1' }, { last_affected: '3.0.11-1~deb12u2' }]), true],
    ['after last_affected', range([{ introduced: '3.0.0-1' }, { last_affected: '3.0.10-1' }]), false],
    ['open-ended', range([{ introduced: '3.0.0-1' }]), true],
    [
      'second interval',
      range([{ introduced: '0' }, { fixed: '2.0-1' }, { introduced: '3.0.0-1' }, { fixed: '3.0.12-1' }]),
      true,
    ],
    ['listed version', range([], { versions: ['3.0.11-1~deb12u2'] }), true],
    ['tilde sorts before', range([{ introduced: '0' }, { fixed: '3.0.11-1' }]), true],
  ])('%s', (_n, r, want) => {
    expect(isAffected(r, '3.0.11-1~deb12u2', dpkgVersion)).toBe(want);
  });
});

describe('matchComponents', () => {
  const advisory = (id: string, severity: Advisory['severity'] = {}): Omit<Advisory, 'affected'> => ({
    id,
    aliases: [],
    summary: id,
    details: '',
    severity,
    references: [],
    source: 'test',
  });
  const component: Component = {
    name: 'libssl3',
    version: '3.0.11-1~deb12u2',
    type: 'deb',
    sourceName: 'openssl',
  };
  const os = { id: 'debian', version: '12.5', source: 'test' };
  const source = (
    list: {
      advisory: Omit<Advisory, 'affected'>;
      range: AffectedRange & { vendorSeverity?: 'low' | 'medium' | 'high' | 'critical'; endOfLife?: true };
    }[],
  ): AdvisorySource => ({
    async advisoriesFor(ecosystem, names) {
      expect(ecosystem).toBe('Debian:12');
      expect(names).toEqual(['openssl']);
      return new Map([['openssl', list]]);
    },
  });

  it('looks Debian packages up by source package and reports each advisory once with all its fixes', async () => {
    const a = advisory('CVE-1', { cvss3Score: 9.8 });
    const got = await matchComponents(
      [component],
      os,
      source([
        { advisory: a, range: range([{ introduced: '0' }, { fixed: '3.0.14-1' }]) },
        { advisory: a, range: range([{ introduced: '0' }, { fixed: '3.0.13-1' }]) },
        { advisory: a, range: range([{ introduced: '0' }, { fixed: '3.0.5-1' }]) },
      ]),
    );
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      fixedVersions: ['3.0.13-1', '3.0.14-1'],
      unfixed: false,
      endOfLife: false,
      level: 4,
    });
  });

  it('prefers the per-release vendor severity, and says when no fix will come', async () => {
    const got = await matchComponents(
      [component],
      os,
      source([
        {
          advisory: advisory('CVE-2', { vendor: 'high' }),
          range: { ...range([{ introduced: '0' }]), unfixed: true, vendorSeverity: 'low', endOfLife: true },
        },
        { advisory: advisory('CVE-3'), range: range([{ introduced: '0' }, { fixed: '3.0.10-1' }]) },
      ]),
    );
    expect(got.map((m) => [m.advisory.id, m.level, m.unfixed, m.endOfLife])).toEqual([
      ['CVE-2', 1, true, true],
    ]);
  });

  it('skips components no feed covers', async () => {
    const none: AdvisorySource = {
      advisoriesFor: async () => {
        throw new Error('must not be asked');
      },
    };
    expect(await matchComponents([{ ...component, type: 'conan' }], os, none)).toEqual([]);
    expect(await matchComponents([component], undefined, none)).toEqual([]);
  });
});
