import { describe, expect, it } from 'vitest';
import { componentFromPurl } from './purl-component.js';

describe('componentFromPurl', () => {
  it.each([
    ['pkg:npm/%40babel/core@7.24.0', 'npm', '@babel/core', '7.24.0'],
    ['pkg:npm/lodash@4.17.21', 'npm', 'lodash', '4.17.21'],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
      'maven',
      'org.apache.logging.log4j:log4j-core',
      '2.14.1',
    ],
    ['pkg:golang/golang.org/x/text@v0.3.7', 'golang', 'golang.org/x/text', 'v0.3.7'],
    ['pkg:composer/symfony/http-kernel@v5.4.1', 'composer', 'symfony/http-kernel', 'v5.4.1'],
    ['pkg:pypi/django@4.2.1', 'pypi', 'django', '4.2.1'],
    ['pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12.5', 'deb', 'libc6', '2.36-9'],
  ])('%s names %s package %s@%s', (purl, type, name, version) => {
    const { component } = componentFromPurl(purl);
    expect([component.type, component.name, component.version]).toEqual([type, name, version]);
  });
});
