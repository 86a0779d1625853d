import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$HULLSCAN_DATA`, else `$XDG_DATA_HOME/hullscan`, else `~/.local/share/hullscan`. */
export function defaultDataDir(): string {
  if (process.env.HULLSCAN_DATA) return process.env.HULLSCAN_DATA;
  const xdg = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(xdg, 'hullscan');
}
