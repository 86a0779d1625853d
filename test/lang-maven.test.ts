/**
 * Java archives end to end: real jars, a Spring Boot-style fat jar, a WAR and an EAR built here with
 * the JDK's own `jar` tool (Debian: openjdk-17-jdk-headless), a truncated jar and a zip bomb, put in a
 * real three-layer OCI image and scanned; then the components are matched against hand-written OSV
 * records imported for real.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Component } from '../src/core/component.js';
import { matchComponents } from '../src/match/match-components.js';
import { type ScanResult, scanImage } from '../src/scan/scan-image.js';
import { openVulnDb } from '../src/vulndb/vulndb.js';
import { imageOfLayers } from './support/dir-image.js';
import { REPO_ROOT, requireTools } from './support/fixtures.js';
import { writeZip } from './support/zip-writer.js';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The JDK's `jar`: beside the real `javac`, under JAVA_HOME, or on PATH. */
function findJar(): string | undefined {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'jar'));
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    const javac = path.join(d, 'javac');
    if (executable(javac)) candidates.push(path.join(path.dirname(realpathSync(javac)), 'jar'));
  }
  candidates.push('/usr/lib/jvm/java-17-openjdk-amd64/bin/jar');
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) candidates.push(path.join(d, 'jar'));
  return candidates.find(executable);
}

const JAR = findJar();
const missing = requireTools(JAR ? ['tar'] : ['jar', 'tar']);
const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

function put(file: string, content: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

const pomProperties = (g: string, a: string, v: string) =>
  `#Created by Apache Maven 3.9.6\nversion=${v}\ngroupId=${g}\nartifactId=${a}\n`;

/** `jar --create` of directory `from` into `file`, with an optional manifest, stored when `store`. */
function jar(file: string, from: string, opts: { manifest?: string; store?: boolean } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const args = ['--create', '--file', file];
  if (opts.manifest) {
    const m = `${from}.MF`;
    writeFileSync(m, opts.manifest);
    args.push('--manifest', m);
  }
  if (opts.store) args.push('--no-compress');
  execFileSync(JAR ?? 'jar', [...args, '-C', from, '.'], { stdio: 'pipe' });
}

describe.skipIf(!!missing)('Java archives in an image', () => {
  let root: string;
  let result: ScanResult;
  let maven: Component[];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hullscan-maven-'));
    work.push(root);
    const src = path.join(root, 'src');
    const l0 = path.join(root, 'layer0');
    const l1 = path.join(root, 'layer1');
    const l2 = path.join(root, 'layer2');
    const cls = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]);

    // layer 0, /app/lib: a library, a shaded jar, a manifest-only jar, a name-only jar
    put(
      `${src}/log4j/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties`,
      pomProperties('org.apache.logging.log4j', 'log4j-core', '2.14.1'),
    );
    put(`${src}/log4j/org/apache/logging/log4j/core/Logger.class`, cls);
    jar(`${l0}/log4j-core-2.14.1.jar`, `${src}/log4j`, {
      manifest:
        'Bundle-SymbolicName: org.apache.logging.log4j.core\nBundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt\n',
    });
    put(
      `${src}/shaded/META-INF/maven/com.example/shaded-app/pom.properties`,
      pomProperties('com.example', 'shaded-app', '1.0'),
    );
    put(
      `${src}/shaded/META-INF/maven/com.google.guava/guava/pom.properties`,
      pomProperties('com.google.guava', 'guava', '31.1-jre'),
    );
    put(`${src}/shaded/com/example/Main.class`, cls);
    jar(`${l0}/shaded-app-1.0.jar`, `${src}/shaded`);
    put(`${src}/widget/org/example/widget/W.class`, cls);
    jar(`${l0}/widget.jar`, `${src}/widget`, {
      manifest:
        'Bundle-SymbolicName: org.example.widget;singleton:=true\nBundle-Version: 3.1.0\nBundle-License: "Apache-2.0";link="https://www.apache.org/licenses/LICENSE-2.0"\n',
    });
    put(`${src}/mystery/M.class`, cls);
    jar(`${l0}/mystery-lib-0.9.1.jar`, `${src}/mystery`);

    // layer 1, /app: a Spring Boot fat jar (nested jars stored), a WAR, an EAR holding that WAR
    // Spring's own jars are built by Gradle: no pom.properties, only a manifest
    put(`${src}/spring-core/org/springframework/core/SpringVersion.class`, cls);
    jar(`${src}/boot/BOOT-INF/lib/spring-core-5.3.18.jar`, `${src}/spring-core`, {
      manifest:
        'Implementation-Title: spring-core\nImplementation-Version: 5.3.18\nAutomatic-Module-Name: spring.core\n',
    });
    put(`${src}/spring-beans/org/springframework/beans/BeanUtils.class`, cls);
    jar(`${src}/boot/BOOT-INF/lib/spring-beans-5.3.17.jar`, `${src}/spring-beans`, {
      manifest:
        'Implementation-Title: spring-beans\nImplementation-Version: 5.3.17\nAutomatic-Module-Name: spring.beans\n',
    });
    put(`${src}/boot/BOOT-INF/lib/log4j-core-2.14.1.jar`, readFileSync(`${l0}/log4j-core-2.14.1.jar`));
    put(`${src}/boot/BOOT-INF/classes/com/example/demo/App.class`, cls);
    put(
      `${src}/boot/META-INF/maven/com.example/demo/pom.properties`,
      pomProperties('com.example', 'demo', '1.0.0'),
    );
    jar(`${l1}/demo.jar`, `${src}/boot`, {
      manifest: 'Main-Class: org.springframework.boot.loader.JarLauncher\n',
      store: true,
    });
    put(
      `${src}/text/META-INF/maven/org.apache.commons/commons-text/pom.properties`,
      pomProperties('org.apache.commons', 'commons-text', '1.9'),
    );
    jar(`${src}/war/WEB-INF/lib/commons-text-1.9.jar`, `${src}/text`);
    put(`${src}/war/WEB-INF/web.xml`, '<web-app/>\n');
    put(
      `${src}/war/META-INF/maven/com.example/shop/pom.properties`,
      pomProperties('com.example', 'shop', '2.0'),
    );
    jar(`${l1}/shop.war`, `${src}/war`);
    put(`${src}/ear/shop.war`, readFileSync(`${l1}/shop.war`));
    put(`${src}/ear/META-INF/application.xml`, '<application/>\n');
    put(
      `${src}/ear/META-INF/maven/com.example/bank/pom.properties`,
      pomProperties('com.example', 'bank', '3.0'),
    );
    jar(`${l1}/bank.ear`, `${src}/ear`);
    // an exploded WAR: its own pom.properties unpacked, its libraries still jars
    put(
      `${l1}/exploded/META-INF/maven/com.example/exploded/pom.properties`,
      pomProperties('com.example', 'exploded', '4.0'),
    );
    put(
      `${l1}/exploded/WEB-INF/lib/commons-text-1.9.jar`,
      readFileSync(`${src}/war/WEB-INF/lib/commons-text-1.9.jar`),
    );

    // layer 2, /opt/bad: a truncated jar, a zip bomb (16 MiB of zeros declared as 1000 bytes), a real RAR
    const whole = readFileSync(`${l0}/log4j-core-2.14.1.jar`);
    put(`${l2}/broken-1.0.jar`, whole.subarray(0, whole.length >> 1));
    put(
      `${l2}/bomb.jar`,
      writeZip([
        {
          name: 'META-INF/maven/com.example/bomb-host/pom.properties',
          data: Buffer.from(pomProperties('com.example', 'bomb-host', '1.0')),
        },
        { name: 'BOOT-INF/lib/bomb.jar', data: Buffer.alloc(16 * 1024 * 1024), declaredSize: 1000 },
      ]),
    );
    put(`${l2}/adapter.rar`, Buffer.from('Rar!\x1a\x07\x01\x00'));

    const ref = await imageOfLayers(path.join(root, 'image'), [
      { from: l0, to: 'app/lib' },
      { from: l1, to: 'app' },
      { from: l2, to: 'opt/bad' },
    ]);
    result = await scanImage(ref, { dataDir: path.join(root, 'data') });
    maven = result.components.filter((c) => c.type === 'maven');
  }, 120_000);

  it('finds every artifact with its path and layer', () => {
    const [d0, d1, d2] = result.layers.map((l) => l.diffID);
    const row = (c: Component) => [c.name, c.version, c.purl, c.path, c.layer];
    expect(maven.map(row).sort()).toEqual(
      [
        [
          'org.apache.logging.log4j:log4j-core',
          '2.14.1',
          'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
          'app/lib/log4j-core-2.14.1.jar',
          d0,
        ],
        [
          'com.example:shaded-app',
          '1.0',
          'pkg:maven/com.example/shaded-app@1.0',
          'app/lib/shaded-app-1.0.jar',
          d0,
        ],
        [
          'com.google.guava:guava',
          '31.1-jre',
          'pkg:maven/com.google.guava/guava@31.1-jre',
          'app/lib/shaded-app-1.0.jar',
          d0,
        ],
        ['org.example:widget', '3.1.0', 'pkg:maven/org.example/widget@3.1.0', 'app/lib/widget.jar', d0],
        ['mystery-lib', '0.9.1', 'pkg:maven/mystery-lib@0.9.1', 'app/lib/mystery-lib-0.9.1.jar', d0],
        ['com.example:demo', '1.0.0', 'pkg:maven/com.example/demo@1.0.0', 'app/demo.jar', d1],
        [
          'org.apache.logging.log4j:log4j-core',
          '2.14.1',
          'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
          'app/demo.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar',
          d1,
        ],
        [
          'org.springframework:spring-core',
          '5.3.18',
          'pkg:maven/org.springframework/spring-core@5.3.18',
          'app/demo.jar!/BOOT-INF/lib/spring-core-5.3.18.jar',
          d1,
        ],
        [
          'org.springframework:spring-beans',
          '5.3.17',
          'pkg:maven/org.springframework/spring-beans@5.3.17',
          'app/demo.jar!/BOOT-INF/lib/spring-beans-5.3.17.jar',
          d1,
        ],
        ['com.example:shop', '2.0', 'pkg:maven/com.example/shop@2.0', 'app/shop.war', d1],
        [
          'org.apache.commons:commons-text',
          '1.9',
          'pkg:maven/org.apache.commons/commons-text@1.9',
          'app/shop.war!/WEB-INF/lib/commons-text-1.9.jar',
          d1,
        ],
        ['com.example:bank', '3.0', 'pkg:maven/com.example/bank@3.0', 'app/bank.ear', d1],
        ['com.example:shop', '2.0', 'pkg:maven/com.example/shop@2.0', 'app/bank.ear!/shop.war', d1],
        [
          'org.apache.commons:commons-text',
          '1.9',
          'pkg:maven/org.apache.commons/commons-text@1.9',
          'app/bank.ear!/shop.war!/WEB-INF/lib/commons-text-1.9.jar',
          d1,
        ],
        [
          'com.example:exploded',
          '4.0',
          'pkg:maven/com.example/exploded@4.0',
          'app/exploded/META-INF/maven/com.example/exploded/pom.properties',
          d1,
        ],
        [
          'org.apache.commons:commons-text',
          '1.9',
          'pkg:maven/org.apache.commons/commons-text@1.9',
          'app/exploded/WEB-INF/lib/commons-text-1.9.jar',
          d1,
        ],
        ['com.example:bomb-host', '1.0', 'pkg:maven/com.example/bomb-host@1.0', 'opt/bad/bomb.jar', d2],
      ].sort(),
    );
  });

  it('reads licenses from Bundle-License', () => {
    const lic = (name: string, p: string) => maven.find((c) => c.name === name && c.path === p)?.licenses;
    expect(lic('org.apache.logging.log4j:log4j-core', 'app/lib/log4j-core-2.14.1.jar')).toEqual([
      'https://www.apache.org/licenses/LICENSE-2.0.txt',
    ]);
    expect(lic('org.example:widget', 'app/lib/widget.jar')).toEqual(['Apache-2.0']);
    expect(lic('com.example:shaded-app', 'app/lib/shaded-app-1.0.jar')).toBeUndefined();
  });

  it('reports the truncated jar and the bomb as problems, and nothing for a RAR', () => {
    const d2 = result.layers[2]?.diffID;
    const mine = result.problems.filter((p) => p.path.startsWith('opt/bad/') || p.path.startsWith('app/'));
    expect(mine.map((p) => [p.path, p.layer])).toEqual([
      ['opt/bad/bomb.jar', d2],
      ['opt/bad/broken-1.0.jar', d2],
    ]);
    expect(mine[0]?.message).toMatch(/^unreadable archive opt\/bad\/bomb\.jar!\/BOOT-INF\/lib\/bomb\.jar: /);
    expect(mine[1]?.message).toMatch(/^unreadable archive: .*end of central directory/i);
  });

  it('matches what was found against OSV records', async () => {
    const db = await openVulnDb(path.join(root, 'vulndb.sqlite'));
    try {
      await db.importFeeds([path.join(REPO_ROOT, 'src/ecosystems/maven/testdata/osv')]);
      const matches = await matchComponents(maven, result.os, db);
      expect(matches.map((m) => [m.advisory.id, m.component.path, m.fixedVersions]).sort()).toEqual([
        ['GHSA-36p3-wjmg-h94x', 'app/demo.jar!/BOOT-INF/lib/spring-beans-5.3.17.jar', ['5.3.18']],
        ['GHSA-jfh8-c2jp-5v3q', 'app/demo.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar', ['2.15.0']],
        ['GHSA-jfh8-c2jp-5v3q', 'app/lib/log4j-core-2.14.1.jar', ['2.15.0']],
      ]);
    } finally {
      await db.close();
    }
  });
});
