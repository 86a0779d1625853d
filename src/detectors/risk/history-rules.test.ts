import { describe, expect, it } from 'vitest';
import { historyHits, worldWritableMode } from './history-rules.js';

const rules = (line: string) => historyHits(line).map((h) => h.rule);

describe('history rules', () => {
  it.each([
    // classic builder
    '/bin/sh -c curl -fsSL https://get.example.com | sh',
    '/bin/sh -c wget -O- https://example.com/install.sh | bash',
    '/bin/sh -c curl -sL https://deb.nodesource.com/setup_18.x | sudo -E bash -',
    '/bin/sh -c set -eux; curl -fsSL https://x.example/i.sh | tee /tmp/i.log | sh -s -- --yes',
    '/bin/sh -c sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"',
    '/bin/sh -c bash <(curl -s https://example.com/x.sh)',
    '/bin/sh -c eval "$(wget -qO- https://example.com/env)"',
    // BuildKit, with build args
    'RUN |1 TOKEN=s3cr3t-value /bin/sh -c curl -H "Authorization: token s3cr3t-value" https://x/i.sh | python3 - # buildkit',
    'RUN /bin/sh -c apt-get update && curl https://sh.rustup.rs -sSf | sh -s -- -y # buildkit',
    // exec form
    'RUN ["/bin/sh","-c","curl -fsSL https://x.example/i.sh | bash"] # buildkit',
  ])('pipe-to-shell: %s', (line) => {
    expect(rules(line)).toContain('build.pipe-to-shell');
  });

  it.each([
    '/bin/sh -c curl -fsSLo /tmp/i.sh https://x/i.sh && echo "abc  /tmp/i.sh" | sha256sum -c && sh /tmp/i.sh',
    '/bin/sh -c curl -fsSL https://x/k.gpg | gpg --dearmor -o /usr/share/keyrings/k.gpg',
    '/bin/sh -c wget -qO- https://x/app.tar.gz | tar -xz -C /opt',
    '/bin/sh -c curl -fsSL https://x/k.asc | sudo tee /etc/apt/keyrings/k.asc',
    '/bin/sh -c echo hi | sh',
    '/bin/sh -c curl --version || true; sh -c "echo ok"',
  ])('not pipe-to-shell: %s', (line) => {
    expect(rules(line)).not.toContain('build.pipe-to-shell');
  });

  it.each([
    '/bin/sh -c chmod 777 /app',
    'RUN /bin/sh -c chmod 777 /app # buildkit',
    '/bin/sh -c chmod -R 777 /var/www/html',
    '/bin/sh -c chmod -R a+rwx /data',
    '/bin/sh -c chmod 0666 /etc/app.conf',
    '/bin/sh -c chmod o+w,u+x /srv/x',
    '/bin/sh -c chmod u+x,o+w /srv/x',
    'COPY --chmod=777 app /app # buildkit',
    '/bin/sh -c mkdir -p -m 777 /cache',
  ])('world-writable: %s', (line) => {
    expect(rules(line)).toContain('build.world-writable-mode');
  });

  it.each([
    '/bin/sh -c chmod 755 /app',
    '/bin/sh -c chmod 1777 /tmp/shared',
    '/bin/sh -c chmod a+rwxt /scratch',
    '/bin/sh -c chmod +x /entrypoint.sh',
    '/bin/sh -c chmod -R go-w /app',
    '/bin/sh -c chmod u+s /usr/bin/x',
    'COPY --chmod=755 app /app # buildkit',
  ])('not world-writable: %s', (line) => {
    expect(rules(line)).not.toContain('build.world-writable-mode');
  });

  it('reads chmod modes', () => {
    expect(worldWritableMode('777')).toBe(true);
    expect(worldWritableMode('0777')).toBe(true);
    expect(worldWritableMode('1777')).toBe(false);
    expect(worldWritableMode('2777')).toBe(true);
    expect(worldWritableMode('o=rwx')).toBe(true);
    expect(worldWritableMode('ug+w')).toBe(false);
    expect(worldWritableMode('=rwx')).toBe(false);
  });

  it('ADD from a URL, unless pinned by checksum; local ADDs are fine', () => {
    expect(rules('ADD https://example.com/tool.tar.gz /opt/ # buildkit')).toEqual(['build.add-remote-url']);
    expect(rules('ADD --chmod=755 https://example.com/tool /usr/local/bin/tool # buildkit')).toEqual([
      'build.add-remote-url',
    ]);
    expect(rules('/bin/sh -c #(nop) ADD https://example.com/a.tgz /tmp/')).toEqual(['build.add-remote-url']);
    expect(rules('ADD --checksum=sha256:24454f83 https://example.com/a.tgz /opt/ # buildkit')).toEqual([]);
    expect(rules('/bin/sh -c #(nop) ADD file:7a2bc4b0c7e4c9fe8e9f2a0d6ab0ca0e0c4b9e8f1e2f in / ')).toEqual(
      [],
    );
    expect(rules('/bin/sh -c #(nop) COPY dir:abc123 in /app ')).toEqual([]);
    // buildah 1.28 `bud` of `ADD http://127.0.0.1:18731/tool.sh /opt/tool.sh` and `ADD local.txt /opt/`
    expect(
      rules(
        '/bin/sh -c #(nop) ADD 77e3c59177ad377ada240961bda4ad08cf8daa0a0dea7cd472950cb19b9fa24b in /opt/tool.sh ',
      ),
    ).toEqual(['build.add-remote-url']);
    expect(
      rules(
        '/bin/sh -c #(nop) ADD file:44bff13da9f0d488d0c05db3289fb62204e458ec01e573f8a933c5db7e75a238 in /opt/ ',
      ),
    ).toEqual([]);
    expect(rules('/bin/sh -c echo ADD https://x is a string')).toEqual([]);
  });

  it.each([
    ['/bin/sh -c apt-get install -y --allow-unauthenticated foo', 'build.package-signature-disabled'],
    ['/bin/sh -c apt-get update --allow-insecure-repositories', 'build.package-signature-disabled'],
    ['/bin/sh -c apt-get install -y --force-yes foo', 'build.package-signature-disabled'],
    [
      '/bin/sh -c echo "deb [trusted=yes] http://repo.example/ ./" > /etc/apt/sources.list.d/x.list',
      'build.package-signature-disabled',
    ],
    ['/bin/sh -c yum install -y --nogpgcheck foo', 'build.package-signature-disabled'],
    ['RUN /bin/sh -c dnf -y --nogpgcheck install x # buildkit', 'build.package-signature-disabled'],
    ['/bin/sh -c echo gpgcheck=0 >> /etc/yum.repos.d/x.repo', 'build.package-signature-disabled'],
    ['/bin/sh -c apk add --allow-untrusted /tmp/x.apk', 'build.package-signature-disabled'],
    [
      '/bin/sh -c pip install --trusted-host pypi.example -i http://pypi.example/simple x',
      'build.tls-verification-disabled',
    ],
    ['/bin/sh -c npm config set strict-ssl false', 'build.tls-verification-disabled'],
    ['/bin/sh -c curl -fsSLk https://x/app -o /usr/bin/app', 'build.tls-verification-disabled'],
    ['/bin/sh -c wget --no-check-certificate https://x/a.tgz', 'build.tls-verification-disabled'],
    ['/bin/sh -c git config --global http.sslVerify false', 'build.tls-verification-disabled'],
  ])('%s → %s', (line, rule) => {
    expect(rules(line)).toContain(rule);
  });

  it('leaves ordinary package installs alone', () => {
    for (const line of [
      '/bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*',
      '/bin/sh -c echo repo_gpgcheck=0 >> /etc/yum.conf',
      '/bin/sh -c yum install -y httpd && yum clean all',
      '/bin/sh -c apk add --no-cache curl',
      '/bin/sh -c pip install --no-cache-dir -r requirements.txt',
      '/bin/sh -c curl -fsSL -o /k https://x/k && curl -K /cfg https://x',
      '/bin/sh -c #(nop)  USER app',
    ]) {
      expect(rules(line), line).toEqual([]);
    }
  });

  it('fires each rule once per line and stays linear on hostile input', () => {
    const line = `/bin/sh -c ${'curl x | sh; chmod 777 /a; '.repeat(5000)}`;
    const t = performance.now();
    const hits = historyHits(line);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(hits.map((h) => h.rule)).toEqual(['build.pipe-to-shell', 'build.world-writable-mode']);
    const long = `/bin/sh -c ${'|'.repeat(200_000)}${'$('.repeat(100_000)}`;
    const t2 = performance.now();
    historyHits(long);
    expect(performance.now() - t2).toBeLessThan(2000);
  });
});
