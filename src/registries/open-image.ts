import type { ImageSource } from '../core/image.js';
import { openRegistryImage } from '../sources/registry/index.js';
import type { AddressPolicy, OpenRegistryImage } from '../sources/registry/types.js';
import type { Registry } from '../store/registries.js';
import type { Account, Store } from '../store/store.js';
import type { ImageOpener } from '../tasks/scan-job.js';
import { secretBox } from './secrets.js';
import { RegistryService } from './service.js';

const PAGE = 100;

/** Every registry of the account (registries are few; paged to stay bounded per query). */
async function registriesOf(store: Store, account: Account): Promise<Registry[]> {
  const all: Registry[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.registries.listRegistries(account, { limit: PAGE, offset });
    all.push(...page.rows);
    if (page.rows.length < PAGE || all.length >= page.total) return all;
  }
}

/**
 * The scan worker's opener of `docker://HOST/REPO[:TAG|@DIGEST]` references whose HOST is one of the
 * ACCOUNT's registries: the image is read with that registry's TLS mode and decrypted credentials,
 * through the address policy. Other references (another host, another transport): undefined, so the
 * worker's plain openSource handles (or refuses) them.
 */
export function registryImageOpener(
  store: Store,
  secretsKey: Buffer,
  policy: AddressPolicy,
  open: OpenRegistryImage = openRegistryImage,
): ImageOpener {
  const service = new RegistryService({ policy, secrets: secretBox(secretsKey), openImage: open });
  return async (
    account: Account,
    reference: string,
    signal: AbortSignal,
  ): Promise<ImageSource | undefined> => {
    if (!reference.startsWith('docker://')) return undefined;
    const rest = reference.slice('docker://'.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    const host = rest.slice(0, slash).toLowerCase();
    const registry = (await registriesOf(store, account)).find((r) => r.host.toLowerCase() === host);
    if (!registry) return undefined;
    signal.throwIfAborted();
    return open(rest, service.connection(account, registry), { signal });
  };
}
