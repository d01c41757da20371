import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { newEvents } from '../../test/helpers.js';
import { migrate, PostgresEventStore } from '../index.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('relais_es');
});

afterAll(async () => {
  await db.drop();
});

describe('migrate', () => {
  it('runs from several processes at once, and again, with one schema as the outcome', async () => {
    await Promise.all([migrate(db.pool), migrate(db.url), migrate(db.url)]);
    await migrate(db.pool);
    const { rows } = await db.pool.query<{ name: string }>('SELECT name FROM event_store_migrations');
    expect(rows.map((r) => r.name)).toEqual(['CreateEventStore1764340000000', 'CreateSeals1764700000000', 'NotifyAppends1765200000000']);
    const tables = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['checkpoints', 'event_store_migrations', 'events', 'inbox', 'seal_timestamps', 'seals', 'streams']);
  });

  it('keeps the log append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const store = new PostgresEventStore(db.pool);
    await store.append('s', 'no_stream', newEvents(2));
    await store.close();
    for (const sql of [`UPDATE events SET type = 'x'`, 'DELETE FROM events', 'TRUNCATE events']) {
      await expect(db.pool.query(sql)).rejects.toThrow(/append-only/);
    }
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(rows[0]!.n).toBe(2);
  });

  it('creates the reading index on (transaction_id, global_position)', async () => {
    const { rows } = await db.pool.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'events_transaction_position'`);
    expect(rows[0]!.indexdef).toContain('(transaction_id, global_position)');
  });
});
