/** Timers, so that tests can drive the throttle with fake ones. */
export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * Passes changes on to one client at most once per `intervalMs`: the first change at once, the ones
 * that follow within the interval folded into a single trailing one carrying the latest value, so that
 * the client never misses the last state and never gets more than 1000/intervalMs events a second.
 */
export class LiveThrottle<T> {
  private lastSentAt = -Infinity;
  private pending: { value: T } | undefined;
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  /** A change happened. */
  push(value: T): void {
    if (this.closed) return;
    const wait = this.lastSentAt + this.intervalMs - this.timers.now();
    if (wait <= 0 && this.timer === undefined) {
      this.emit(value);
      return;
    }
    this.pending = { value };
    this.timer ??= this.timers.setTimeout(() => {
      this.timer = undefined;
      const pending = this.pending;
      this.pending = undefined;
      if (pending !== undefined && !this.closed) this.emit(pending.value);
    }, Math.max(0, wait));
  }

  /** Drops what is pending; nothing is sent afterwards. */
  close(): void {
    this.closed = true;
    this.pending = undefined;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(value: T): void {
    this.lastSentAt = this.timers.now();
    this.send(value);
  }
}
