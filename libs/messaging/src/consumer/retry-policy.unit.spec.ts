import { describe, expect, it } from '@jest/globals';
import { InvalidConfigError } from '../errors.js';
import { consumerConfig, SPARE_DELIVERIES } from './consumer-config.js';
import { assertRetryPolicy, DEFAULT_RETRY_POLICY, exponentialBackoff, retryDelayMs } from './retry-policy.js';

describe('retry policy', () => {
  it('grows delays exponentially up to a cap', () => {
    expect(exponentialBackoff(1_000, 2, 5, 5_000)).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('gives the delay after delivery n failed, the last value repeated', () => {
    const policy = { maxDeliver: 6, backoffMs: [100, 200, 400] };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n))).toEqual([100, 200, 400, 400, 400]);
  });

  it('defaults to 10 deliveries about 8.5 minutes apart in total', () => {
    expect(DEFAULT_RETRY_POLICY.maxDeliver).toBe(10);
    const total = DEFAULT_RETRY_POLICY.backoffMs.slice(0, 9).reduce((a, b) => a + b, 0);
    expect(total).toBe(511_000);
  });

  it('refuses policies the server would loop on or reject', () => {
    expect(() => assertRetryPolicy({ maxDeliver: 0, backoffMs: [1] })).toThrow(InvalidConfigError);
    expect(() => assertRetryPolicy({ maxDeliver: 3, backoffMs: [] })).toThrow(InvalidConfigError);
    expect(() => assertRetryPolicy({ maxDeliver: 3, backoffMs: [-1] })).toThrow(InvalidConfigError);
  });
});

describe('consumer configuration', () => {
  const config = consumerConfig({
    durable: 'ns_c',
    filterSubject: 'ns.v1.evt.>',
    retry: { maxDeliver: 4, backoffMs: [1_000] },
    ackWaitMs: 30_000,
    maxAckPending: 1_000,
  });

  it('acks explicitly and waits 30 s for an ack, with no server backoff to skew nak delays', () => {
    expect(config.ack_policy).toBe('explicit');
    expect(config.ack_wait).toBe(30_000_000_000);
    expect(config.backoff).toBeUndefined();
  });

  it('leaves spare deliveries for dead-lettering messages whose deliveries went unanswered', () => {
    expect(config.max_deliver).toBe(4 + SPARE_DELIVERIES);
  });

  it('refuses an ack wait too short to cover a handler', () => {
    expect(() =>
      consumerConfig({ durable: 'ns_c', filterSubject: 'x', retry: DEFAULT_RETRY_POLICY, ackWaitMs: 10, maxAckPending: 1 }),
    ).toThrow(InvalidConfigError);
  });
});
