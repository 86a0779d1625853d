import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * `buildah …` with a private vfs store under `dir` (as root, no daemon, no registry lookups): images
 * built here leave nothing in the machine's own container storage. Resolves to buildah's stdout.
 */
export async function buildahIn(dir: string): Promise<(...args: string[]) => Promise<string>> {
  const S = path.join(dir, 'storage');
  for (const d of ['root', 'run', 'tmp']) await mkdir(path.join(S, d), { recursive: true });
  await writeFile(
    path.join(S, 'storage.conf'),
    `[storage]\ndriver = "vfs"\nrunroot = "${S}/run"\ngraphroot = "${S}/root"\n`,
  );
  await writeFile(path.join(S, 'registries.conf'), 'unqualified-search-registries = []\n');
  const env = {
    ...process.env,
    CONTAINERS_STORAGE_CONF: path.join(S, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: path.join(S, 'registries.conf'),
    TMPDIR: path.join(S, 'tmp'),
  };
  return async (...args: string[]) =>
    (
      await run(
        'buildah',
        ['--root', `${S}/root`, '--runroot', `${S}/run`, '--storage-driver', 'vfs', ...args],
        {
          env,
          maxBuffer: 1 << 26,
        },
      )
    ).stdout.trim();
}
