import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@relais/testing';
import pg from 'pg';
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

/** Which of `waiting` and a 20 s guard settles first (a 60 s wait settled before it was woken). */
async function first(waiting: Promise<void>): Promise<'settled' | 'timer'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timer'>((resolve) => {
    timer = setTimeout(() => { resolve('timer'); }, 20_000);
  });
  try {
    return await Promise.race([waiting.then(() => 'settled' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('AppendWaker', () => {
  it('wakes a waiter when an append commits, long before its own time runs out', async () => {
    const waiting = waker.wait(60_000);
    await store.append('settled', 'no_stream', [newEvent('Woke')]);
    expect(await first(waiting)).toBe('settled');
  });

  it('does not wake for a transaction that appended nothing, and resolves at its time when nothing comes', async () => {
    const waiting = waker.wait(60_000);
    await db.pool.query('SELECT 1');
    const woken = await Promise.race([waiting.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => { resolve(false); }, 500))]);
    expect(woken).toBe(false);
    await store.append('settled', 1n, [newEvent('Woke again')]);
    expect(await first(waiting)).toBe('settled');
    expect(await first(waker.wait(50))).toBe('settled');
  });

  it('wakes a waiter whose signal aborts', async () => {
    const abort = new AbortController();
    const waiting = waker.wait(60_000, abort.signal);
    abort.abort();
    expect(await first(waiting)).toBe('settled');
  });

  it('polls on its time when it cannot listen, and tries again only after a pause (one problem told, not one per wait)', async () => {
    const nowhere = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${(await freePort()).toString()}/none` });
    const problems: string[] = [];
    const deaf = new AppendWaker(nowhere, (message) => {
      problems.push(message);
    });
    try {
      for (let i = 0; i < 5; i++) expect(await first(deaf.wait(100))).toBe('settled');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/cannot listen for appends/);
    } finally {
      await deaf.close();
      await nowhere.end();
    }
  });
});
