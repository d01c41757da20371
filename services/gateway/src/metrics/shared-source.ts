import { performance } from 'node:perf_hooks';

/** A source's figures for one scrape: undefined when it failed or did not answer in time. */
export interface Reading<T> {
  readonly figures: T | undefined;
  /** How long the read took. */
  readonly seconds: number;
}

/**
 * One source of figures (PostgreSQL, JetStream) read once per scrape, however many metric families
 * ask for it: a read in progress is shared by every caller (prom-client collects every family at once,
 * and overlapping scrapes share it too). A read never throws: past `deadlineMs` or on an error it gives
 * no figures, and `onChange` hears each change between answering and not.
 */
export class SharedSource<T> {
  private pending: Promise<Reading<T>> | undefined;
  private up: boolean | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<T>,
    private readonly deadlineMs: number,
    private readonly onChange: (source: string, up: boolean, error?: unknown) => void,
  ) {}

  read(): Promise<Reading<T>> {
    this.pending ??= this.readOnce().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async readOnce(): Promise<Reading<T>> {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const figures = await withDeadline(this.load(), this.deadlineMs, this.name);
      this.changed(true);
      return { figures, seconds: seconds() };
    } catch (error) {
      this.changed(false, error);
      return { figures: undefined, seconds: seconds() };
    }
  }

  private changed(up: boolean, error?: unknown): void {
    if (this.up === up) return;
    this.up = up;
    this.onChange(this.name, up, error);
  }
}

/** The promise, or a rejection once `ms` have passed (the work itself goes on, its outcome ignored). */
function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
  });
}
