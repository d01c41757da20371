import { AppendWaker, PostgresEventStore } from '@relais/event-store';
import type pg from 'pg';
import { consoleLogger } from '../logger.js';
import { PostgresAdvisoryLock } from './advisory-lock.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import { PostgresRelayStateStore } from './postgres-relay-state.js';
import type { OutboxSource } from './relay-state.js';

/** Options of {@link createPostgresRelay}: those of the relay, less the parts made from the pool. */
export interface PostgresRelayOptions extends Omit<OutboxRelayOptions, 'source' | 'state' | 'lock'> {
  readonly pool: pg.Pool;
  /** The log to relay (default: a `PostgresEventStore` on the pool). */
  readonly source?: OutboxSource;
  /** Checkpoint and lock name (default `relay:<namespace>`). */
  readonly name?: string;
  /** How often a waiting instance tries the lock (default 1 s). */
  readonly lockPollMs?: number;
}

/**
 * The production relay: reads the PostgreSQL log, keeps its checkpoint in the `checkpoints` table
 * (stream sequence beside it), and publishes only while it holds the advisory lock `relay:<ns>`: a
 * second instance waits, and takes over when the first dies. Run `migrate` and `migrateMessaging` first.
 */
export function createPostgresRelay(options: PostgresRelayOptions): OutboxRelay {
  const { pool, source, name, lockPollMs, ...relayOptions } = options;
  const lockName = name ?? `relay:${options.namespace}`;
  return new OutboxRelay({
    ...relayOptions,
    source: source ?? new PostgresEventStore(pool),
    // Woken by each committed append (the event store's NOTIFY), polling as before when that is lost.
    idleWait: relayOptions.idleWait ?? new AppendWaker(pool, (message) => { (options.logger ?? consoleLogger).warn(`Relay ${options.namespace}: ${message}`); }),
    state: new PostgresRelayStateStore(pool, lockName),
    lock: new PostgresAdvisoryLock(pool, lockName, options.logger ?? consoleLogger, lockPollMs),
  });
}
