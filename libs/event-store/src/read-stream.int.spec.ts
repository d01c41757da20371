import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvent } from '../test/helpers.js';
import { PostgresEventStore, type StoredEvent } from './index.js';

let db: TestDatabase;
let store: PostgresEventStore;
/** Instants between the appends of stream "timeline": before[i] precedes version i + 1. */
const before: Date[] = [];

beforeAll(async () => {
  db = await migratedDatabase();
  store = new PostgresEventStore(db.pool);
  for (let i = 0; i < 5; i++) {
    before.push(new Date());
    await sleep(5);
    await store.append('timeline', i === 0 ? 'no_stream' : i, [newEvent(`Step${i + 1}`, { step: i + 1 }, { by: 'test' })]);
    await sleep(5);
  }
  before.push(new Date());
  await store.append('other', 'no_stream', [newEvent()]);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

const versions = (events: readonly StoredEvent[]) => events.map((e) => Number(e.streamVersion));

describe('readStream', () => {
  it('returns the whole stream in version order, as stored', async () => {
    const events = await store.readStream('timeline');
    expect(versions(events)).toEqual([1, 2, 3, 4, 5]);
    expect(events[2]).toMatchObject({ streamId: 'timeline', type: 'Step3', data: { step: 3 }, metadata: { by: 'test' } });
    expect(events[2]!.recordedAt.getTime()).toBeGreaterThanOrEqual(before[2]!.getTime());
    expect(events[2]!.recordedAt.getTime()).toBeLessThanOrEqual(before[3]!.getTime());
  });

  it('reads a version range, bounds included', async () => {
    expect(versions(await store.readStream('timeline', { fromVersion: 2 }))).toEqual([2, 3, 4, 5]);
    expect(versions(await store.readStream('timeline', { toVersion: 2n }))).toEqual([1, 2]);
    expect(versions(await store.readStream('timeline', { fromVersion: 2, toVersion: 4 }))).toEqual([2, 3, 4]);
    expect(await store.readStream('timeline', { fromVersion: 6 })).toEqual([]);
    expect(await store.readStream('nothing-here')).toEqual([]);
  });

  it('travels in time: the stream exactly as it stood at each instant', async () => {
    for (let i = 0; i <= 5; i++) {
      expect(versions(await store.readStream('timeline', { asOf: before[i]! }))).toEqual(Array.from({ length: i }, (_, v) => v + 1));
    }
    const stored = await store.readStream('timeline');
    // At the very instant an event was recorded, it is part of the past.
    expect(versions(await store.readStream('timeline', { asOf: stored[1]!.recordedAt }))).toEqual([1, 2]);
    expect(versions(await store.readStream('timeline', { asOf: before[4]!, fromVersion: 2 }))).toEqual([2, 3, 4]);
  });

  it('never shows a version without the ones before it, even if clocks disagreed', async () => {
    // Version 2 recorded "after" version 3, as a process with a fast clock could do.
    await db.pool.query('ALTER TABLE events DISABLE TRIGGER USER');
    try {
      await db.pool.query(`UPDATE events SET recorded_at = recorded_at + interval '1 hour' WHERE stream_id = 'timeline' AND stream_version = 2`);
    } finally {
      await db.pool.query('ALTER TABLE events ENABLE TRIGGER USER');
    }
    expect(versions(await store.readStream('timeline', { asOf: before[5]! }))).toEqual([1]);
  });
});
