import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from './index.js';

describe('test servers', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  beforeAll(async () => {
    db = await createTestDatabase();
    ns = await createTestNamespace();
  });
  afterAll(async () => {
    await db.drop();
    await ns.cleanup();
  });

  it('gives each test its own database, with a short idle-in-transaction timeout', async () => {
    const { rows } = await db.pool.query<{ db: string; timeout: string }>(
      `SELECT current_database() AS db, current_setting('idle_in_transaction_session_timeout') AS timeout`,
    );
    expect(rows[0]).toEqual({ db: db.name, timeout: '30s' });
  });

  it('drops the database afterwards', async () => {
    const other = await createTestDatabase();
    await other.drop();
    const { rows } = await db.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [other.name]);
    expect(rows).toHaveLength(0);
  });

  it('deletes the streams of its namespace on cleanup, and only those', async () => {
    const other = await createTestNamespace();
    const jsm = await jetstreamManager(ns.nc);
    await jsm.streams.add({ name: `${other.namespace}_A`, subjects: [`${other.namespace}.a.>`] });
    await jsm.streams.add({ name: `${ns.namespace}_B`, subjects: [`${ns.namespace}.b.>`] });
    await other.cleanup();
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    expect(names).not.toContain(`${other.namespace}_A`);
    expect(names).toContain(`${ns.namespace}_B`);
  });
});
