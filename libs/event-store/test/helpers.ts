import { randomUUID } from 'node:crypto';
import { createTestDatabase, tolerateDrop, type TestDatabase, waitUntilReadable } from '@relais/testing';
import pg from 'pg';
import { migrate, PostgresEventStore, type JsonObject, type NewEvent } from '../src/index.js';

/** A new event with a fresh id. */
export function newEvent(type = 'Tested', data: JsonObject = {}, metadata?: JsonObject): NewEvent {
  return metadata ? { eventId: randomUUID(), type, data, metadata } : { eventId: randomUUID(), type, data };
}

/** `n` new events numbered in their data. */
export function newEvents(n: number, type = 'Tested'): NewEvent[] {
  return Array.from({ length: n }, (_, i) => newEvent(type, { i }));
}

/** A fresh migrated database for one test file. */
export async function migratedDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('relais_es');
  await migrate(db.pool);
  return db;
}

/** A store on its own small pool, as another process would have; `close` ends both. */
export function separateStore(url: string, max = 2): { store: PostgresEventStore; pool: pg.Pool; close(): Promise<void> } {
  const pool = tolerateDrop(new pg.Pool({ connectionString: url, max }));
  const store = new PostgresEventStore(pool);
  return {
    store,
    pool,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Waits until readAll can see every event committed so far (see @relais/testing). */
export { waitUntilReadable };
