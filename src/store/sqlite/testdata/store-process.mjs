// Child process for the concurrency test: loads the TypeScript store through Vite, waits until the
// epoch millisecond argv[5] so that every child starts together, opens the SQLite store in argv[2],
// migrates, and saves argv[4] images numbered from argv[3].
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { runnerImport } from 'vite';

const [file, from = '0', count = '0', startAt = '0'] = process.argv.slice(2);
const load = async (path) =>
  (await runnerImport(fileURLToPath(new URL(path, import.meta.url)), { configFile: false, logLevel: 'silent' })).module;
const { openSqliteStore } = await load('../sqlite-store.ts');
const { alice, record } = await load('../../contract/fixtures.ts');
await sleep(Math.max(0, Number(startAt) - Date.now()));
const store = await openSqliteStore(file);
await store.migrate();
for (let i = Number(from); i < Number(from) + Number(count); i++) await store.saveImage(alice, record(i));
await store.close();
process.stdout.write('ok\n');
