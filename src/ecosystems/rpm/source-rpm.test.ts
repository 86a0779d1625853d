import { describe, expect, it } from 'vitest';
import { parseSourceRpm } from './source-rpm.js';

describe('parseSourceRpm', () => {
  const cases: [string, ReturnType<typeof parseSourceRpm>][] = [
    ['util-linux-2.32.1-42.el8_8.src.rpm', { name: 'util-linux', version: '2.32.1', release: '42.el8_8' }],
    ['glibc-2.34-2.cm2.src.rpm', { name: 'glibc', version: '2.34', release: '2.cm2' }],
    [
      'perl-IO-Compress-2.081-1.el8.src.rpm',
      { name: 'perl-IO-Compress', version: '2.081', release: '1.el8' },
    ],
    [
      'java-1.8.0-openjdk-1.8.0.362.b09-2.el8.src.rpm',
      { name: 'java-1.8.0-openjdk', version: '1.8.0.362.b09', release: '2.el8' },
    ],
    ['nvidia-kmod-515.65-1.nosrc.rpm', { name: 'nvidia-kmod', version: '515.65', release: '1' }],
    ['a-1-2.src.rpm', { name: 'a', version: '1', release: '2' }],
    ['', undefined],
    ['(none)', undefined],
    ['bash-5.1-2.fc35.x86_64.rpm', undefined],
    ['bash-5.1.src.rpm', undefined],
    ['-5.1-2.src.rpm', undefined],
    ['bash--2.src.rpm', undefined],
    ['bash-5.1-.src.rpm', undefined],
  ];
  for (const [value, want] of cases) {
    it(`${JSON.stringify(value)} → ${JSON.stringify(want)}`, () =>
      expect(parseSourceRpm(value)).toEqual(want));
  }
});
