import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../../core/analyzer.js';
import { createSecretFileAnalyzer, MAX_TEXT_FILE, secretFindings, wantsSecretFile } from './file-analyzer.js';
import { FakeSecrets } from './testing.js';

const info = (path: string, size = 100): FileInfo => ({ path, size, mode: 0o644, uid: 0, gid: 0 });

describe('which files the secret rules read', () => {
  it('reads application config and always the usual homes of credentials', () => {
    for (const p of [
      'app/config.yaml',
      'etc/myapp/app.conf',
      'srv/www/wp-config.php',
      'opt/app/settings.json',
    ])
      expect(wantsSecretFile(info(p)), p).toBe(true);
    for (const p of [
      'app/.env',
      'root/.bash_history',
      'home/u/.zsh_history',
      'root/.netrc',
      'root/.git-credentials',
      'root/.docker/config.json',
      'root/.npmrc',
      'root/.pypirc',
      'etc/shadow',
      'root/.ssh/id_rsa',
      'etc/ssl/private/server.key',
      'app/tls.pem',
    ])
      expect(wantsSecretFile(info(p, 50 * 1024 * 1024)), p).toBe(true);
  });
  it('skips docs, locales, package databases, binaries, big ordinary files and fixtures of installed software', () => {
    for (const p of [
      'usr/share/doc/openssl/README',
      'usr/share/man/man1/ls.1.gz',
      'usr/share/locale/de/LC_MESSAGES/x.mo',
      'var/lib/dpkg/status',
      'usr/lib/x86_64-linux-gnu/libssl.so.3',
      'usr/bin/mariadb-access',
      'app/logo.png',
      'usr/lib/python3.11/test/keycert.pem',
      'usr/local/lib/python3.12/site-packages/requests/tests/certs/server.key',
      'app/node_modules/jsonwebtoken/test/priv.pem',
      'usr/share/go-1.19/src/crypto/tls/testdata/example-key.pem',
      'usr/share/doc/libxmlsec1-dev/examples/rsakey.pem',
    ])
      expect(wantsSecretFile(info(p)), p).toBe(false);
    expect(wantsSecretFile(info('app/huge.json', MAX_TEXT_FILE + 1))).toBe(false);
    expect(wantsSecretFile({ ...info('app'), directory: true })).toBe(false);
  });
  it('runs only exact-format rules on installed software, all rules on the image own files', () => {
    const fake = new FakeSecrets(5);
    const pw = fake.password();
    const gh = fake.github();
    const text = `password = "${pw}"\ntoken = "${gh}"\n`;
    expect(
      secretFindings('usr/lib/node_modules/x/lib/conf.js', Buffer.from(text)).map((f) => f.rule),
    ).toEqual(['secret.github-token']);
    expect(secretFindings('app/conf.cfg', Buffer.from(text)).map((f) => f.rule)).toEqual([
      'secret.config-password',
      'secret.github-token',
    ]);
  });
  it('counts binary files and skips them', async () => {
    const a = createSecretFileAnalyzer();
    const gh = new FakeSecrets(6).github();
    const ctx = { layer: 'sha256:x' };
    expect(
      await a.analyze({ info: info('app/a.bin'), content: Buffer.from(`\0${gh}`) }, ctx),
    ).toBeUndefined();
    const r = await a.analyze({ info: info('app/a.txt'), content: Buffer.from(gh) }, ctx);
    expect(r?.risks?.map((f) => f.rule)).toEqual(['secret.github-token']);
    expect(a.wants(info('app/big.json', MAX_TEXT_FILE + 1))).toBe(false);
    expect(a.stats).toEqual({
      filesScanned: 1,
      bytesScanned: gh.length,
      binarySkipped: 1,
      overCapSkipped: 1,
    });
  });
});
