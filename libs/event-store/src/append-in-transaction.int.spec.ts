import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvents, rejectionOf } from '../test/helpers.js';
import { appendInTransaction, PostgresEventStore, verifyHashChain, withTransaction, WrongExpectedVersionError } from './index.js';

let db: TestDatabase;
let store: PostgresEventStore;

beforeAll(async () => {
  db = await migratedDatabase();
  await db.pool.query('CREATE TABLE side_effects (name text PRIMARY KEY)');
  store = new PostgresEventStore(db.pool);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

async function sideEffects(): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>('SELECT name FROM side_effects ORDER BY name');
  return rows.map((row) => row.name);
}

describe('appendInTransaction', () => {
  it("commits the events with the caller's own writes, chained after the store's appends", async () => {
    await store.append('tx-1', 'no_stream', newEvents(1));
    const result = await withTransaction(db.pool, async (client) => {
      const appended = await appendInTransaction(client, 'tx-1', 1n, newEvents(2));
      await client.query("INSERT INTO side_effects VALUES ('committed')");
      return appended;
    });
    expect(result).toMatchObject({ nextExpectedVersion: 3n, idempotentReplay: false });
    expect((await store.readStream('tx-1')).map((e) => e.streamVersion)).toEqual([1n, 2n, 3n]);
    expect(await sideEffects()).toContain('committed');
    expect((await verifyHashChain(db.pool)).ok).toBe(true);
  });

  it("rolls the events back with the caller's writes when the transaction fails", async () => {
    const failure = await rejectionOf(
      withTransaction(db.pool, async (client) => {
        await appendInTransaction(client, 'tx-2', 'no_stream', newEvents(1));
        await client.query("INSERT INTO side_effects VALUES ('rolled-back')");
        throw new Error('the action failed');
      }),
    );
    expect((failure as Error).message).toBe('the action failed');
    expect(await store.readStream('tx-2')).toEqual([]);
    expect(await sideEffects()).not.toContain('rolled-back');
  });

  it('refuses a stale expected version with WrongExpectedVersionError and writes nothing', async () => {
    await store.append('tx-3', 'no_stream', newEvents(2));
    const stale = await rejectionOf(withTransaction(db.pool, (client) => appendInTransaction(client, 'tx-3', 1n, newEvents(1))));
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale).toMatchObject({ streamId: 'tx-3', actual: 2n });
    expect(await store.readStream('tx-3')).toHaveLength(2);
  });
});
