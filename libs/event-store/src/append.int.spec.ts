import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvent, newEvents, rejectionOf, separateStore } from '../test/helpers.js';
import {
  EventIdConflictError,
  EventStoreClosedError,
  PostgresEventStore,
  verifyHashChain,
  WrongExpectedVersionError,
} from './index.js';

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

async function countEvents(streamId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE stream_id = $1', [streamId]);
  return rows[0]!.n;
}

describe('append', () => {
  it('numbers versions from 1 and returns the stream version and last position', async () => {
    const first = await store.append('order-1', 'no_stream', newEvents(2));
    expect(first).toMatchObject({ nextExpectedVersion: 2n, idempotentReplay: false });
    const second = await store.append('order-1', 2, newEvents(1));
    expect(second.nextExpectedVersion).toBe(3n);
    expect(second.lastPosition).toBeGreaterThan(first.lastPosition);
    const events = await store.readStream('order-1');
    expect(events.map((e) => e.streamVersion)).toEqual([1n, 2n, 3n]);
    expect(events[2]!.globalPosition).toBe(second.lastPosition);
  });

  it('stamps recorded_at with the clock it was given (an import of history), and the hash chain still verifies', async () => {
    const past = new Date('2025-03-01T08:30:00.000Z');
    const importer = new PostgresEventStore(db.pool, { clock: () => past });
    try {
      await importer.append('imported-1', 'no_stream', newEvents(2));
    } finally {
      await importer.close();
    }
    const events = await store.readStream('imported-1');
    expect(events.map((e) => e.recordedAt.toISOString())).toEqual([past.toISOString(), past.toISOString()]);
    expect((await verifyHashChain(db.pool)).ok).toBe(true);
  });

  it('enforces no_stream, stream_exists, a version number and any', async () => {
    const noStream = await rejectionOf(store.append('order-1', 'no_stream', newEvents(1)));
    expect(noStream).toBeInstanceOf(WrongExpectedVersionError);
    expect(noStream).toMatchObject({ code: 'EVENT_STORE.WRONG_EXPECTED_VERSION', streamId: 'order-1', expected: 'no_stream', actual: 3n });

    const exists = await rejectionOf(store.append('order-2', 'stream_exists', newEvents(1)));
    expect(exists).toMatchObject({ code: 'EVENT_STORE.WRONG_EXPECTED_VERSION', expected: 'stream_exists', actual: 0n });

    const stale = await rejectionOf(store.append('order-1', 2n, newEvents(1)));
    expect(stale).toMatchObject({ expected: 2n, actual: 3n });
    const ahead = await rejectionOf(store.append('order-2', 1, newEvents(1)));
    expect(ahead).toMatchObject({ expected: 1, actual: 0n });

    expect(await countEvents('order-2')).toBe(0);
    await expect(store.append('order-1', 'stream_exists', newEvents(1))).resolves.toMatchObject({ nextExpectedVersion: 4n });
    await expect(store.append('order-2', 'any', newEvents(1))).resolves.toMatchObject({ nextExpectedVersion: 1n });
    await expect(store.append('order-2', 'any', newEvents(1))).resolves.toMatchObject({ nextExpectedVersion: 2n });
    await expect(store.append('order-3', 0, newEvents(1))).resolves.toMatchObject({ nextExpectedVersion: 1n });
  });

  it('lets exactly one of two concurrent appends at the same expected version win, in one process', async () => {
    await store.append('race-1', 'no_stream', newEvents(1));
    const results = await Promise.allSettled([store.append('race-1', 1, newEvents(1)), store.append('race-1', 1, newEvents(1))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(await countEvents('race-1')).toBe(2);
  });

  it('lets exactly one of two concurrent appends win across processes, new and existing streams alike', async () => {
    const a = separateStore(db.url);
    const b = separateStore(db.url);
    try {
      for (let round = 0; round < 10; round++) {
        const stream = `cross-${round}`;
        const created = await Promise.allSettled([a.store.append(stream, 'no_stream', newEvents(2)), b.store.append(stream, 'no_stream', newEvents(3))]);
        expect(created.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const version = (await store.readStream(stream)).length;
        const next = await Promise.allSettled([a.store.append(stream, version, newEvents(1)), b.store.append(stream, version, newEvents(1))]);
        expect(next.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of [...created, ...next]) {
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        expect(await countEvents(stream)).toBe(version + 1);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('answers a retried append with its first result and stores nothing new, even with a stale expectation', async () => {
    const events = newEvents(3);
    const first = await store.append('retry-1', 'no_stream', events);
    await store.append('retry-1', 3, newEvents(1));
    const again = await store.append('retry-1', 'no_stream', events);
    expect(again).toEqual({ ...first, idempotentReplay: true });
    expect(await store.append('retry-1', 'any', events)).toEqual({ ...first, idempotentReplay: true });
    expect(await store.append('retry-1', 3, events.map((e) => ({ ...e, eventId: e.eventId.toUpperCase() })))).toEqual({
      ...first,
      idempotentReplay: true,
    });
    expect(await countEvents('retry-1')).toBe(4);
  });

  it('answers concurrent retries of one append across processes: one write, the same result for all', async () => {
    const a = separateStore(db.url);
    const b = separateStore(db.url);
    try {
      const events = newEvents(2);
      const results = await Promise.all([
        a.store.append('retry-2', 'no_stream', events),
        b.store.append('retry-2', 'no_stream', events),
        store.append('retry-2', 'no_stream', events),
      ]);
      expect(results.filter((r) => !r.idempotentReplay)).toHaveLength(1);
      expect(new Set(results.map((r) => r.lastPosition)).size).toBe(1);
      expect(await countEvents('retry-2')).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('settles a race on event ids between processes per append, sparing the rest of each batch', async () => {
    const a = separateStore(db.url);
    const b = separateStore(db.url);
    try {
      for (let round = 0; round < 15; round++) {
        const contested = newEvents(1);
        const [first, bystander, second] = await Promise.allSettled([
          a.store.append(`ids-a-${round}`, 'no_stream', contested),
          a.store.append(`ids-bystander-${round}`, 'no_stream', newEvents(1)),
          b.store.append(`ids-b-${round}`, 'no_stream', contested),
        ]);
        expect(bystander.status).toBe('fulfilled');
        const outcomes = [first, second];
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(lost.reason).toBeInstanceOf(EventIdConflictError);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a partial overlap of event ids, or ids stored in another stream, with its own code', async () => {
    const events = newEvents(2);
    await store.append('retry-3', 'no_stream', events);
    const partial = await rejectionOf(store.append('retry-3', 'any', [events[0]!, newEvent()]));
    expect(partial).toBeInstanceOf(EventIdConflictError);
    expect(partial).toMatchObject({ code: 'EVENT_STORE.EVENT_ID_CONFLICT', existingEventIds: [events[0]!.eventId] });
    const elsewhere = await rejectionOf(store.append('retry-4', 'any', events));
    expect(elsewhere).toMatchObject({ code: 'EVENT_STORE.EVENT_ID_CONFLICT' });
    const reordered = await rejectionOf(store.append('retry-3', 'any', [events[1]!, events[0]!]));
    expect(reordered).toMatchObject({ code: 'EVENT_STORE.EVENT_ID_CONFLICT' });
    expect(await countEvents('retry-3')).toBe(2);
    expect(await countEvents('retry-4')).toBe(0);
  });

  it('group-commits concurrent appends into fewer transactions, still rejecting conflicts one by one', async () => {
    const streams = Array.from({ length: 40 }, (_, i) => `group-${i}`);
    await Promise.all(streams.map((s) => store.append(s, 'no_stream', newEvents(1))));
    // Every stream gets a good append and, right behind it, a stale one; plus a second good one.
    const attempts = streams.flatMap((s) => [
      { ok: true, run: store.append(s, 1, newEvents(1)) },
      { ok: false, run: store.append(s, 'no_stream', newEvents(1)) },
      { ok: true, run: store.append(s, 'stream_exists', newEvents(2)) },
    ]);
    const settled = await Promise.allSettled(attempts.map((a) => a.run));
    settled.forEach((result, i) => {
      expect(result.status).toBe(attempts[i]!.ok ? 'fulfilled' : 'rejected');
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(WrongExpectedVersionError);
    });
    const { rows } = await db.pool.query<{ transactions: number }>(
      `SELECT count(DISTINCT transaction_id)::int AS transactions FROM events
        WHERE stream_id LIKE 'group-%' AND stream_version >= 2`,
    );
    // 80 appends succeeded; the two of a stream cannot share a batch, hence at least 2 transactions.
    expect(rows[0]!.transactions).toBeGreaterThanOrEqual(2);
    expect(rows[0]!.transactions).toBeLessThanOrEqual(10);
    for (const s of streams) {
      expect((await store.readStream(s)).map((e) => e.streamVersion)).toEqual([1n, 2n, 3n, 4n]);
    }
  });

  it('keeps appends of one stream issued together in call order, as if sequential', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append('sequential', i === 0 ? 'no_stream' : 'any', [newEvent('T', { i })])));
    expect(results.map((r) => r.nextExpectedVersion)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
    expect((await store.readStream('sequential')).map((e) => e.data['i'])).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('answers pending appends on close, then refuses new ones', async () => {
    const separate = separateStore(db.url);
    const pending = separate.store.append('closing', 'no_stream', newEvents(1));
    await separate.close();
    await expect(pending).resolves.toMatchObject({ nextExpectedVersion: 1n });
    await expect(separate.store.append('closing', 'any', newEvents(1))).rejects.toBeInstanceOf(EventStoreClosedError);
  });
});
