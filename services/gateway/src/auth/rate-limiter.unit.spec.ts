import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '@relais/testing';
import { RateLimiter } from './rate-limiter.js';

function takeMany(limiter: RateLimiter, key: string, count: number): number {
  let allowed = 0;
  for (let i = 0; i < count; i++) if (limiter.take(key).allowed) allowed++;
  return allowed;
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the seconds to wait', () => {
    const limiter = new RateLimiter(20, 100, new FakeClock());
    expect(takeMany(limiter, 'a', 100)).toBe(100);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the sustained rate, never beyond the burst', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(20, 100, clock);
    takeMany(limiter, 'a', 100);
    clock.advance(500);
    expect(takeMany(limiter, 'a', 20)).toBe(10);
    clock.advance(60_000);
    expect(takeMany(limiter, 'a', 150)).toBe(100);
  });

  it('sustains 20 requests per second indefinitely', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(20, 100, clock);
    takeMany(limiter, 'a', 100);
    for (let second = 0; second < 10; second++) {
      clock.advance(1000);
      expect(takeMany(limiter, 'a', 20)).toBe(20);
    }
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter(1, 2, new FakeClock());
    expect(takeMany(limiter, 'a', 3)).toBe(2);
    expect(takeMany(limiter, 'b', 3)).toBe(2);
  });
});
