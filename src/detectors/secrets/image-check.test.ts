import { describe, expect, it } from 'vitest';
import type { ImageConfigJson } from '../../core/image.js';
import { checkBuildSecrets } from './image-check.js';
import { FakeSecrets } from './testing.js';

const fake = new FakeSecrets(99);

function check(history: string[], env: string[] = [], layers?: (string | undefined)[]) {
  const config: ImageConfigJson = {
    config: { Env: env },
    history: history.map((created_by) => ({ created_by })),
  };
  const findings = checkBuildSecrets({ config, historyLayers: layers ?? history.map(() => undefined) });
  return findings;
}

describe('secrets in the build', () => {
  it('ENV and ARG values, legacy and BuildKit forms, with history index and layer', () => {
    const a = fake.password();
    const b = fake.password();
    const c = fake.password();
    const f = check(
      [
        `/bin/sh -c #(nop)  ENV DB_PASSWORD=${a}`,
        `/bin/sh -c #(nop)  ENV ADMIN_SECRET ${b}`,
        `ARG API_KEY=${c}`,
        'ENV PASSWORD_FILE=/run/secrets/pw GPG_KEY=0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D',
        'ENV DB_PASSWORD=changeme',
        'ARG GITHUB_TOKEN',
      ],
      [],
      [undefined, undefined, undefined, undefined, undefined, undefined],
    );
    expect(f.map((x) => [x.rule, x.historyIndex, x.instruction])).toEqual([
      ['secret.build-env', 0, `/bin/sh -c #(nop)  ENV DB_PASSWORD=${a.slice(0, 3)}…`],
      ['secret.build-env', 1, `/bin/sh -c #(nop)  ENV ADMIN_SECRET ${b.slice(0, 3)}…`],
      ['secret.build-arg', 2, `ARG API_KEY=${c.slice(0, 3)}…`],
    ]);
  });

  it('a build argument BuildKit repeats on every RUN is reported once, at its first step', () => {
    const pw = fake.password();
    const f = check(
      [
        'ARG DB_PASSWORD',
        `RUN |1 DB_PASSWORD=${pw} /bin/sh -c make`,
        `RUN |1 DB_PASSWORD=${pw} /bin/sh -c make install`,
      ],
      [],
      [undefined, 'sha256:l1', 'sha256:l2'],
    );
    expect(f.map((x) => [x.rule, x.historyIndex, x.layer])).toEqual([['secret.build-arg', 1, 'sha256:l1']]);
    expect(JSON.stringify(f).includes(pw)).toBe(false);
  });

  it('command lines: chpasswd, --password, docker login -p, mysql -p, tokens in URLs, rule tokens', () => {
    const pws = [fake.password(), fake.password(), fake.password(), fake.password(), fake.chars(40)];
    const gh = fake.github();
    const f = check([
      `RUN /bin/sh -c echo 'root:${pws[0]}' | chpasswd`,
      `RUN /bin/sh -c app-setup --password=${pws[1]} --user admin`,
      `RUN /bin/sh -c docker login -u ci -p ${pws[2]} registry.internal`,
      `RUN /bin/sh -c mysql -uroot -p${pws[3]} < /schema.sql`,
      `RUN /bin/sh -c wget -q "https://dl.internal/pkg.tgz?access_token=${pws[4]}"`,
      `RUN /bin/sh -c git clone https://${gh}@github.com/acme/app.git`,
      'RUN /bin/sh -c echo "root:$ROOT_PW" | chpasswd && mysql -p"$DB_PW"',
      `RUN /bin/sh -c curl -fsSL -H "Authorization: Bearer ${pws[1]}x" https://api.internal/v1/pkg -o /pkg`,
    ]);
    expect(f.map((x) => [x.rule, x.historyIndex])).toEqual([
      ['secret.build-command', 0],
      ['secret.build-command', 1],
      ['secret.build-command', 2],
      ['secret.build-command', 3],
      ['secret.url-token', 4],
      ['secret.github-token', 5],
      ['secret.curl-auth-header', 7],
    ]);
    const json = JSON.stringify(f);
    for (const s of [...pws, gh]) expect(json.includes(s)).toBe(false);
  });

  it('config ENV not in the history, and values that match a token rule whatever the name', () => {
    const pw = fake.password();
    const gh = fake.github();
    const f = check(
      ['ADD rootfs.tar /'],
      ['PATH=/usr/bin', `REDIS_PASSWORD=${pw}`, `GH=${gh}`, 'PASSWORD_FILE=/run/secrets/x', 'TOKEN='],
    );
    expect(f.map((x) => [x.rule, x.instruction, x.historyIndex])).toEqual([
      ['secret.env-variable', `ENV REDIS_PASSWORD=${pw.slice(0, 3)}…`, undefined],
      ['secret.github-token', 'ENV GH=ghp_…', undefined],
    ]);
    expect(f[1]!.solution).toContain('ENV GH');
  });

  it('a secret inside a longer ENV value (a connection string) is masked in place', () => {
    const pw = fake.password();
    const f = check(['ADD rootfs.tar /'], [`DATABASE_URL=postgres://app:${pw}@db.internal:5432/app`]);
    expect(f.map((x) => [x.rule, x.instruction])).toEqual([
      ['secret.url-credentials', `ENV DATABASE_URL=postgres://app:${pw.slice(0, 3)}…@db.internal:5432/app`],
    ]);
  });
});
