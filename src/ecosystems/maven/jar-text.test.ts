import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oracleSuite } from '../../../test/support/oracles.js';
import { parseManifest, parseProperties } from './jar-text.js';

describe('parseManifest', () => {
  it('joins continuation lines and splits sections', () => {
    const m = parseManifest(
      'Manifest-Version: 1.0\r\nBundle-License: https://www.apache.org/licenses/LICENSE-2.0.t\r\n xt\r\n\r\nName: a/b/\r\nImplementation-Version: 3\r\n',
    );
    expect(m.main.get('Bundle-License')).toBe('https://www.apache.org/licenses/LICENSE-2.0.txt');
    expect(m.sections).toEqual([
      new Map([
        ['Name', 'a/b/'],
        ['Implementation-Version', '3'],
      ]),
    ]);
  });
});

describe('parseProperties', () => {
  it('follows java.util.Properties', () => {
    const p = parseProperties('# c\n! c\n  a = 1\nb:2\nc 3\nd=x\\\n   y\ne=\\u0041\\tz\nf\n');
    expect(Object.fromEntries(p)).toEqual({ a: '1', b: '2', c: '3', d: 'xy', e: 'A\tz', f: '' });
  });
});

// syft's java cataloger fixtures (anchore/syft, Apache-2.0): MANIFEST.MF and pom.properties texts
oracleSuite('pkgdb/syft/syft/pkg/cataloger/java/testdata', (dir) => {
  const read = (rel: string) => readFileSync(join(dir, rel), 'utf8');

  it('reads manifest/standard-info', () => {
    const m = parseManifest(read('manifest/standard-info'));
    expect(Object.fromEntries(m.main)).toEqual({
      'Manifest-Version': '1.0',
      Name: 'the-best-name',
      'Specification-Title': 'the-spec-title',
      'Specification-Vendor': 'the-spec-vendor',
      'Specification-Version': 'the-spec-version',
      'Implementation-Title': 'the-impl-title',
      'Implementation-Vendor': 'the-impl-vendor',
      'Implementation-Version': 'the-impl-version',
    });
    expect(m.sections).toEqual([]);
  });

  it('reads manifest/small, extra-info and version-with-date', () => {
    expect(Object.fromEntries(parseManifest(read('manifest/small')).main)).toEqual({
      'Manifest-Version': '1.0',
    });
    const extra = parseManifest(read('manifest/extra-info'));
    expect(Object.fromEntries(extra.main)).toEqual({
      'Manifest-Version': '1.0',
      'Archiver-Version': 'Plexus Archiver',
      'Created-By': 'Apache Maven 3.6.3',
    });
    expect(extra.sections.map((s) => Object.fromEntries(s))).toEqual([
      { Name: 'thing-1', 'Built-By': '?' },
      { 'Build-Jdk': '14.0.1', 'Main-Class': 'hello.HelloWorld' },
    ]);
    expect(parseManifest(read('manifest/version-with-date')).main.get('Implementation-Version')).toBe(
      '1.3 2244 October 5 2005',
    );
  });

  it('joins manifest/continuation', () => {
    expect(parseManifest(read('manifest/continuation')).main.get('Plugin-ScmUrl')).toBe(
      'https://github.com/jenkinsci/plugin-pom/example-jenkins-plugin',
    );
  });

  it('skips what is no header in manifest/extra-empty-lines and leading-space', () => {
    const m = parseManifest(read('manifest/extra-empty-lines'));
    expect(Object.fromEntries(m.main)).toEqual({
      'Manifest-Version': '1.0',
      'Archiver-Version': 'Plexus Archiver',
      'Created-By': 'Apache Maven 3.6.3',
    });
    expect(m.sections.map((s) => Object.fromEntries(s))).toEqual([
      { Name: 'thing-1', 'Built-By': '?' },
      { Name: 'thing-2', 'Built-By': 'someone!' },
      { Other: 'things' },
      { Last: 'item' },
    ]);
    // `continue line1,$` has no colon: not a header, and the indented line after it continues nothing
    const l = parseManifest(read('manifest/leading-space'));
    expect(Object.fromEntries(l.main)).toEqual({ 'Key-keykeykey': 'initialconfig:com', should: 'parse' });
  });

  it('reads a real manifest (jackson-core 2.15.2) and a named section (opensaml-core 3.4.6)', () => {
    const j = parseManifest(read('jar-metadata/jackson-core-2.15.2/META-INF/MANIFEST.MF'));
    expect(j.main.get('Bundle-SymbolicName')).toBe('com.fasterxml.jackson.core.jackson-core');
    expect(j.main.get('Implementation-Vendor-Id')).toBe('com.fasterxml.jackson.core');
    expect(j.main.get('Bundle-Version')).toBe('2.15.2');
    const o = parseManifest(read('jar-metadata/opensaml-core-3.4.6/META-INF/MANIFEST.MF'));
    expect(o.main.get('Implementation-Version')).toBeUndefined();
    expect(o.sections[0]?.get('Name')).toBe('org/opensaml/core/');
    expect(o.sections[0]?.get('Implementation-Version')).toBe('3.4.6');
    const s = parseManifest(read('jar-metadata/spring-instrumentation-4.3.0-1.0/META-INF/MANIFEST.MF'));
    expect(s.main.get('Weave-Violation-Filter')).toBe(
      'METHOD_MISSING_REQUIRED_ANNOTATIONS,CLASS_MISSING_REQUIRED_ANNOTATIONS',
    );
    expect(s.main.get('Illegal-Classes')).toBe('');
  });

  it.each([
    ['small.pom.properties', 'example-java-app-maven', '0.1.0'],
    ['extra.pom.properties', 'example-java-app-maven', '0.1.0'],
    ['colon-delimited.pom.properties', 'example-java-app-maven', '0.1.0'],
    ['colon-delimited-with-equals.pom.properties', 'example-java=app-maven', '0.1.0=something'],
    ['equals-delimited-with-colons.pom.properties', 'example-java:app-maven', '0.1.0:something'],
  ])('reads pom/%s', (file, artifactId, version) => {
    const p = parseProperties(read(`pom/${file}`));
    expect(p.get('groupId')).toBe('org.anchore');
    expect(p.get('artifactId')).toBe(artifactId);
    expect(p.get('version')).toBe(version);
  });

  it('reads pom/extra.pom.properties whole', () => {
    expect(Object.fromEntries(parseProperties(read('pom/extra.pom.properties')))).toEqual({
      groupId: 'org.anchore',
      artifactId: 'example-java-app-maven',
      version: '0.1.0',
      name: 'something-here',
      another: 'thing',
      sweet: 'work',
    });
  });
});
