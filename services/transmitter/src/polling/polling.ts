import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { onConnectionLost } from '@relais/event-store';
import type pg from 'pg';

/** The class of the transmitter's advisory locks: "TRNS" as an int4. */
export const TRANSMITTER_LOCK_CLASS = 0x54524e53;

/** A PostgreSQL advisory lock in the two-int space: a class for the service, a name hashed in it. */
export interface AdvisoryLock {
  readonly classId: number;
  readonly name: string;
}

/**
 * Runs `work` holding `lock` on one connection of `pool`, if no other session holds it; resolves false
 * without running it otherwise. The lock is released after `work`, and a connection that failed is
 * destroyed, which frees the lock whatever state it was in.
 */
export async function withAdvisoryLock(pool: pg.Pool, lock: AdvisoryLock, work: () => Promise<void>): Promise<boolean> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The lock's connection lost while `work` runs (PostgreSQL restarted): noted, the client is destroyed on release.
  const stopListening = onConnectionLost(client, (error) => {
    broken = error;
  });
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [lock.classId, lock.name]);
    if (rows[0]?.locked !== true) return false;
    try {
      await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [lock.classId, lock.name]);
    }
    return true;
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    stopListening();
    client.release(broken);
  }
}

/**
 * Calls `poll` again and again, `intervalMs` apart, until `signal` aborts; a failed poll is logged and
 * the next one tries again.
 */
export async function pollUntilStopped(signal: AbortSignal, intervalMs: number, poll: () => Promise<void>, logger: Logger): Promise<void> {
  while (!signal.aborted) {
    try {
      await poll();
    } catch (error) {
      logger.warn(`poll failed, trying again: ${describeError(error)}`);
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}

/**
 * Hands each item of `items` to `handle`, at most `limit` at once, until the items end or `signal`
 * aborts; resolves once every handling begun is over. `handle` deals with its own failures: one that
 * rejects stops nothing but is lost, so it should not.
 */
export async function forEachAtMost<T>(items: AsyncIterable<T>, limit: number, signal: AbortSignal, handle: (item: T) => Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const item of items) {
      if (signal.aborted) break;
      const task: Promise<void> = handle(item)
        .catch(() => undefined)
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
  } finally {
    await Promise.all(inFlight);
  }
}

/** Items whose problem was already logged, remembered so that each is logged once, not every poll. */
const MAX_REMEMBERED = 10_000;

/** Logs a problem about an item once, until it changes or the item is forgotten. */
export class ReportOnce {
  private readonly reported = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  /** `sameAs`: what makes two problems the same (by default the message; a stable code when the message carries a time). */
  report(key: string, level: 'log' | 'warn', message: string, sameAs: string = message): void {
    if (this.reported.get(key) === sameAs) return;
    if (this.reported.size >= MAX_REMEMBERED) this.reported.clear();
    this.reported.set(key, sameAs);
    this.logger[level](message);
  }

  forget(key: string): void {
    this.reported.delete(key);
  }
}

/** `Name: message` of an error, or the thing thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A State server whose waiting items are read page after page. */
export interface PendingSource<I> {
  /** How the logs name it (`http://sim:3100`, `imaps://actes@mail.example:993/INBOX`). */
  readonly baseUrl: string;
  pending(): AsyncIterable<I>;
  /** Ends the round's connection, if it holds one. */
  close(): Promise<void>;
}

/**
 * Reads every State server of `sources` in turn: at most `atOnce` of each one's waiting items handled
 * together, a failed item left where it is for the next poll (logged once), a server that cannot be
 * read logged once and skipped; stops between items when `signal` is aborted. Each source is closed
 * once read.
 */
export async function drainServers<I extends { readonly id: number | string }, S extends PendingSource<I>>(options: {
  readonly sources: readonly S[];
  readonly atOnce: number;
  readonly signal: AbortSignal;
  readonly reports: ReportOnce;
  /** How the logs name a server's items (`reply 12 in the mailbox of …`) and the server itself. */
  readonly describe: { readonly item: (id: string, url: string) => string; readonly server: (url: string) => string };
  readonly handle: (server: S, item: I) => Promise<void>;
}): Promise<void> {
  const { sources, atOnce, signal, reports, describe, handle } = options;
  for (const server of sources) {
    const url = server.baseUrl;
    try {
      await forEachAtMost(server.pending(), atOnce, signal, (item) =>
        handle(server, item).catch((error: unknown) => {
          // Left where it is: the next poll tries again.
          reports.report(`${url}#${String(item.id)}`, 'warn', `${describe.item(String(item.id), url)} not handled: ${describeError(error)}`);
        }),
      );
      if (signal.aborted) return;
      reports.forget(url);
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
      reports.report(url, 'warn', `${describe.server(url)} not read: ${describeError(error)}`, code);
    } finally {
      await server.close().catch((error: unknown) => {
        reports.report(`${url}#close`, 'warn', `${describe.server(url)} not closed cleanly: ${describeError(error)}`);
      });
    }
  }
}
