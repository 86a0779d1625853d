import { BadInputError } from '../../core/errors.js';
import type { RegistryOptions } from '../open-source.js';
import { RegistryError } from './types.js';

/** parseArgs options of the registry flags (`hullscan scan|submit docker://…`). */
export const REGISTRY_FLAGS = {
  creds: { type: 'string' },
  'cert-dir': { type: 'string' },
  insecure: { type: 'boolean', default: false },
} as const;

export const REGISTRY_USAGE = `docker://HOST/REPO[:TAG|@DIGEST] reads from a registry: --creds USER:PASS, --cert-dir DIR
  (*.crt CA certificates, client.cert + client.key), --insecure (plain HTTP or unverified TLS)`;

/** Registry options from the flags; flags without a docker:// reference or a malformed --creds: BadInputError. */
export function registryFlags(
  ref: string,
  values: { creds?: string; 'cert-dir'?: string; insecure?: boolean },
): RegistryOptions | undefined {
  const given = values.creds !== undefined || values['cert-dir'] !== undefined || values.insecure === true;
  if (!ref.startsWith('docker://')) {
    if (given) throw new BadInputError('--creds/--cert-dir/--insecure', 'only apply to docker:// references');
    return undefined;
  }
  const out: RegistryOptions = { insecure: values.insecure === true };
  if (values.creds !== undefined) {
    const colon = values.creds.indexOf(':');
    // never echo the value: it holds a password
    if (colon <= 0) throw new BadInputError('--creds', 'must be USER:PASS (with a non-empty user)');
    out.username = values.creds.slice(0, colon);
    out.password = values.creds.slice(colon + 1);
  }
  if (values['cert-dir'] !== undefined) {
    if (!values['cert-dir']) throw new BadInputError('--cert-dir', 'needs a directory');
    out.certDir = values['cert-dir'];
  }
  return out;
}

/** A registry failure as the CLI reports it: one line, exit 2, never a stack. */
export function cliRegistryError(ref: string, e: unknown): unknown {
  if (e instanceof RegistryError)
    return new BadInputError(ref, `registry ${e.code}: ${e.message}`, { cause: e });
  return e;
}
