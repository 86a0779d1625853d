import type { ImageConfigJson } from '../core/image.js';

export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** Left-aligned text columns; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

const SECRET_NAME = /pass(word|wd)?|secret|token|api_?key|private_?key|credential|auth/i;

/** The image's runtime configuration for display; ENV values whose names suggest secrets are masked. */
export function configSummary(c: ImageConfigJson) {
  const cfg = c.config ?? {};
  const env = (cfg.Env ?? []).map((e) => {
    const eq = e.indexOf('=');
    const name = eq < 0 ? e : e.slice(0, eq);
    return eq >= 0 && SECRET_NAME.test(name) ? `${name}=***` : e;
  });
  const list = (v: string[] | string | null | undefined) => (v == null ? [] : Array.isArray(v) ? v : [v]);
  return {
    created: c.created ?? '',
    os: c.os ?? '',
    architecture: c.architecture ?? '',
    variant: c.variant ?? '',
    user: cfg.User ?? '',
    env,
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}),
    entrypoint: list(cfg.Entrypoint),
    cmd: list(cfg.Cmd),
    workingDir: cfg.WorkingDir ?? '',
    labels: cfg.Labels ?? {},
    volumes: Object.keys(cfg.Volumes ?? {}),
  };
}
