import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from './rate-limiter.js';

/** Largest number of times in any half-open window [t, t + 1000). */
function worstWindow(times: number[]): number {
  let worst = 0;
  for (const t of times) worst = Math.max(worst, times.filter((u) => u >= t && u < t + 1000).length);
  return worst;
}

describe('SlidingWindowLimiter', () => {
  it('admits exactly the limit in a burst, again a full window later', () => {
    const l = new SlidingWindowLimiter();
    const burst = (now: number) =>
      Array.from({ length: 30 }, () => l.tryAcquire('k', 20, now)).filter(Boolean).length;
    expect(burst(0)).toBe(20);
    expect(burst(500)).toBe(0);
    expect(burst(999)).toBe(0);
    expect(burst(1000)).toBe(20);
  });

  it('does not let 2× through after idling, unlike a token bucket (PROTOCOL §11)', () => {
    const l = new SlidingWindowLimiter();
    const admitted: number[] = [];
    // 60 calls evenly spread over one second after a long idle
    for (let i = 0; i < 60; i++) {
      const t = 10_000 + Math.floor((i * 1000) / 60);
      if (l.tryAcquire('k', 20, t)) admitted.push(t);
    }
    expect(admitted).toHaveLength(20);
  });

  it('never admits more than the limit in any window, and admits whenever there is room (random arrivals)', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const limit of [1, 3, 20, 50]) {
      const l = new SlidingWindowLimiter();
      const admitted: number[] = [];
      let t = 0;
      for (let i = 0; i < 3000; i++) {
        t += Math.floor(random() * random() * 120);
        const room = admitted.filter((u) => u > t - 1000).length < limit;
        const ok = l.tryAcquire('k', limit, t);
        expect(ok).toBe(room);
        if (ok) admitted.push(t);
      }
      expect(worstWindow(admitted)).toBeLessThanOrEqual(limit);
      expect(worstWindow(admitted)).toBe(limit);
    }
  });

  it('keeps keys apart; limit 0 admits everything', () => {
    const l = new SlidingWindowLimiter();
    expect(l.tryAcquire('a', 1, 0)).toBe(true);
    expect(l.tryAcquire('a', 1, 0)).toBe(false);
    expect(l.tryAcquire('b', 1, 0)).toBe(true);
    for (let i = 0; i < 1000; i++) expect(l.tryAcquire('c', 0, 0)).toBe(true);
  });

  it('drops idle keys at the next sweep', () => {
    const l = new SlidingWindowLimiter(1000, 10_000);
    for (let i = 0; i < 100; i++) l.tryAcquire(`k${i}`, 5, 0);
    expect(l.size).toBe(100);
    l.tryAcquire('fresh', 5, 10_000);
    expect(l.size).toBe(1);
  });
});
