import type pg from 'pg';
import { DataSource, MigrationExecutor, type MigrationInterface } from 'typeorm';
import { CreateEventStore1764340000000 } from './1764340000000-create-event-store.js';
import { CreateSeals1764700000000 } from './1764700000000-create-seals.js';
import { NotifyAppends1765200000000 } from './1765200000000-notify-appends.js';

/** Every migration of the event store, oldest first. */
const MIGRATIONS = [CreateEventStore1764340000000, CreateSeals1764700000000, NotifyAppends1765200000000];

/** Session advisory lock key: the bytes of "relais" as a number; arbitrary, but fixed forever. */
const LOCK_KEY = '125779935586675';

/**
 * Creates or upgrades the event store's tables (`events`, `streams`, `checkpoints`, `inbox`) in the
 * database of `target` (a pool, whose connection settings are reused, or a connection string).
 * Idempotent, and safe when several processes start at once: they queue on an advisory lock, and
 * TypeORM's own table (`event_store_migrations`) tells the late ones there is nothing left to do.
 */
export function migrate(target: pg.Pool | string): Promise<void> {
  return runMigrations(target, { migrations: MIGRATIONS, tableName: 'event_store_migrations' });
}

/** A library's own schema history: its TypeORM migrations, oldest first, and the table recording them. */
export interface MigrationSet {
  readonly migrations: readonly (new () => MigrationInterface)[];
  readonly tableName: string;
}

/**
 * Applies a library's pending TypeORM migrations, each set in its own history table, all of them
 * under one advisory lock so that processes starting together apply each migration once.
 */
export async function runMigrations(target: pg.Pool | string, set: MigrationSet): Promise<void> {
  const dataSource = new DataSource({
    type: 'postgres',
    extra: { ...connectionOf(target), max: 1 },
    migrations: [...set.migrations],
    migrationsTableName: set.tableName,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
  });
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1::bigint)', [LOCK_KEY]);
      try {
        // On the same connection as the lock, so nothing runs outside it.
        await new MigrationExecutor(dataSource, runner).executePendingMigrations();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1::bigint)', [LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}

/** The connection settings of a pool (its password is not enumerable, hence the explicit copy). */
function connectionOf(target: pg.Pool | string): pg.ClientConfig {
  if (typeof target === 'string') return { connectionString: target };
  const o = target.options;
  return {
    connectionString: o.connectionString,
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    ssl: o.ssl,
  };
}
