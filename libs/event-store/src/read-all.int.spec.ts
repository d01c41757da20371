import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvent, newEvents, separateStore, waitUntilReadable } from '../test/helpers.js';
import { executeBatch } from './append.js';
import { type Checkpoint, PostgresEventStore, type StoredEvent, WrongExpectedVersionError } from './index.js';
import { prepareAppend } from './prepare.js';

let db: TestDatabase;
let store: PostgresEventStore;

beforeAll(async () => {
  db = await migratedDatabase();
  store = new PostgresEventStore(db.pool);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

/**
 * Reads on from `after` until `count` events came (the horizon is cluster-wide: a transaction of
 * another test database can hold readers back for a moment).
 */
async function readUntil(after: Checkpoint | null, count: number): Promise<{ events: StoredEvent[]; checkpoint: Checkpoint | null }> {
  const events: StoredEvent[] = [];
  let checkpoint = after;
  const deadline = Date.now() + 30_000;
  while (events.length < count && Date.now() < deadline) {
    const page = await store.readAll(checkpoint, 1000);
    events.push(...page.events);
    checkpoint = page.checkpoint;
    if (page.events.length === 0) await sleep(20);
  }
  return { events, checkpoint };
}

/** The checkpoint after every event committed so far. */
async function catchUp(): Promise<Checkpoint | null> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return (await readUntil(null, rows[0]!.n)).checkpoint;
}

/** Starts a transaction that appends to `streamId` and stays open, as a slow committer would. */
async function heldAppend(streamId: string, takeTransactionIdFirst = false) {
  const client = await db.pool.connect();
  await client.query('BEGIN');
  if (takeTransactionIdFirst) await client.query('SELECT pg_current_xact_id()');
  const insert = async () => {
    const [outcome] = await executeBatch(client, [{ streamId, expected: 'no_stream', events: prepareAppend(streamId, 'no_stream', [newEvent()]) }], new Date());
    if (!outcome?.ok) throw new Error('held append refused');
    return outcome.result;
  };
  return {
    insert,
    async commit() {
      await client.query('COMMIT');
      client.release();
    },
  };
}

describe('readAll', () => {
  it('pages through the log in order and returns the checkpoint to continue from', async () => {
    const start = await catchUp();
    await store.append('paging', 'no_stream', newEvents(25));
    await waitUntilReadable(db.pool);
    const first = await store.readAll(start, 10);
    expect(first.events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)));
    const rest = await readUntil(first.checkpoint, 15);
    expect(rest.events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 15 }, (_, i) => BigInt(i + 11)));
    const empty = await store.readAll(rest.checkpoint, 10);
    expect(empty).toEqual({ events: [], checkpoint: rest.checkpoint });
    expect(rest.events[0]).toMatchObject({ streamId: 'paging', type: 'Tested', data: { i: 10 }, metadata: {} });
    expect(rest.events[0]!.hash).toHaveLength(32);
  });

  it('holds back a later commit while an earlier-numbered transaction is open, then returns both in order', async () => {
    const origin = await catchUp();
    const held = await heldAppend('held-1');
    const early = await held.insert();
    const late = await store.append('late-1', 'no_stream', [newEvent()]);
    expect(late.lastPosition).toBeGreaterThan(early.lastPosition);

    // A reader paging by position alone would take the later event now, move past it and never see
    // the held one; readAll returns neither until the held transaction ends.
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE global_position > $1', [String(early.lastPosition - 1n)]);
    expect(rows[0]!.n).toBe(1);
    expect((await store.readAll(origin, 100)).events).toEqual([]);

    await held.commit();
    const after = await readUntil(origin, 2);
    expect(after.events.map((e) => [e.streamId, e.globalPosition])).toEqual([
      ['held-1', early.lastPosition],
      ['late-1', late.lastPosition],
    ]);
  });

  it('orders by transaction: a transaction that started first comes first even with a higher position', async () => {
    const origin = await catchUp();
    const held = await heldAppend('held-2', true);
    const other = await store.append('late-2', 'no_stream', [newEvent()]);
    const mine = await held.insert();
    expect(mine.lastPosition).toBeGreaterThan(other.lastPosition);
    expect((await store.readAll(origin, 100)).events).toEqual([]);
    await held.commit();
    const after = await readUntil(origin, 2);
    expect(after.events.map((e) => e.streamId)).toEqual(['held-2', 'late-2']);
    expect(after.events[0]!.globalPosition).toBeGreaterThan(after.events[1]!.globalPosition);
  });

  it('gives a follower every event exactly once, each stream in order, under 50 writers in 5 processes', async () => {
    const origin = await catchUp();
    const processes = Array.from({ length: 5 }, () => separateStore(db.url, 3));
    const streams = Array.from({ length: 60 }, (_, i) => `busy-${i}`);
    const known = new Map<string, number>();
    let conflicts = 0;
    let writing = true;

    const writer = async (w: number) => {
      const { store: own } = processes[w % processes.length]!;
      for (let n = 0; n < 30; n++) {
        const stream = streams[(w * 7 + n * 13) % streams.length]!;
        const count = 1 + ((w + n) % 3);
        // Half the appends state the version last seen (and may lose a race), half append blindly.
        const expected = n % 2 === 0 ? 'any' : (known.get(stream) ?? 0);
        try {
          const result = await own.append(stream, expected, newEvents(count));
          known.set(stream, Math.max(known.get(stream) ?? 0, Number(result.nextExpectedVersion)));
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
          conflicts++;
        }
      }
    };

    const received: StoredEvent[] = [];
    const follower = async (): Promise<Checkpoint | null> => {
      let checkpoint = origin;
      for (;;) {
        const page = await store.readAll(checkpoint, 200);
        received.push(...page.events);
        checkpoint = page.checkpoint;
        if (page.events.length === 0) {
          if (!writing) return checkpoint;
          await sleep(2);
        }
      }
    };

    const following = follower();
    try {
      await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)));
    } finally {
      writing = false;
      await Promise.all(processes.map((p) => p.close()));
    }
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'busy-%'`);
    const total = rows[0]!.n;
    const rest = await readUntil(await following, total - received.length);
    received.push(...rest.events);

    expect(received).toHaveLength(total);
    expect(new Set(received.map((e) => e.eventId)).size).toBe(total);
    const versions = new Map<string, bigint>();
    for (const e of received) {
      expect(e.streamVersion).toBe((versions.get(e.streamId) ?? 0n) + 1n);
      versions.set(e.streamId, e.streamVersion);
    }
    // Whether commits came out of sequence in this run depends on the machine's timing (a loaded CI
    // machine may serialise them); the two tests above force that case deterministically. Here the
    // promise is that under real concurrency nothing was skipped or repeated, checked above.
    // Stated versions did lose races, each refused alone.
    expect(conflicts).toBeGreaterThan(0);
  });
});
