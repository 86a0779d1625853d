/**
 * Normalises a Docker image reference the way the Docker CLI does
 * (https://github.com/distribution/reference): `nginx` → `docker.io/library/nginx:latest`.
 * Returns undefined when `ref` is not a repository reference (a bare tag such as `latest`).
 */
export function normalizeImageName(ref: string): string | undefined {
  const s = ref.trim();
  if (!s || /\s/.test(s)) return undefined;
  let digest = '';
  let rest = s;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!rest || !/^[a-zA-Z0-9][a-zA-Z0-9._\-/:]*$/.test(rest)) return undefined;
  const parts = rest.split('/');
  let domain = 'docker.io';
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    domain = first;
    parts.shift();
  } else if (parts.length === 1) {
    // a single word with no tag or digest is as likely a tag as a repository: refuse to guess
    if (!tag && !digest) return undefined;
    parts.unshift('library');
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && parts.length === 1) parts.unshift('library');
  if (parts.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return undefined;
  const name = `${domain}/${parts.join('/')}`;
  if (digest) return `${name}${tag ? `:${tag}` : ''}${digest}`;
  return `${name}:${tag || 'latest'}`;
}
