/**
 * Bounded time on hostile content, and the file analyzer's throughput over this machine's /etc and
 * /usr/share (files read beforehand; only `wants` + `analyze` are timed).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../src/core/analyzer.js';
import { createSecretFileAnalyzer, scanText } from '../src/detectors/secrets/index.js';

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

const MiB = 1024 * 1024;

describe('secret rules on pathological content', () => {
  const cases: [string, () => string, string?][] = [
    ["'a' × 8 MiB", () => 'a'.repeat(8 * MiB)],
    ["'=' × 8 MiB", () => '='.repeat(8 * MiB)],
    ['-----BEGIN repeated', () => '-----BEGIN '.repeat((8 * MiB) / 11)],
    ['BEGIN RSA PRIVATE KEY headers repeated', () => '-----BEGIN RSA PRIVATE KEY-----'.repeat(MiB / 4)],
    [
      'PEM header then 8 MiB of base64 without END',
      () => `-----BEGIN PRIVATE KEY-----\n${'QUJD'.repeat(2 * MiB)}`,
    ],
    ['2 MiB single line of base64-ish characters', () => 'aB3+/x9Z'.repeat(MiB / 4)],
    ['eyJ repeated (JWT scanner)', () => 'eyJ'.repeat((8 * MiB) / 3)],
    ['eyJ….eyJ… without signatures', () => 'eyJhbGciOiJIUzI1NiJ9.eyJ'.repeat(MiB / 6)],
    ['deep JSON nesting', () => `${'{"a":'.repeat(MiB)}"password"${'}'.repeat(MiB)}`],
    ['password= repeated', () => 'password='.repeat(MiB)],
    ['password: x\\n repeated', () => 'password: hunter2x\n'.repeat(MiB / 4)],
    ['curl -u repeated', () => 'curl -u a:b '.repeat(MiB / 2)],
    ['curl -H repeated on one line', () => 'curl -H "Authorization: Bearer x" '.repeat(MiB / 4)],
    ['curl on every line with indented options', () => 'curl \\\n  -H "Token: y"\n'.repeat(MiB / 2)],
    ['://user:pass@ without host', () => '://u:p@'.repeat(MiB)],
    ['xoxb- and AKIA runs', () => 'xoxb-1234567890-'.repeat(MiB / 4) + 'AKIA'.repeat(MiB / 2)],
    ['secret_key= repeated with AKID', () => `AKID${'a'.repeat(32)} ${'secret_key='.repeat(MiB / 2)}`],
    ['one 2 MiB line with many q~', () => 'abc1Q~'.repeat(MiB / 3)],
    [
      '.bash_history: one 8 MiB line of --password',
      () => '--password x'.repeat((8 * MiB) / 12),
      'root/.bash_history',
    ],
    [
      '.bash_history: 8 MiB of short secret lines',
      () => 'mysql -pS3cretpw\n'.repeat(MiB / 2),
      'root/.bash_history',
    ],
    ['etc/shadow: 8 MiB of lines', () => 'u:$6$abc$def:1::::::\n'.repeat((8 * MiB) / 21), 'etc/shadow'],
    ['.env: 8 MiB of KEY=value lines', () => 'API_TOKEN=abcdef123\n'.repeat((8 * MiB) / 20), 'app/.env'],
    ['.netrc: password repeated', () => 'password '.repeat(MiB), 'root/.netrc'],
  ];
  for (const [name, make, file] of cases) {
    it(`${name} finishes in bounded time`, () => {
      const text = make();
      const heapBefore = process.memoryUsage().heapUsed;
      const { ms, value } = timed(() => scanText(text, file ?? 'hostile.conf'));
      const grew = process.memoryUsage().heapUsed - heapBefore;
      console.log(
        `${name}: ${(text.length / MiB).toFixed(1)} MiB in ${ms.toFixed(0)} ms, ${value.length} hits, heap +${(grew / MiB).toFixed(0)} MiB`,
      );
      expect(ms).toBeLessThan(1000);
      expect(grew).toBeLessThan(20 * text.length + 64 * MiB);
      expect(value.length).toBeLessThanOrEqual(200);
    });
  }
  it('the file analyzer skips binary content and never throws', async () => {
    const a = createSecretFileAnalyzer();
    const bin = Buffer.concat([Buffer.from('password=hunter22\0'), Buffer.alloc(100)]);
    const info = { path: 'app/data.conf', size: bin.length, mode: 0o644, uid: 0, gid: 0 };
    expect(await a.analyze({ info, content: bin }, { layer: 'sha256:x' })).toBeUndefined();
    expect(a.stats.binarySkipped).toBe(1);
  });
});

function* walk(dir: string, depth = 0): Generator<string> {
  if (depth > 40) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = path.join(dir, n);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) yield* walk(p, depth + 1);
    else if (st.isFile()) yield p;
  }
}

describe('throughput on this machine', () => {
  it('reads /etc and /usr/share and reports MB/s of wants + analyze', async () => {
    const a = createSecretFileAnalyzer();
    const files: { info: FileInfo; content: Buffer }[] = [];
    let offered = 0;
    let wantsMs = 0;
    for (const root of ['/etc', '/usr/share']) {
      for (const p of walk(root)) {
        let st: ReturnType<typeof lstatSync>;
        try {
          st = lstatSync(p);
        } catch {
          continue;
        }
        const info: FileInfo = {
          path: p.slice(1),
          size: st.size,
          mode: st.mode & 0o7777,
          uid: st.uid,
          gid: st.gid,
        };
        offered++;
        const t = performance.now();
        const want = a.wants(info);
        wantsMs += performance.now() - t;
        if (!want || st.size > (a.maxFileSize ?? Number.POSITIVE_INFINITY)) continue;
        try {
          files.push({ info, content: readFileSync(p) });
        } catch {}
      }
    }
    // everything, wanted or not, to show the cost of reading all text under the two trees
    const all: Buffer[] = files.map((f) => f.content);
    const bytes = all.reduce((s, b) => s + b.length, 0);
    const t = performance.now();
    const findings: string[] = [];
    for (const f of files) {
      const r = await a.analyze(f, { layer: 'sha256:local' });
      for (const x of r?.risks ?? []) findings.push(`${x.rule} ${x.instruction}`);
    }
    const ms = performance.now() - t;
    console.log(
      `secret-files on /etc + /usr/share: ${offered} files offered (wants ${wantsMs.toFixed(0)} ms), ${files.length} read, ` +
        `${(bytes / 1e6).toFixed(1)} MB analysed in ${ms.toFixed(0)} ms = ${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s; ` +
        `${a.stats.binarySkipped} binary skipped; ${findings.length} findings`,
    );
    for (const f of findings.slice(0, 60)) console.log(`  ${f}`);
    expect(a.stats.filesScanned + a.stats.binarySkipped).toBe(files.length);
  });
});
