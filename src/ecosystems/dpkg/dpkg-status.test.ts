import { describe, expect, it } from 'vitest';
import { parseControlStanzas } from './control-stanzas.js';
import { parseDpkgStatus } from './dpkg-status.js';

const STATUS = { missingStatusMeansInstalled: false };
const STATUS_D = { missingStatusMeansInstalled: true };

function stanza(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

describe('parseControlStanzas', () => {
  it('splits on blank and whitespace-only lines, joins continuations, lower-cases names', () => {
    const text = 'Package: a\nDescription: one\n two\n\t.\n \n\n\nPACKAGE: b\nversion:1\r\n\r\nPackage: c\n';
    const { stanzas, problems } = parseControlStanzas(text);
    expect(problems).toEqual([]);
    expect(stanzas.map((s) => [s.line, Object.fromEntries(s.fields)])).toEqual([
      [1, { package: 'a', description: 'one\ntwo\n.' }],
      [8, { package: 'b', version: '1' }],
      [11, { package: 'c' }],
    ]);
  });

  it('keeps the first of repeated fields and reports the repeat', () => {
    const { stanzas, problems } = parseControlStanzas('Package: a\nVersion: 1\nversion: 2\n');
    expect(stanzas[0]?.fields.get('version')).toBe('1');
    expect(problems).toEqual(['line 3: repeated field "version" (first value kept)']);
  });

  it('reports lines that are not fields and orphan continuations, with line numbers', () => {
    const { problems } = parseControlStanzas(' orphan\nPackage: a\nno colon here\n more\n');
    expect(problems).toEqual([
      'line 1: continuation line without a field',
      'line 3: not a "Field: value" line: "no colon here"',
      'line 4: continuation line without a field',
    ]);
  });
});

describe('parseDpkgStatus', () => {
  it('reads name, full version, arch, maintainer and source the way dpkg-query prints them', () => {
    const text = [
      stanza({
        Package: 'libgcc1',
        Status: 'install ok installed',
        Architecture: 'amd64',
        Maintainer: 'Ubuntu Core developers <ubuntu-devel-discuss@lists.ubuntu.com>',
        Source: 'gcc-5 (5.1.1-12ubuntu1)',
        Version: '1:5.1.1-12ubuntu1',
      }),
      stanza({
        Package: 'passwd',
        Status: 'install ok installed',
        Source: 'shadow',
        Version: '1:4.5-1ubuntu1',
      }),
      stanza({ Package: 'bash', Status: 'install ok installed', Version: '5.2.15-2+b2' }),
    ].join('\n\n');
    const { components, problems } = parseDpkgStatus(text, STATUS);
    expect(problems).toEqual([]);
    expect(components).toEqual([
      {
        name: 'libgcc1',
        version: '1:5.1.1-12ubuntu1',
        type: 'deb',
        arch: 'amd64',
        sourceName: 'gcc-5',
        sourceVersion: '5.1.1-12ubuntu1',
        maintainer: 'Ubuntu Core developers <ubuntu-devel-discuss@lists.ubuntu.com>',
      },
      {
        name: 'passwd',
        version: '1:4.5-1ubuntu1',
        type: 'deb',
        sourceName: 'shadow',
        sourceVersion: '1:4.5-1ubuntu1',
      },
      { name: 'bash', version: '5.2.15-2+b2', type: 'deb', sourceName: 'bash', sourceVersion: '5.2.15-2+b2' },
    ]);
  });

  it.each([
    ['install ok installed', true],
    ['hold ok installed', true],
    ['deinstall ok installed', true],
    ['install ok triggers-pending', true],
    ['install ok triggers-awaited', true],
    ['install ok half-configured', true],
    ['install ok unpacked', true],
    ['install reinstreq half-installed', false],
    ['deinstall ok config-files', false],
    ['purge ok not-installed', false],
    ['unknown ok not-installed', false],
  ])('Status %s counts as installed: %s', (status, installed) => {
    const { components, problems } = parseDpkgStatus(
      stanza({ Package: 'p', Status: status, Version: '1' }),
      STATUS,
    );
    expect(problems).toEqual([]);
    expect(components.length).toBe(installed ? 1 : 0);
  });

  it('reports an unreadable Status and skips the stanza', () => {
    const { components, problems } = parseDpkgStatus(
      `${stanza({ Package: 'p', Status: 'install ok', Version: '1' })}\n\n${stanza({ Package: 'q', Status: 'install ok exploded', Version: '1' })}`,
      STATUS,
    );
    expect(components).toEqual([]);
    expect(problems).toEqual([
      'stanza at line 1 (package "p"): unreadable Status "install ok"',
      'stanza at line 5 (package "q"): unreadable Status "install ok exploded"',
    ]);
  });

  it('without Status: not installed in the status file, installed in status.d when it has a Version', () => {
    const text = 'Package: a\nVersion: 1\n\nPackage: placeholder\n';
    expect(parseDpkgStatus(text, STATUS)).toEqual({ components: [], problems: [] });
    const d = parseDpkgStatus(text, STATUS_D);
    expect(d.problems).toEqual([]);
    expect(d.components.map((c) => `${c.name}@${c.version}`)).toEqual(['a@1']);
  });

  it('reports stanzas that claim to be installed without Package or Version, and keeps the rest', () => {
    const text = [
      'Package:\nStatus: install ok installed\nVersion: 1',
      'Status: install ok installed\nVersion: 2',
      'Package: nover\nStatus: install ok installed',
      'Package: good\nStatus: install ok installed\nVersion: 3',
    ].join('\n\n');
    const { components, problems } = parseDpkgStatus(text, STATUS);
    expect(components.map((c) => c.name)).toEqual(['good']);
    expect(problems).toEqual([
      'stanza at line 1: missing Package field',
      'stanza at line 5: missing Package field',
      'stanza at line 8 (package "nover"): missing Version field',
    ]);
  });

  it('accepts CRLF files and field names in any case', () => {
    const text = 'PACKAGE: a\r\nstatus: install ok installed\r\nVERSION: 1.0-1\r\nsource: src (1.0)\r\n\r\n';
    const { components } = parseDpkgStatus(text, STATUS);
    expect(components).toEqual([
      { name: 'a', version: '1.0-1', type: 'deb', sourceName: 'src', sourceVersion: '1.0' },
    ]);
  });

  it.each([
    ['src', 'src', '2:1.0-1'],
    ['src (1.0-1)', 'src', '1.0-1'],
    ['src(1.0-1)', 'src', '1.0-1'],
    ['src ( 1.0-1 )', 'src', '1.0-1'],
    ['', 'a', '2:1.0-1'],
  ])(
    'Source %j → %s %s (as dpkg-query prints source:Package and source:Version)',
    (source, name, version) => {
      const { components, problems } = parseDpkgStatus(
        stanza({ Package: 'a', Status: 'install ok installed', Version: '2:1.0-1', Source: source }),
        STATUS,
      );
      expect(problems).toEqual([]);
      expect(components[0]).toMatchObject({ sourceName: name, sourceVersion: version });
    },
  );

  it('falls back to the package name for an unreadable Source and says so', () => {
    const { components, problems } = parseDpkgStatus(
      stanza({ Package: 'a', Status: 'install ok installed', Version: '1', Source: 'x (1' }),
      STATUS,
    );
    expect(components[0]).toMatchObject({ sourceName: 'a', sourceVersion: '1' });
    expect(problems).toEqual([
      'stanza at line 1 (package "a"): unreadable Source "x (1" (package name used)',
    ]);
  });
});
