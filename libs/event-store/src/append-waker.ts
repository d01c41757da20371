import pg from 'pg';
import { connectionSettingsOf } from './db.js';

/** The pause between two attempts to listen when the database refused or dropped the last one. */
const RETRY_MS = 5_000;

/** The channel a committed append notifies (migration 1765200000000). */
export const APPENDED_CHANNEL = 'relais_events_appended';

/**
 * Waits for the log to grow: `wait(ms)` resolves when a transaction that appended commits, or after
 * `ms` at the latest, whichever comes first. One dedicated connection LISTENs; when it is lost, `wait`
 * is a plain timer (readers poll as before) until it is back. A reader that still finds nothing (a
 * commit not yet readable behind an older transaction) waits again: the notification is a hint,
 * never the only way to learn of an event.
 */
export class AppendWaker {
  private client: pg.Client | undefined;
  private waiters = new Set<() => void>();
  private closed = false;
  private connecting: Promise<void> | undefined;
  /** No new attempt to listen before this instant (ms since epoch): a database that is down is not hammered, nor the log flooded. */
  private retryAfter = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** Resolves on the next committed append, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.client === undefined) this.connect();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): void {
    if (this.connecting !== undefined || this.closed || Date.now() < this.retryAfter) return;
    this.connecting = (async () => {
      const client = new pg.Client(await connectionSettingsOf(this.pool));
      client.on('notification', () => {
        for (const wake of [...this.waiters]) wake();
      });
      client.on('error', (error) => {
        this.retryAfter = Date.now() + RETRY_MS;
        this.onProblem(`append notifications lost (${error.message}); polling until they are back`);
        if (this.client === client) this.client = undefined;
        void client.end().catch(() => undefined);
      });
      await client.connect();
      await client.query(`LISTEN ${APPENDED_CHANNEL}`);
      if (this.closed) await client.end();
      else this.client = client;
    })()
      .catch((error: unknown) => {
        this.retryAfter = Date.now() + RETRY_MS;
        this.onProblem(`cannot listen for appends (${error instanceof Error ? error.message : String(error)}); polling meanwhile`);
      })
      .finally(() => {
        this.connecting = undefined;
      });
  }
}
