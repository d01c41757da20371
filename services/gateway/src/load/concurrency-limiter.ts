/**
 * A count of slots for one kind of work: a request takes one or is told at once that none is free.
 * There is deliberately no queue: a request that would wait is answered 503 instead, so the work
 * held at any moment, and the memory behind it, stays bounded however many clients call.
 */
export class ConcurrencyLimiter {
  private inUse = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number of at least 1: ${capacity}`);
  }

  /** Slots taken now. */
  get active(): number {
    return this.inUse;
  }

  /**
   * Takes a slot if one is free, and gives the function that frees it (calling it again does
   * nothing, so every path that ends the work may call it); undefined when every slot is taken.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.inUse >= this.capacity) return undefined;
    this.inUse += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= 1;
    };
  }
}
