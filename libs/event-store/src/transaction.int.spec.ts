import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import pg from 'pg';
import { withTransaction } from './transaction.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('withTransaction when the connection is lost', () => {
  it('fails the work and discards the client, without an unheard error event ending the process; the pool serves again', async () => {
    // The session is ended between two statements of the transaction, as a PostgreSQL restart does:
    // node-postgres then emits `error` on the checked-out client, which nobody else listens to.
    const failed = withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query('SELECT 1');
    });
    await expect(failed).rejects.toThrow();
    expect(await withTransaction(pool, async (client) => (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one)).toBe(1);
  });
});
