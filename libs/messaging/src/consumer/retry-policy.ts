import { InvalidConfigError } from '../errors.js';

/** How a consumer retries a message whose handler failed, and when it gives up. */
export interface RetryPolicy {
  /** Deliveries allowed to the handler; a failure on the last one dead-letters the message. */
  readonly maxDeliver: number;
  /** Delay before delivery n+1 after delivery n failed: `backoffMs[n-1]`, the last value repeated. */
  readonly backoffMs: readonly number[];
}

/** `count` delays from `initialMs`, multiplied by `factor` each time, capped at `maxMs`. */
export function exponentialBackoff(initialMs: number, factor: number, count: number, maxMs: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.min(maxMs, Math.round(initialMs * factor ** i)));
}

/**
 * 10 deliveries, 1 s doubling to 256 s between them: about 8.5 minutes from the first failure to the
 * dead letter. Long enough to ride out a PostgreSQL restart or a failover; short enough that a message
 * that keeps failing reaches an operator the same hour.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxDeliver: 10,
  backoffMs: exponentialBackoff(1_000, 2, 9, 300_000),
};

/** The delay before the next delivery of a message whose delivery `deliveryCount` failed. */
export function retryDelayMs(policy: RetryPolicy, deliveryCount: number): number {
  const { backoffMs } = policy;
  const index = Math.min(Math.max(deliveryCount, 1), backoffMs.length) - 1;
  return backoffMs[index] ?? 0;
}

/** Checks a policy before it reaches the server. */
export function assertRetryPolicy(policy: RetryPolicy): RetryPolicy {
  if (!Number.isInteger(policy.maxDeliver) || policy.maxDeliver < 1) {
    throw new InvalidConfigError(`maxDeliver must be a positive integer, not ${policy.maxDeliver}`);
  }
  if (policy.backoffMs.length === 0 || policy.backoffMs.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    throw new InvalidConfigError('backoffMs must list at least one delay, each ≥ 0 ms');
  }
  return policy;
}
