/**
 * Risks only the final filesystem shows: a remote-access daemon that is installed (its program
 * survives, as seen by the `risk-files` analyzer) AND enabled by a service manager link (systemd
 * `*.wants/`, SysV `rcN.d/S*`, runit service links). Links are not handed to analyzers, so this runs
 * once per scan over the coalesced layers; a daemon already reported from a file that starts it
 * (supervisord, run script, inetd) is not reported again.
 */
import type { RiskFinding } from '../../core/finding.js';
import { finalFiles, finalSymlinks, type LayerData } from '../../scan/coalesce.js';
import { RISK_FILES_ANALYZER } from './file-analyzer.js';
import { enablingLink, REMOTE_DAEMONS } from './remote-daemons.js';

/**
 * Risk findings of the final filesystem (remote-access daemons installed and enabled), each with
 * the path and layer of its first enabling link. Returns none when `risk-files` did not run.
 */
export function riskFromFinalFilesystem(layers: LayerData[]): RiskFinding[] {
  if (!layers.some((l) => l.analyses.has(RISK_FILES_ANALYZER))) return [];
  const files = finalFiles(layers, RISK_FILES_ANALYZER);
  const reported = new Set<string>();
  for (const f of files.values()) for (const r of f.findings.risks ?? []) reported.add(r.rule);
  const links = finalSymlinks(layers);
  const out: RiskFinding[] = [];
  for (const d of REMOTE_DAEMONS) {
    const rule = `service.${d.id}-enabled`;
    if (reported.has(rule)) continue;
    const installed = d.binaries.find((b) => files.has(b));
    if (!installed) continue;
    const evidence = [...links.keys()].filter((p) => enablingLink(p) === d).sort();
    const first = evidence[0];
    if (first === undefined) continue;
    const target = links.get(first)!;
    let layer: string | undefined;
    for (let i = layers.length - 1; i >= 0 && !layer; i--) {
      if (layers[i]!.meta.symlinks[first] === target) layer = layers[i]!.meta.diffID;
    }
    const more = evidence.length > 1 ? ` (and ${evidence.length - 1} more link(s))` : '';
    out.push({
      type: 1,
      behavior: 2,
      level: d.level,
      rule,
      desc: `The ${d.service} is installed (/${installed}) and enabled to start with the container's init (/${first})${more}: a remote login service in every container from the image.`,
      instruction: `${first} -> ${target}`.slice(0, 300),
      solution: `Uninstall the ${d.service} in the Dockerfile (e.g. \`apt-get purge openssh-server\`), or at least remove its enabling links (\`systemctl disable\`, \`update-rc.d … remove\`); use \`docker exec\`/\`kubectl exec\` for access.`,
      path: first,
      ...(layer ? { layer } : {}),
    });
  }
  return out;
}
