import { BadInputError } from '../core/errors.js';

/** An OCI platform (https://github.com/opencontainers/image-spec/blob/main/image-index.md#image-index-property-descriptions). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The platform of this machine, as an image index names it. */
export function hostPlatform(): Platform {
  const architecture = NODE_ARCH[process.arch] ?? process.arch;
  return { os: 'linux', architecture, variant: architecture === 'arm' ? 'v7' : undefined };
}

/** Parses `os/arch[/variant]`. */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/i.test(p))) {
    throw new BadInputError('--platform', `"${s}" is not os/arch[/variant]`);
  }
  return { os: parts[0]!, architecture: parts[1]!, variant: parts[2] };
}

export function formatPlatform(p: Partial<Platform> | undefined): string {
  if (!p) return 'unknown';
  return [p.os ?? '?', p.architecture ?? '?', p.variant].filter(Boolean).join('/');
}

function normVariant(arch: string, variant?: string): string | undefined {
  if (arch === 'arm64' && (variant === undefined || variant === 'v8')) return 'v8';
  if (arch === 'amd64' && (variant === undefined || variant === 'v1')) return undefined;
  return variant;
}

/** Whether an index entry's platform satisfies the wanted one (a wanted variant must match; none means any). */
export function platformMatches(
  want: Platform,
  have: Partial<Platform> | undefined,
  strictVariant: boolean,
): boolean {
  if (!have || have.os !== want.os || have.architecture !== want.architecture) return false;
  if (!strictVariant) return true;
  return normVariant(want.architecture, want.variant) === normVariant(have.architecture ?? '', have.variant);
}
