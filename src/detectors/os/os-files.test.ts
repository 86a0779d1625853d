import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileFindings } from '../../core/analyzer.js';
import type { OsInfo } from '../../core/os.js';
import { osAnalyzer } from './os-analyzer.js';
import { OS_FILES, readOsFile } from './os-files.js';
import { parseOsRelease } from './os-release.js';
import { resolveOs } from './resolve-os.js';

function info(path: string, size = 0) {
  return { path, size, mode: 0o644, uid: 0, gid: 0 };
}

async function analyze(path: string, content: Buffer | string): Promise<FileFindings> {
  const buf = typeof content === 'string' ? Buffer.from(content) : content;
  return (
    (await osAnalyzer.analyze({ info: info(path, buf.length), content: buf }, { layer: 'sha256:x' })) ?? {}
  );
}

function os(path: string, text: string): OsInfo | undefined {
  return readOsFile(path, text).os;
}

describe('parseOsRelease', () => {
  it('follows os-release(5) quoting: double, single, backslash escapes, comments, blank lines', () => {
    const text = [
      '# a comment',
      '',
      'A=plain',
      'B="double quoted"',
      "C='single $quoted \\n'",
      'D="esc \\" \\\\ \\$ \\` \\n"',
      'E=back\\ slash',
      'F="a"\'b\'c',
      'G=value # trailing comment',
      '  H="indented"  ',
      'I=',
      'I2=""',
      'J="crlf"\r',
      'A=last wins',
    ].join('\n');
    const { values, problems } = parseOsRelease(text);
    expect(problems).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({
      A: 'last',
      B: 'double quoted',
      C: 'single $quoted \\n',
      D: 'esc " \\ $ ` \\n',
      E: 'back slash',
      F: 'abc',
      G: 'value',
      H: 'indented',
      I: '',
      I2: '',
      J: 'crlf',
    });
  });

  it('reports malformed lines and unterminated quotes, keeping what it can', () => {
    const { values, problems } = parseOsRelease('ID=debian\nnot an assignment\nNAME="Debian\n1X=2\n');
    expect(values.get('ID')).toBe('debian');
    expect(values.get('NAME')).toBe('Debian');
    expect(problems).toEqual([
      'line 2: not a KEY=value assignment: "not an assignment"',
      'line 3: unterminated quote in NAME',
      'line 4: not a KEY=value assignment: "1X=2"',
    ]);
  });
});

describe('readOsFile', () => {
  it('os-release: id, version, codename, pretty name; distroless', () => {
    expect(
      os(
        'etc/os-release',
        'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nVERSION="Debian GNU/Linux 12 (bookworm)"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n',
      ),
    ).toEqual({
      id: 'debian',
      version: '12',
      codename: 'bookworm',
      prettyName: 'Distroless',
      source: 'etc/os-release',
      distroless: true,
    });
  });

  it('os-release: the point release from VERSION when it extends VERSION_ID', () => {
    const ubuntu =
      'ID=ubuntu\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\n';
    expect(os('usr/lib/os-release', ubuntu)).toMatchObject({
      id: 'ubuntu',
      version: '22.04.4',
      codename: 'jammy',
    });
    const sles = 'ID="sles"\nVERSION="15-SP3"\nVERSION_ID="15.3"\n';
    expect(os('etc/os-release', sles)).toMatchObject({ version: '15.3' });
    const centos = 'ID="centos"\nVERSION="7 (Core)"\nVERSION_ID="7"\n';
    expect(os('etc/os-release', centos)).toEqual({ id: 'centos', version: '7', source: 'etc/os-release' });
  });

  it('os-release without ID is a problem, without VERSION_ID an empty version', () => {
    expect(readOsFile('etc/os-release', 'NAME="Alpine Linux"\nVERSION_ID=3.15.4\n')).toEqual({
      problems: ['no ID field: the distribution is not named'],
    });
    expect(os('etc/os-release', 'ID=debian\nVERSION_CODENAME=trixie\n')).toEqual({
      id: 'debian',
      version: '',
      codename: 'trixie',
      source: 'etc/os-release',
    });
  });

  it.each([
    ['etc/alpine-release', '3.19.1\n', { id: 'alpine', version: '3.19.1' }],
    ['etc/debian_version', '12.5\n', { id: 'debian', version: '12.5' }],
    ['etc/debian_version', 'bookworm/sid\n', { id: 'debian', version: 'bookworm/sid' }],
    [
      'etc/centos-release',
      'CentOS Linux release 8.4.2105\n',
      { id: 'centos', version: '8.4.2105', prettyName: 'CentOS Linux release 8.4.2105' },
    ],
    ['etc/centos-release', 'CentOS Stream release 8\n', { id: 'centos', version: '8' }],
    ['etc/redhat-release', 'CentOS Linux release 7.9.2009 (Core)\n', { id: 'centos', version: '7.9.2009' }],
    ['etc/redhat-release', 'Red Hat Enterprise Linux release 9.4 (Plow)\n', { id: 'rhel', version: '9.4' }],
    ['etc/rocky-release', 'Rocky Linux release 9.3 (Blue Onyx)\n', { id: 'rocky', version: '9.3' }],
    [
      'etc/almalinux-release',
      'AlmaLinux release 9.4 (Seafoam Ocelot)\n',
      { id: 'almalinux', version: '9.4' },
    ],
    ['etc/oracle-release', 'Oracle Linux Server release 8.10\n', { id: 'ol', version: '8.10' }],
    ['etc/fedora-release', 'Fedora release 42 (Adams)\n', { id: 'fedora', version: '42' }],
    [
      'etc/system-release',
      'Amazon Linux release 2023.4.20240319 (Amazon Linux)\n',
      { id: 'amzn', version: '2023.4.20240319' },
    ],
    ['etc/system-release', 'Amazon Linux AMI release 2018.03\n', { id: 'amzn', version: '2018.03' }],
    ['etc/rocky-release', 'Some Rebuild release 9.9\n', { id: 'rocky', version: '9.9' }],
    [
      'etc/lsb-release',
      'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=10.04\nDISTRIB_CODENAME=lucid\nDISTRIB_DESCRIPTION="Ubuntu 10.04 LTS"\n',
      { id: 'ubuntu', version: '10.04', codename: 'lucid', prettyName: 'Ubuntu 10.04 LTS' },
    ],
    [
      'etc/SuSE-release',
      'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n',
      { id: 'sles', version: '11.4' },
    ],
    [
      'etc/SuSE-release',
      'openSUSE 13.2 (x86_64)\nVERSION = 13.2\nCODENAME = Harlequin\n',
      { id: 'opensuse', version: '13.2', codename: 'Harlequin' },
    ],
  ])('%s %j', (path, text, want) => {
    expect(os(path, text)).toMatchObject({ ...want, source: path });
  });

  it.each([
    ['etc/alpine-release', ''],
    ['etc/alpine-release', 'edge and more'],
    ['etc/debian_version', ' \n'],
    ['etc/redhat-release', 'Unknown Linux release 1.0'],
    ['etc/redhat-release', 'no release word'],
    ['etc/system-release', 'Foo release x'],
    ['etc/SuSE-release', 'Something else\nVERSION = 1'],
    ['etc/SuSE-release', 'SUSE Linux Enterprise Server 11 (x86_64)\n'],
    ['etc/lsb-release', 'DISTRIB_RELEASE=1\n'],
  ])('%s %j is a problem, not an answer', (path, text) => {
    const r = readOsFile(path, text);
    expect(r.os).toBeUndefined();
    expect(r.problems.length).toBeGreaterThan(0);
  });
});

describe('resolveOs', () => {
  const from = (entries: [string, string][]) => {
    const m = new Map<string, OsInfo>();
    for (const [path, text] of entries) {
      const found = os(path, text);
      if (found) m.set(path, found);
    }
    return m;
  };
  const debian12 = 'ID=debian\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\n';

  it('returns undefined when no file identifies the OS', () => {
    expect(resolveOs(new Map())).toBeUndefined();
  });

  it('debian: the point release from debian_version', () => {
    expect(
      resolveOs(
        from([
          ['etc/os-release', debian12],
          ['etc/debian_version', '12.5\n'],
        ]),
      ),
    ).toEqual({ id: 'debian', version: '12.5', codename: 'bookworm', source: 'etc/os-release' });
  });

  it('distroless keeps its flag and still gets the full Debian version', () => {
    const r = resolveOs(
      from([
        ['etc/os-release', 'PRETTY_NAME="Distroless"\nID="debian"\nVERSION_ID="12"\n'],
        ['etc/debian_version', '12.7\n'],
      ]),
    );
    expect(r).toMatchObject({ id: 'debian', version: '12.7', distroless: true });
  });

  it('ubuntu ignores the debian_version it carries', () => {
    const r = resolveOs(
      from([
        ['etc/os-release', 'ID=ubuntu\nVERSION_ID="24.04"\nVERSION="24.04 LTS (Noble Numbat)"\n'],
        ['etc/debian_version', 'trixie/sid\n'],
        ['etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\nDISTRIB_CODENAME=noble\n'],
      ]),
    );
    expect(r).toEqual({ id: 'ubuntu', version: '24.04', codename: 'noble', source: 'etc/os-release' });
  });

  it('alpine, centos, rocky: the release file extends a shorter VERSION_ID', () => {
    expect(
      resolveOs(
        from([
          ['etc/os-release', 'ID=alpine\nVERSION_ID=3.19\n'],
          ['etc/alpine-release', '3.19.1\n'],
        ]),
      )?.version,
    ).toBe('3.19.1');
    expect(
      resolveOs(
        from([
          ['etc/os-release', 'ID="centos"\nVERSION_ID="8"\n'],
          ['etc/centos-release', 'CentOS Linux release 8.4.2105\n'],
          ['etc/redhat-release', 'CentOS Linux release 8.4.2105\n'],
        ]),
      )?.version,
    ).toBe('8.4.2105');
    expect(
      resolveOs(
        from([
          ['etc/os-release', 'ID="rocky"\nVERSION_ID="9"\n'],
          ['etc/rocky-release', 'Rocky Linux release 9.3 (Blue Onyx)\n'],
        ]),
      )?.version,
    ).toBe('9.3');
  });

  it('a release file that disagrees instead of extending does not change the version', () => {
    expect(
      resolveOs(
        from([
          ['etc/os-release', 'ID="rhel"\nVERSION_ID="7.7"\n'],
          ['etc/redhat-release', 'Red Hat Enterprise Linux Server release 7.4 (Maipo)\n'],
        ]),
      )?.version,
    ).toBe('7.7');
    expect(
      resolveOs(
        from([
          ['etc/os-release', debian12],
          ['etc/debian_version', '11.9\n'],
        ]),
      )?.version,
    ).toBe('12');
  });

  it('etc/os-release wins over usr/lib/os-release', () => {
    const r = resolveOs(
      from([
        ['usr/lib/os-release', 'ID=fedora\nVERSION_ID=40\n'],
        ['etc/os-release', 'ID=fedora\nVERSION_ID=41\n'],
      ]),
    );
    expect(r).toMatchObject({ version: '41', source: 'etc/os-release' });
  });

  it('without os-release: the distribution file before redhat-release, lsb-release before debian_version', () => {
    expect(
      resolveOs(
        from([
          ['etc/redhat-release', 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n'],
          ['etc/oracle-release', 'Oracle Linux Server release 6.10\n'],
        ]),
      ),
    ).toMatchObject({ id: 'ol', version: '6.10', source: 'etc/oracle-release' });
    expect(
      resolveOs(
        from([
          ['etc/debian_version', 'squeeze/sid\n'],
          ['etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=10.04\n'],
        ]),
      ),
    ).toMatchObject({ id: 'ubuntu', version: '10.04', source: 'etc/lsb-release' });
    expect(resolveOs(from([['etc/debian_version', '6.0.10\n']]))).toEqual({
      id: 'debian',
      version: '6.0.10',
      source: 'etc/debian_version',
    });
  });

  it('debian testing: os-release without VERSION_ID takes debian_version as it is', () => {
    const r = resolveOs(
      from([
        ['etc/os-release', 'ID=debian\nVERSION_CODENAME=trixie\n'],
        ['etc/debian_version', 'trixie/sid\n'],
      ]),
    );
    expect(r).toMatchObject({ id: 'debian', version: 'trixie/sid', codename: 'trixie' });
  });
});

describe('osAnalyzer', () => {
  it('wants exactly the identification files', () => {
    for (const p of OS_FILES) expect(osAnalyzer.wants(info(p))).toBe(true);
    for (const p of [
      'os-release',
      'etc/os-release.bak',
      'usr/etc/os-release',
      'etc/issue',
      'etc/suse-release',
    ]) {
      expect(osAnalyzer.wants(info(p))).toBe(false);
    }
  });

  it('returns { os } for the file, with source set to its path', async () => {
    expect(await analyze('etc/alpine-release', '3.20.3\n')).toEqual({
      os: { id: 'alpine', version: '3.20.3', source: 'etc/alpine-release' },
    });
  });

  it('never throws on hostile input', async () => {
    expect(await analyze('etc/os-release', Buffer.from([0x49, 0x44, 0x3d, 0x00]))).toEqual({
      problems: ['binary content (NUL bytes): not a release file'],
    });
    for (const path of OS_FILES) {
      for (let i = 0; i < 10; i++) {
        const found = await analyze(path, Buffer.from(randomBytes(2048).map((b) => b || 1)));
        expect((found.problems ?? []).length).toBeLessThanOrEqual(20);
      }
      const huge = await analyze(path, `ID=${'x'.repeat(1024 * 1024)}`);
      expect(huge.os === undefined || huge.os.source === path).toBe(true);
      expect(await analyze(path, '')).toMatchObject({ problems: expect.any(Array) });
    }
  });
});
