import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { copyrightLicenses, dpkgCopyrightAnalyzer } from './dpkg-copyright.js';

const info = (path: string) => ({ path, size: 1, mode: 0o644, uid: 0, gid: 0 });

describe('copyrightLicenses', () => {
  it('reads machine-readable License fields, splitting alternatives, skipping prose', () => {
    const text = [
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
      '',
      'Files: *',
      'License: MPL-1.1 or GPL-2+ and LGPL-2.1',
      '',
      'Files: debian/*',
      'License: BSD-3-clause, Expat',
      '',
      'License: This software is provided as-is, without any warranty',
      ' long text',
    ].join('\n');
    expect(copyrightLicenses(text)).toEqual(['MPL-1.1', 'GPL-2+', 'LGPL-2.1', 'BSD-3-clause', 'Expat']);
  });

  it('reads references to /usr/share/common-licenses in free-form files', () => {
    const text =
      "On Debian systems, see `/usr/share/common-licenses/LGPL-2.1'.\nand /usr/share/common-licenses/GPL-2.";
    expect(copyrightLicenses(text)).toEqual(['LGPL-2.1', 'GPL-2']);
  });

  it('wants only usr/share/doc/<pkg>/copyright and names the package', () => {
    expect(dpkgCopyrightAnalyzer.wants(info('usr/share/doc/libc6/copyright'))).toBe(true);
    expect(dpkgCopyrightAnalyzer.wants(info('usr/share/doc/libc6/changelog.gz'))).toBe(false);
    expect(dpkgCopyrightAnalyzer.wants(info('usr/share/doc/a/b/copyright'))).toBe(false);
    const f = dpkgCopyrightAnalyzer.analyze(
      { info: info('usr/share/doc/zlib1g/copyright'), content: Buffer.from('License: Zlib\n') },
      { layer: 'x' },
    );
    expect(f).toEqual({ packageLicenses: { type: 'deb', name: 'zlib1g', licenses: ['Zlib'] } });
  });
});

oracleSuite('pkgdb/syft/syft/pkg/cataloger/debian/testdata/copyright', (dir) => {
  it.each([
    ['libc6', ['GPL-2', 'LGPL-2.1']],
    ['trilicense', ['MPL-1.1', 'GPL-2', 'LGPL-2.1']],
    [
      'liblzma5',
      // every License field of the file but `none`, and the common-licenses it points to
      [
        'PD',
        'probably-PD',
        'GPL-2+',
        'LGPL-2.1+',
        'permissive-fsf',
        'Autoconf',
        'GPL-2',
        'permissive-nowarranty',
      ].concat(['config-h', 'noderivs', 'PD-debian', 'LGPL-2', 'LGPL-2.1', 'GPL-3']),
    ],
  ])('%s', (name, want) => {
    expect(copyrightLicenses(readFileSync(join(dir, name), 'utf8')).sort()).toEqual([...want].sort());
  });
});
