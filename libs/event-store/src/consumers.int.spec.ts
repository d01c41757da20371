import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvents, rejectionOf, waitUntilReadable } from '../test/helpers.js';
import {
  CheckpointConflictError,
  loadCheckpoint,
  markProcessed,
  PostgresEventStore,
  processNextBatch,
  saveCheckpoint,
  withTransaction,
} from './index.js';

let db: TestDatabase;
let store: PostgresEventStore;

beforeAll(async () => {
  db = await migratedDatabase();
  store = new PostgresEventStore(db.pool);
  await db.pool.query('CREATE TABLE read_model (event_id uuid PRIMARY KEY, stream_id text NOT NULL)');
  await store.append('consumed', 'no_stream', newEvents(10));
  await waitUntilReadable(db.pool);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

async function modelRows(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_model');
  return rows[0]!.n;
}

const project = (consumer: string) =>
  processNextBatch(db.pool, store, consumer, 4, async (events, client) => {
    for (const e of events) await client.query('INSERT INTO read_model VALUES ($1, $2)', [e.eventId, e.streamId]);
  });

describe('checkpointed consumers', () => {
  it('commits the read-model writes and the checkpoint together, batch after batch', async () => {
    expect(await loadCheckpoint(db.pool, 'projector')).toBeNull();
    const first = await project('projector');
    expect(first.processed).toBe(4);
    expect(await loadCheckpoint(db.pool, 'projector')).toEqual(first.checkpoint);
    expect(await modelRows()).toBe(4);
    await project('projector');
    const third = await project('projector');
    expect(third.processed).toBe(2);
    expect(await project('projector')).toEqual({ processed: 0, checkpoint: third.checkpoint });
    expect(await modelRows()).toBe(10);
  });

  it('moves neither the model nor the checkpoint when the handler throws', async () => {
    await store.append('consumed', 10, newEvents(3));
    await waitUntilReadable(db.pool);
    const before = await loadCheckpoint(db.pool, 'projector');
    const failure = await rejectionOf(
      processNextBatch(db.pool, store, 'projector', 10, async (events, client) => {
        await client.query('INSERT INTO read_model VALUES ($1, $2)', [events[0]!.eventId, events[0]!.streamId]);
        throw new Error('projection bug');
      }),
    );
    expect((failure as Error).message).toBe('projection bug');
    expect(await loadCheckpoint(db.pool, 'projector')).toEqual(before);
    expect(await modelRows()).toBe(10);
    expect((await project('projector')).processed).toBe(3);
    expect(await modelRows()).toBe(13);
  });

  it('makes a concurrent mover of the same checkpoint fail with a typed error, its writes rolled back', async () => {
    await store.append('consumed', 13, newEvents(2));
    await waitUntilReadable(db.pool);
    const previous = await loadCheckpoint(db.pool, 'projector');
    const target = { transactionId: previous!.transactionId + 1n, globalPosition: 0n };
    await withTransaction(db.pool, (client) => saveCheckpoint(client, 'projector', target, previous));
    const conflict = await rejectionOf(
      withTransaction(db.pool, async (client) => {
        await client.query(`INSERT INTO read_model VALUES ('00000000-0000-4000-8000-000000000001', 'x')`);
        await saveCheckpoint(client, 'projector', { ...target, globalPosition: 1n }, previous);
      }),
    );
    expect(conflict).toBeInstanceOf(CheckpointConflictError);
    expect(conflict).toMatchObject({ code: 'EVENT_STORE.CHECKPOINT_CONFLICT', checkpointName: 'projector' });
    expect(await modelRows()).toBe(13);
    expect(await loadCheckpoint(db.pool, 'projector')).toEqual(target);
    // A second first-time save of a new checkpoint conflicts too.
    await withTransaction(db.pool, (client) => saveCheckpoint(client, 'fresh', target, null));
    await expect(withTransaction(db.pool, (client) => saveCheckpoint(client, 'fresh', target, null))).rejects.toBeInstanceOf(CheckpointConflictError);
  });

  it('lets exactly one of two racing instances commit a batch', async () => {
    const handled: number[] = [];
    // A barrier, not a delay: each handler waits until both have read their batch, so the two
    // instances truly race for the same one however loaded the machine is.
    let bothIn: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      bothIn = resolve;
    });
    const racer = () =>
      processNextBatch(db.pool, store, 'racer', 100, async (events) => {
        handled.push(events.length);
        if (handled.length === 2) bothIn();
        const stuck = new Promise((_, reject) => {
          setTimeout(() => {
            reject(new Error('the other instance never read its batch'));
          }, 10_000).unref();
        });
        await Promise.race([barrier, stuck]);
      });
    const results = await Promise.allSettled([racer(), racer()]);
    // Both read the same batch and ran the handler; only one commit of its effects survives.
    expect(handled).toHaveLength(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(CheckpointConflictError);
  });

  it('marks an inbox message processed once per consumer, in the caller transaction', async () => {
    expect(await withTransaction(db.pool, (client) => markProcessed(client, 'mailer', 'msg-1'))).toBe(true);
    expect(await withTransaction(db.pool, (client) => markProcessed(client, 'mailer', 'msg-1'))).toBe(false);
    expect(await markProcessed(db.pool, 'auditor', 'msg-1')).toBe(true);
    // Rolled back with the work it guarded: the redelivery is processed again.
    await rejectionOf(
      withTransaction(db.pool, async (client) => {
        expect(await markProcessed(client, 'mailer', 'msg-2')).toBe(true);
        throw new Error('handler failed');
      }),
    );
    expect(await markProcessed(db.pool, 'mailer', 'msg-2')).toBe(true);
  });

  it('gives true to exactly one of concurrent duplicates', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => withTransaction(db.pool, (client) => markProcessed(client, 'mailer', 'msg-3'))),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});
