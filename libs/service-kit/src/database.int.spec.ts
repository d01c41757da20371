import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import type pg from 'pg';
import { openDatabase } from './database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('relais_service_kit');
});
afterAll(async () => {
  await db.drop();
});

function recorder(): { readonly lines: string[]; warn(message: string): void } {
  const lines: string[] = [];
  return { lines, warn: (message) => lines.push(message) };
}

describe('openDatabase', () => {
  it('runs the migrations in order, then hands out the pool under its application name', async () => {
    const order: string[] = [];
    const first = async (pool: pg.Pool): Promise<void> => {
      await pool.query('CREATE TABLE first_step (id int)');
      order.push('first');
    };
    const second = async (pool: pg.Pool): Promise<void> => {
      await pool.query('INSERT INTO first_step VALUES (1)');
      order.push('second');
    };
    const pool = await openDatabase({ url: db.url, max: 2, applicationName: 'relais-kit-test', logger: recorder(), migrate: [first, second] });
    try {
      expect(order).toEqual(['first', 'second']);
      const { rows } = await pool.query<{ name: string }>('SELECT current_setting($1) AS name', ['application_name']);
      expect(rows[0]?.name).toBe('relais-kit-test');
    } finally {
      await pool.end();
    }
  });

  it('closes the pool and rethrows when a migration fails, running none after it', async () => {
    let seen: pg.Pool | undefined;
    let after = false;
    const failing = async (pool: pg.Pool): Promise<void> => {
      seen = pool;
      await pool.query('SELECT * FROM no_such_table');
    };
    const next = (): Promise<void> => {
      after = true;
      return Promise.resolve();
    };
    await expect(openDatabase({ url: db.url, max: 2, logger: recorder(), migrate: [failing, next] })).rejects.toThrow('no_such_table');
    expect(after).toBe(false);
    expect(seen?.ended).toBe(true);
  });

  it('reports an idle connection the server ended instead of failing the process', async () => {
    const logger = recorder();
    const pool = await openDatabase({ url: db.url, max: 1, logger, migrate: [] });
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      const deadline = Date.now() + 10_000;
      while (logger.lines.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(logger.lines).toEqual([expect.stringMatching(/^idle database connection lost: /)]);
      // The pool replaces the lost connection.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
