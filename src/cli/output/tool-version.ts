import { readFileSync } from 'node:fs';

/** hullscan's version from package.json, as SBOM and SARIF tool fields name it. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
