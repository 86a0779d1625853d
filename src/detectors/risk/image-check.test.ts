import { describe, expect, it } from 'vitest';
import type { ImageCheckInput } from '../../core/analyzer.js';
import type { ImageConfigJson } from '../../core/image.js';
import { isRootUser, riskImageCheck } from './image-check.js';
import { instructionText } from './instruction-text.js';

function input(config: ImageConfigJson, layers?: (string | undefined)[]): ImageCheckInput {
  return { config, historyLayers: layers ?? (config.history ?? []).map(() => undefined) };
}

const brief = (config: ImageConfigJson, layers?: (string | undefined)[]) =>
  riskImageCheck
    .check(input(config, layers))
    .map((f) => [f.rule, f.behavior, f.level, f.historyIndex, f.layer ?? null]);

describe('risk image check', () => {
  it('knows root users', () => {
    for (const u of [undefined, '', 'root', '0', '0:0', 'root:root', '00', ':1000', ' root ']) {
      expect(isRootUser(u), String(u)).toBe(true);
    }
    for (const u of ['app', '1000', '1000:0', 'nobody', 'rootless', '10'])
      expect(isRootUser(u), u).toBe(false);
  });

  it('reports a missing USER once, and a USER root with its history step', () => {
    expect(brief({ config: {} })).toEqual([['config.root-user', 1, 2, undefined, null]]);
    expect(brief({ config: { User: 'app' } })).toEqual([]);
    const history = [
      { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
      { created_by: '/bin/sh -c #(nop)  USER root', empty_layer: true },
      { created_by: 'USER 0:0 # buildkit', empty_layer: true },
    ];
    const f = riskImageCheck.check(
      input({ config: { User: '0:0' }, history }, ['sha256:l0', undefined, undefined]),
    );
    expect(f.map((x) => [x.rule, x.historyIndex, x.instruction])).toEqual([
      ['config.root-user', 2, 'USER 0:0 # buildkit'],
    ]);
    expect(f[0]!.solution).toMatch(/USER <non-root>/);
  });

  it('reports labels asking for privileges, one finding per label', () => {
    const labels = {
      RUN: 'docker run -d --privileged -v /:/host IMAGE',
      'com.example.compose': 'cap_add: [SYS_ADMIN]',
      'io.example.caps': 'NET_ADMIN',
      'com.docker.compose.network_mode': 'network_mode: host',
      'org.opencontainers.image.title': 'privileged-escalation-demo docs',
      'com.example.privileged': 'false',
      maintainer: 'ops@example.com',
    };
    const f = riskImageCheck.check(input({ config: { User: 'app', Labels: labels } }));
    expect(f.map((x) => [x.rule, x.behavior, x.level, x.instruction.split('=')[0]])).toEqual([
      ['config.privileged-label', 1, 3, 'LABEL RUN'],
      ['config.privileged-label', 1, 3, 'LABEL com.example.compose'],
      ['config.privileged-label', 1, 3, 'LABEL io.example.caps'],
      ['config.privileged-label', 1, 3, 'LABEL com.docker.compose.network_mode'],
    ]);
    expect(f[0]!.desc).toMatch(/privileged mode/);
  });

  it('reports remote-access and dangerous service ports, one per port, with the EXPOSE step', () => {
    const ports = {
      '22/tcp': {},
      '23/tcp': {},
      '3389/tcp': {},
      '5901/tcp': {},
      '2375/tcp': {},
      '2376/tcp': {},
      '80/tcp': {},
      '6379/tcp': {},
      '5911/tcp': {},
      '220/tcp': {},
    };
    const history = [
      { created_by: '/bin/sh -c #(nop)  EXPOSE 22/tcp 80/tcp', empty_layer: true },
      { created_by: 'EXPOSE map[2375/tcp:{}] # buildkit', empty_layer: true },
    ];
    const f = riskImageCheck.check(input({ config: { User: 'app', ExposedPorts: ports }, history }));
    expect(f.map((x) => [x.instruction, x.behavior, x.level, x.historyIndex])).toEqual([
      ['EXPOSE 22/tcp', 2, 2, 0],
      ['EXPOSE 23/tcp', 2, 3, undefined],
      ['EXPOSE 3389/tcp', 2, 2, undefined],
      ['EXPOSE 5901/tcp', 2, 2, undefined],
      ['EXPOSE 2375/tcp', 2, 4, 1],
      ['EXPOSE 2376/tcp', 2, 2, undefined],
    ]);
  });

  it('reports dangerous build steps with their history index and layer', () => {
    const history = [
      { created_by: '/bin/sh -c #(nop) ADD file:0a1b2c in / ' },
      { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
      {
        created_by:
          'RUN |1 TOKEN=tok-9f8e7d6c5b4a /bin/sh -c curl -fsSL https://get.example.com | sh # buildkit',
      },
      { created_by: 'RUN /bin/sh -c chmod 777 /app && curl -k https://x/y -o /y # buildkit' },
      { created_by: 'USER app', empty_layer: true },
    ];
    const f = riskImageCheck.check(
      input({ config: { User: 'app' }, history }, ['sha256:a', undefined, 'sha256:b', 'sha256:c', undefined]),
    );
    expect(f.map((x) => [x.rule, x.type, x.behavior, x.level, x.historyIndex, x.layer])).toEqual([
      ['build.pipe-to-shell', 1, 4, 3, 2, 'sha256:b'],
      ['build.world-writable-mode', 1, 4, 2, 3, 'sha256:c'],
      ['build.tls-verification-disabled', 1, 4, 2, 3, 'sha256:c'],
    ]);
    for (const x of f) {
      expect(x.desc.length).toBeGreaterThan(40);
      expect(x.solution).toMatch(/Dockerfile step/);
    }
    // the build arg's value never appears in clear
    expect(JSON.stringify(f)).not.toContain('tok-9f8e7d6c5b4a');
    expect(f[0]!.instruction).toMatch(
      /^RUN \|1 TOKEN=tok-… \/bin\/sh -c curl -fsSL https:\/\/get\.example\.com \| sh/,
    );
  });

  it('never throws on odd configs', () => {
    const odd = {
      config: { User: 0 as unknown as string, ExposedPorts: { 'x/y': {}, '22-30/tcp': {} }, Labels: null },
      history: [null, { created_by: 42 }, {}] as unknown as ImageConfigJson['history'],
    };
    expect(riskImageCheck.check(input(odd)).map((f) => f.rule)).toEqual(['config.root-user']);
  });
});

describe('instruction text', () => {
  it('masks secrets and trims', () => {
    const s = instructionText(
      '|2 DB_PASSWORD=hunter2hunter2 VERSION=1.2 /bin/sh -c curl -u me:p4ssw0rd https://bob:Zx9secretpw@host/x -H "Authorization: Bearer eyJhbGciOi.abc.def" && echo password=topsecretvalue',
    );
    for (const secret of [
      'hunter2hunter2',
      'p4ssw0rd',
      'Zx9secretpw',
      'eyJhbGciOi.abc.def',
      'topsecretvalue',
    ])
      expect(s).not.toContain(secret);
    const t = instructionText(
      "/bin/sh -c echo 'root:Sup3rS3cret' | chpasswd && mysql --password=DbPa55word -e x && curl https://x | sh",
    );
    expect(t).not.toContain('Sup3rS3cret');
    expect(t).not.toContain('DbPa55word');
    expect(t).toContain('curl https://x | sh');
    expect(s).toContain('VERSION=1.2');
    expect(instructionText('x'.repeat(1000)).length).toBe(300);
    const t0 = performance.now();
    for (const unit of [
      '://a',
      'password=',
      ' -u a:',
      'echo a:',
      '--pass ',
      'authorization: bearer ',
      '|9 ',
      'a:b@',
    ])
      instructionText(`|1 X=y chpasswd ${unit.repeat(200_000)}`);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe('remote-access command', () => {
  it('reports an ENTRYPOINT or CMD that starts a remote-access daemon', () => {
    const history = [{ created_by: '/bin/sh -c #(nop)  CMD ["/usr/sbin/sshd" "-D"]', empty_layer: true }];
    const f = riskImageCheck.check(
      input({ config: { User: 'app', Cmd: ['/usr/sbin/sshd', '-D'] }, history }),
    );
    expect(f.map((x) => [x.rule, x.behavior, x.level, x.instruction, x.historyIndex])).toEqual([
      ['config.remote-access-command', 2, 2, 'CMD ["/usr/sbin/sshd","-D"]', 0],
    ]);
    expect(
      riskImageCheck.check(input({ config: { User: 'app', Entrypoint: ['x11vnc', '-forever'] } }))[0]?.rule,
    ).toBe('config.remote-access-command');
    expect(
      riskImageCheck.check(input({ config: { User: 'app', Cmd: ['nginx', '-g', 'daemon off;'] } })),
    ).toEqual([]);
    expect(riskImageCheck.check(input({ config: { User: 'app', Cmd: ['/app/sshd-exporter'] } }))).toEqual([]);
  });
});
