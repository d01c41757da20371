import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DELIVERY } from '../config.js';
import { retryDelayMs } from './backoff.js';

const noJitter = (): number => 0;

describe('the delay before the next attempt', () => {
  it('starts at the initial delay and doubles after each failure', () => {
    const settings = { retryInitialMs: 100, retryMaxMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, settings, noJitter))).toEqual([100, 200, 400, 800, 1_600]);
  });

  it('stops growing at the maximum, however many failures', () => {
    expect([9, 10, 50, 10_000].map((n) => retryDelayMs(n, DEFAULT_DELIVERY, noJitter))).toEqual([256_000, 300_000, 300_000, 300_000]);
  });

  it('takes off at most a fifth at random, so that a backlog does not come back all at once', () => {
    const settings = { retryInitialMs: 1_000, retryMaxMs: 300_000 };
    expect(retryDelayMs(1, settings, () => 0.999_999)).toBe(800);
    expect(retryDelayMs(1, settings, () => 0.5)).toBe(900);
    for (let i = 0; i < 100; i += 1) {
      const delay = retryDelayMs(3, settings);
      expect(delay).toBeGreaterThanOrEqual(3_200);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });

  it('with the defaults, keeps trying for a day at one attempt every five minutes at most', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < DEFAULT_DELIVERY.giveUpAfterMs) {
      attempts += 1;
      elapsed += retryDelayMs(attempts, DEFAULT_DELIVERY, noJitter);
    }
    expect(attempts).toBeGreaterThan(280);
    expect(attempts).toBeLessThan(300);
  });
});
