import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvent } from '../test/helpers.js';
import { AppendWaker, PostgresEventStore } from './index.js';

let db: TestDatabase;
let store: PostgresEventStore;
let waker: AppendWaker;

beforeAll(async () => {
  db = await migratedDatabase();
  store = new PostgresEventStore(db.pool);
  waker = new AppendWaker(db.pool);
  // The first wait opens the listening connection; let it be listening before the tests count on it.
  await waker.wait(300);
});

afterAll(async () => {
  await waker.close();
  await store.close();
  await db.drop();
});

/** Which of `waiting` and a 20 s timer settles first. */
async function first(waiting: Promise<void>): Promise<'woken' | 'timer'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timer'>((resolve) => {
    timer = setTimeout(() => { resolve('timer'); }, 20_000);
  });
  try {
    return await Promise.race([waiting.then(() => 'woken' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('AppendWaker', () => {
  it('wakes a waiter when an append commits, long before its own time runs out', async () => {
    const waiting = waker.wait(60_000);
    await store.append('woken', 'no_stream', [newEvent('Woke')]);
    expect(await first(waiting)).toBe('woken');
  });

  it('does not wake for a transaction that appended nothing, and resolves at its time when nothing comes', async () => {
    const waiting = waker.wait(60_000);
    await db.pool.query('SELECT 1');
    const woken = await Promise.race([waiting.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => { resolve(false); }, 500))]);
    expect(woken).toBe(false);
    await store.append('woken', 1n, [newEvent('Woke again')]);
    expect(await first(waiting)).toBe('woken');
    expect(await first(waker.wait(50))).toBe('woken');
  });

  it('wakes a waiter whose signal aborts', async () => {
    const abort = new AbortController();
    const waiting = waker.wait(60_000, abort.signal);
    abort.abort();
    expect(await first(waiting)).toBe('woken');
  });
});
