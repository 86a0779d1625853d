/**
 * Exact sliding-window limiter: per key, a queue of the times admitted within the last `windowMs`. A
 * call is admitted only while fewer than `limit` are queued, so no window of that length ever holds
 * more than `limit` admissions (a token bucket lets ~2× through after idling, PROTOCOL §11). Rejected
 * calls are not recorded. Memory per key grows with the admissions in one window (at most `limit`);
 * keys idle for a window are dropped at the next sweep (every `sweepMs`).
 */
export class SlidingWindowLimiter {
  readonly #queues = new Map<string, TimeQueue>();
  #nextSweep = Number.NEGATIVE_INFINITY;

  constructor(
    readonly windowMs = 1000,
    readonly sweepMs = 10_000,
  ) {}

  /** Admits and records one call for `key` at `now` (ms), or returns false. `limit` 0 admits everything. */
  tryAcquire(key: string, limit: number, now: number): boolean {
    if (limit <= 0) return true;
    if (now >= this.#nextSweep) this.#sweep(now);
    let q = this.#queues.get(key);
    if (q === undefined) {
      q = { times: new Float64Array(Math.min(limit, 8)), head: 0, count: 0, last: now };
      this.#queues.set(key, q);
    }
    const { windowMs } = this;
    while (q.count > 0 && now - (q.times[q.head] as number) >= windowMs) {
      q.head = q.head + 1 === q.times.length ? 0 : q.head + 1;
      q.count--;
    }
    if (q.count >= limit) return false;
    if (q.count === q.times.length) grow(q, Math.min(limit, q.times.length * 2));
    const tail = q.head + q.count;
    q.times[tail >= q.times.length ? tail - q.times.length : tail] = now;
    q.count++;
    q.last = now;
    return true;
  }

  /** Keys currently held (for tests and metrics). */
  get size(): number {
    return this.#queues.size;
  }

  #sweep(now: number): void {
    this.#nextSweep = now + this.sweepMs;
    for (const [key, q] of this.#queues) {
      if (now - q.last >= this.windowMs) this.#queues.delete(key);
    }
  }
}

interface TimeQueue {
  /** ring buffer: `count` times starting at `head`, oldest first */
  times: Float64Array;
  head: number;
  count: number;
  /** newest admission */
  last: number;
}

function grow(q: TimeQueue, capacity: number): void {
  const times = new Float64Array(capacity);
  for (let i = 0; i < q.count; i++) times[i] = q.times[(q.head + i) % q.times.length] as number;
  q.times = times;
  q.head = 0;
}
