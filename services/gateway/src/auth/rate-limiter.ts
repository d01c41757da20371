/** A source of time in milliseconds. */
export interface Clock {
  now(): Date;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** What the limiter decided about one request. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * A token bucket per key (per API token): `burst` requests at once, refilled at `perSecond`. Kept in
 * this process's memory: with several gateway replicas each grants its own allowance, which API.md's
 * "at least 20 per second with bursts of 100" allows. Idle buckets, once full again, are forgotten.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {}

  /** Whether `key`'s bucket holds a request's worth now, taking nothing from it. */
  peek(key: string): RateDecision {
    const bucket = this.refilled(this.buckets.get(key), this.clock.now().getTime());
    if (bucket.tokens >= 1) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond)) };
  }

  /** Takes one request's worth from `key`'s bucket, if there is one. */
  take(key: string): RateDecision {
    const now = this.clock.now().getTime();
    this.sweep(now);
    const bucket = this.refilled(this.buckets.get(key), now);
    if (bucket.tokens >= 1) {
      this.buckets.set(key, { tokens: bucket.tokens - 1, at: now });
      return { allowed: true };
    }
    this.buckets.set(key, bucket);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond)) };
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (bucket === undefined) return { tokens: this.burst, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    return { tokens: Math.min(this.burst, bucket.tokens + (elapsed * this.perSecond) / 1000), at: now };
  }

  /** Drops the buckets that have refilled completely: they hold nothing a new bucket would not. */
  private sweep(now: number): void {
    const fullAfterMs = (this.burst / this.perSecond) * 1000;
    if (now - this.lastSweep < fullAfterMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now).tokens >= this.burst) this.buckets.delete(key);
    }
  }
}
