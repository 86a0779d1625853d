/**
 * The risk-files analyzer through real OCI images (imageOfLayers): findings follow the final
 * filesystem — a later layer that deletes a file or clears a mode removes the finding — and
 * riskFromFinalFilesystem reports a remote-access daemon only when it is both installed and enabled,
 * once, with the layer of the link that enables it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RiskFinding } from '../src/core/finding.js';
import { riskFileAnalyzer, riskFromFinalFilesystem, riskImageCheck } from '../src/detectors/risk/index.js';
import type { LayerData } from '../src/scan/coalesce.js';
import { LayerCache } from '../src/scan/layer-cache.js';
import { scanImage } from '../src/scan/scan-image.js';
import { imageOfLayers, type LayerSpec } from './support/dir-image.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((d) => rm(d, { recursive: true, force: true }))));

async function scan(specs: LayerSpec[]): Promise<{ risks: RiskFinding[]; layers: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hullscan-risk-files-'));
  work.push(dir);
  const ref = await imageOfLayers(path.join(dir, 'img'), specs);
  const dataDir = path.join(dir, 'data');
  const r = await scanImage(ref, { dataDir, analyzers: [riskFileAnalyzer], imageChecks: [riskImageCheck] });
  expect(r.problems).toEqual([]);
  const cache = new LayerCache(dataDir);
  const data: LayerData[] = [];
  for (const l of r.layers) {
    const meta = (await cache.getMeta(l.diffID))!;
    const a = (await cache.getAnalysis(l.diffID, riskFileAnalyzer.name, riskFileAnalyzer.version))!;
    data.push({ meta, analyses: new Map([[a.analyzer, a]]) });
  }
  const layers = r.layers.map((l) => l.diffID);
  // the image check's findings are about the test image's (empty) config: keep the file findings
  const files = r.risks.filter((f) => !f.rule.startsWith('config.') && !f.rule.startsWith('build.'));
  return { risks: [...files, ...riskFromFinalFilesystem(data)], layers };
}

const ELF = Buffer.from('\x7fELF\x02\x01\x01\0fake program');
const brief = (risks: RiskFinding[], layers: string[]) =>
  risks.map((f) => [f.rule, f.path, f.layer ? layers.indexOf(f.layer) : null]);

describe('risk files in the final filesystem', () => {
  it('drops findings a later layer deletes or fixes', async () => {
    const { risks, layers } = await scan([
      {
        entries: [
          { path: 'usr/', type: 'Directory' },
          { path: 'usr/local/', type: 'Directory' },
          { path: 'usr/local/bin/', type: 'Directory' },
          { path: 'usr/local/bin/stays', body: ELF, mode: 0o4755 },
          { path: 'usr/local/bin/deleted', body: ELF, mode: 0o4755 },
          { path: 'usr/local/bin/cleared', body: ELF, mode: 0o6755 },
          { path: 'usr/local/bin/linked', type: 'Link', linkpath: 'usr/local/bin/stays' },
          { path: 'srv/', type: 'Directory' },
          { path: 'srv/open', type: 'Directory', mode: 0o777 },
          { path: 'srv/fixed', type: 'Directory', mode: 0o777 },
          { path: 'srv/shared', type: 'Directory', mode: 0o1777 },
          { path: 'etc/', type: 'Directory' },
          { path: 'etc/app.conf', body: 'x=1\n', mode: 0o666 },
          { path: 'etc/ssh/', type: 'Directory' },
          { path: 'etc/ssh/ssh_host_rsa_key', body: 'k', mode: 0o600 },
        ],
      },
      {
        entries: [
          { path: 'usr/local/bin/.wh.deleted' },
          { path: 'usr/local/bin/cleared', body: ELF, mode: 0o755 },
          { path: 'srv/fixed', type: 'Directory', mode: 0o755 },
          { path: 'etc/app.conf', body: 'x=1\n', mode: 0o644 },
          { path: 'etc/ssh/.wh.ssh_host_rsa_key' },
        ],
      },
    ]);
    expect(brief(risks, layers)).toEqual([
      ['fs.world-writable-dir', 'srv/open', 0],
      ['fs.setuid-added', 'usr/local/bin/linked', 0],
      ['fs.setuid-added', 'usr/local/bin/stays', 0],
    ]);
  });

  it('reports an installed daemon once, only when a service manager enables it', async () => {
    const sshd = { path: 'usr/sbin/sshd', body: ELF, mode: 0o755 };
    const base = [
      { path: 'usr/', type: 'Directory' as const },
      { path: 'usr/sbin/', type: 'Directory' as const },
      { path: 'etc/', type: 'Directory' as const },
      { path: 'etc/rc2.d/', type: 'Directory' as const },
    ];
    // a SysV start link and the daemon, in different layers: the link's layer is reported
    let r = await scan([
      { entries: [...base, { path: 'usr/sbin/in.telnetd', body: ELF, mode: 0o755 }] },
      {
        entries: [
          { path: 'etc/rc2.d/', type: 'Directory' },
          {
            path: 'etc/rc2.d/S01inetutils-telnetd',
            type: 'SymbolicLink',
            linkpath: '../init.d/inetutils-telnetd',
          },
          { path: 'etc/rc2.d/K01ssh', type: 'SymbolicLink', linkpath: '../init.d/ssh' },
        ],
      },
    ]);
    expect(brief(r.risks, r.layers)).toEqual([
      ['service.telnet-enabled', 'etc/rc2.d/S01inetutils-telnetd', 1],
    ]);
    expect(r.risks[0]!.level).toBe(3);
    expect(r.risks[0]!.instruction).toBe('etc/rc2.d/S01inetutils-telnetd -> ../init.d/inetutils-telnetd');

    // enabled but not installed, and installed but its link deleted: nothing
    r = await scan([
      {
        entries: [
          ...base,
          { path: 'etc/rc2.d/S01ssh', type: 'SymbolicLink', linkpath: '../init.d/ssh' },
          { path: 'usr/sbin/xrdp', body: ELF, mode: 0o755 },
          { path: 'etc/systemd/', type: 'Directory' },
          { path: 'etc/systemd/system/', type: 'Directory' },
          { path: 'etc/systemd/system/multi-user.target.wants/', type: 'Directory' },
          {
            path: 'etc/systemd/system/multi-user.target.wants/xrdp.service',
            type: 'SymbolicLink',
            linkpath: '/lib/systemd/system/xrdp.service',
          },
        ],
      },
      { entries: [{ path: 'etc/systemd/system/multi-user.target.wants/.wh.xrdp.service' }] },
    ]);
    expect(brief(r.risks, r.layers)).toEqual([]);

    // supervisord starting sshd and a systemd link: one finding, from the file that starts it
    r = await scan([
      {
        entries: [
          ...base,
          sshd,
          { path: 'etc/systemd/', type: 'Directory' },
          { path: 'etc/systemd/system/', type: 'Directory' },
          { path: 'etc/systemd/system/multi-user.target.wants/', type: 'Directory' },
          {
            path: 'etc/systemd/system/multi-user.target.wants/ssh.service',
            type: 'SymbolicLink',
            linkpath: '/lib/systemd/system/ssh.service',
          },
          { path: 'etc/supervisor/', type: 'Directory' },
          { path: 'etc/supervisor/conf.d/', type: 'Directory' },
          { path: 'etc/supervisor/conf.d/sshd.conf', body: '[program:sshd]\ncommand=/usr/sbin/sshd -D -e\n' },
        ],
      },
    ]);
    expect(brief(r.risks, r.layers)).toEqual([['service.ssh-enabled', 'etc/supervisor/conf.d/sshd.conf', 0]]);
  });

  it('returns nothing from the final pass when the analyzer did not run', () => {
    const layer: LayerData = {
      meta: { diffID: 'sha256:x', size: 0, files: 0, whiteouts: [], opaqueDirs: [], symlinks: {} },
      analyses: new Map(),
    };
    expect(riskFromFinalFilesystem([layer])).toEqual([]);
  });
});
