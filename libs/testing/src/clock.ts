/** A source of time, so that code under test can be given a fake one. */
export interface Clock {
  now(): Date;
}

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-05T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): this {
    this.current += ms;
    return this;
  }

  set(at: Date | string): this {
    this.current = new Date(at).getTime();
    return this;
  }
}
