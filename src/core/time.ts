const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM:SS` in the given IANA time zone (DESIGN §3); empty for a missing or invalid time. */
export function formatTime(t: string | Date | undefined, timeZone = 'UTC'): string {
  if (t === undefined || t === '') return '';
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Throws a RangeError naming the zone when it is not a valid IANA time zone. */
export function checkTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en', { timeZone });
}
