import { BadInputError } from '../core/errors.js';

/**
 * `HH:MM`, `HH:MM:SS` or a full `YYYY-MM-DD HH:MM:SS` (TCSS sends either; only the time of day counts,
 * in UTC) → seconds after midnight.
 */
export function secondsOfDay(text: string, what = 'ScanTime'): number {
  const m = /^(?:\d{4}-\d{2}-\d{2}[ T])?([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(text.trim());
  if (!m) throw new BadInputError(what, `"${text}" is not a time of day (HH:MM)`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

/** `HH:MM` of seconds after midnight (the form the setting is stored and shown in). */
export function timeOfDay(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/**
 * The first firing strictly after `afterMs` of a setting at `scanTime` every `periodDays` days, days
 * being `dayMs` long and starting at multiples of dayMs since the epoch (UTC midnights by default).
 * With `previousMs` (the firing just claimed), the next one is a whole number of periods after it, so
 * a period stays a period even when the service was down when it fell due.
 */
export function nextRunMs(
  scanTime: string,
  periodDays: number,
  afterMs: number,
  dayMs: number,
  previousMs?: number,
): number {
  const period = Math.max(1, Math.floor(periodDays)) * dayMs;
  if (previousMs !== undefined) {
    const steps = Math.max(1, Math.floor((afterMs - previousMs) / period) + 1);
    return previousMs + steps * period;
  }
  const offset = Math.round((secondsOfDay(scanTime) / 86_400) * dayMs);
  const dayStart = Math.floor(afterMs / dayMs) * dayMs;
  const today = dayStart + offset;
  return today > afterMs ? today : today + dayMs;
}

/**
 * How long a scheduled task may run: from ScanTime to ScanEndTime (the next day when the end is
 * earlier), in the same shortened days; undefined without an end time.
 */
export function windowMs(scanTime: string, scanEndTime: string, dayMs: number): number | undefined {
  if (!scanEndTime) return undefined;
  const start = secondsOfDay(scanTime);
  let end = secondsOfDay(scanEndTime, 'ScanEndTime');
  if (end <= start) end += 86_400;
  return Math.round(((end - start) / 86_400) * dayMs);
}
