import { describe, expect, it } from 'vitest';
import { dayRange } from './day-range.js';

describe('dayRange', () => {
  it.each([
    ['UTC', '2024-05-06T12:00:00Z', '2024-05-06T00:00:00.000Z', '2024-05-07T00:00:00.000Z'],
    ['Asia/Shanghai', '2024-05-06T17:00:00Z', '2024-05-06T16:00:00.000Z', '2024-05-07T16:00:00.000Z'],
    ['Asia/Shanghai', '2024-05-06T15:59:59Z', '2024-05-05T16:00:00.000Z', '2024-05-06T16:00:00.000Z'],
    ['America/Los_Angeles', '2024-03-10T12:00:00Z', '2024-03-10T08:00:00.000Z', '2024-03-11T07:00:00.000Z'],
    ['America/Los_Angeles', '2024-11-03T12:00:00Z', '2024-11-03T07:00:00.000Z', '2024-11-04T08:00:00.000Z'],
    // Brazil 2018: clocks jumped from 00:00 to 01:00, so the day began at 01:00 -02
    ['America/Sao_Paulo', '2018-11-04T12:00:00Z', '2018-11-04T03:00:00.000Z', '2018-11-05T02:00:00.000Z'],
    ['Pacific/Kiritimati', '2024-01-01T00:00:00Z', '2023-12-31T10:00:00.000Z', '2024-01-01T10:00:00.000Z'],
  ])('%s at %s', (zone, now, start, end) => {
    expect(dayRange(new Date(now), zone)).toEqual({ start, end });
  });

  it('rejects an unknown zone', () => {
    expect(() => dayRange(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});
