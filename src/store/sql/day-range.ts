import { formatTime } from '../../core/time.js';

const HOUR = 3_600_000;

/** `YYYY-MM-DD` of an instant in the zone. */
const dateIn = (t: number, timeZone: string): string => formatTime(new Date(t), timeZone).slice(0, 10);

/** First instant (whole second) whose date in the zone is `date` or later; zone offsets stay within ±15 h. */
function startOf(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  let lo = (utcMidnight - 15 * HOUR) / 1000;
  let hi = (utcMidnight + 15 * HOUR) / 1000;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (dateIn(mid * 1000, timeZone) >= date) hi = mid;
    else lo = mid + 1;
  }
  return lo * 1000;
}

/**
 * The calendar day holding `now` in the IANA zone, as ISO 8601 UTC instants [start, end): DST days are
 * 23 or 25 hours long, and a day whose midnight is skipped starts when its clock does.
 */
export function dayRange(now: Date, timeZone: string): { start: string; end: string } {
  const today = dateIn(now.getTime(), timeZone);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const tomorrow = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return {
    start: new Date(startOf(today, timeZone)).toISOString(),
    end: new Date(startOf(tomorrow, timeZone)).toISOString(),
  };
}
