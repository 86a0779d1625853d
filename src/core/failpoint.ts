import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Fault-injection points for the fault tests, off unless HULLSCAN_FAILPOINTS names them:
 * `name=ms[,name=ms…]`. The first time a process reaches a named point it prints
 * `hullscan failpoint NAME pid PID` on stderr and pauses `ms` milliseconds there — a window in which a
 * test kills the process with SIGKILL at exactly that step (in the middle of a layer, inside the
 * transaction that saves a scan, between a task's bookkeeping steps). Later hits do not pause.
 */
const armed = new Map<string, number>();
for (const part of (process.env.HULLSCAN_FAILPOINTS ?? '').split(',')) {
  const m = /^([a-z0-9:-]+)=(\d{1,7})$/.exec(part.trim());
  if (m) armed.set(m[1]!, Number(m[2]));
}

/** Pauses at `name` when armed (see above); a no-op otherwise. */
export async function failpoint(name: string): Promise<void> {
  const ms = armed.get(name);
  if (ms === undefined) return;
  armed.delete(name);
  process.stderr.write(`hullscan failpoint ${name} pid ${process.pid}\n`);
  await sleep(ms);
}
