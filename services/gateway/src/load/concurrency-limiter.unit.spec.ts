import { describe, expect, it } from '@jest/globals';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

describe('ConcurrencyLimiter', () => {
  it('hands out at most its capacity, refuses the next at once, and takes a freed slot back once', () => {
    const limiter = new ConcurrencyLimiter(2);
    const first = limiter.tryAcquire();
    const second = limiter.tryAcquire();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
    expect(limiter.active).toBe(2);

    first?.();
    first?.();
    expect(limiter.active).toBe(1);
    const third = limiter.tryAcquire();
    expect(third).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
    second?.();
    third?.();
    expect(limiter.active).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimiter(1.5)).toThrow(RangeError);
  });
});
