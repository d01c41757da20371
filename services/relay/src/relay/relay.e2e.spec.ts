import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { migrate, PostgresEventStore, type NewEvent } from '@relais/event-store';
import { decodeEnvelope, MessagingNames } from '@relais/messaging';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

/** The relay as the platform runs it: a separate `relais-relay` process, killed with SIGKILL. */
describe('relais-relay process', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  const processes = new Set<ChildProcess>();

  function startRelay(): ChildProcess {
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NATS_URL: ns.natsUrl,
        RELAIS_NAMESPACE: ns.namespace,
        // Small streams: the shared test server reserves each stream's cap.
        RELAIS_EVENTS_STREAM_MAX_BYTES: String(64 * 1024 * 1024),
        RELAIS_DLQ_STREAM_MAX_BYTES: String(16 * 1024 * 1024),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    processes.add(child);
    child.once('exit', () => processes.delete(child));
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async function streamContents(): Promise<string[]> {
    const jsm = await jetstreamManager(ns.nc);
    const stream = new MessagingNames(ns.namespace).stream('EVENTS');
    const info = await jsm.streams.info(stream).catch(() => undefined);
    if (!info) return [];
    const ids: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      if (message) ids.push(decodeEnvelope(message.data).eventId);
    }
    return ids;
  }

  async function messageCount(): Promise<number> {
    const jsm = await jetstreamManager(ns.nc);
    const info = await jsm.streams.info(new MessagingNames(ns.namespace).stream('EVENTS')).catch(() => undefined);
    return info?.state.messages ?? 0;
  }

  /** Waits until the stream holds more than `than` messages; returns the count seen. */
  async function waitForMore(than: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const count = await messageCount();
      if (count > than) return count;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the stream did not grow past ${String(than)} messages in ${String(timeoutMs)} ms`);
  }

  async function waitForCount(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await messageCount()) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the stream did not reach ${String(count)} messages in ${String(timeoutMs)} ms`);
  }

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build the relay first (npx nx run relay:build)`);
    db = await createTestDatabase();
    ns = await createTestNamespace();
    await migrate(db.pool);
  });

  afterAll(async () => {
    await Promise.all([...processes].map(kill));
    await db.drop();
    await ns.cleanup();
  });

  it('publishes every committed event exactly once and in log order, though killed again and again', async () => {
    const store = new PostgresEventStore(db.pool);
    const appended: string[] = [];
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let round = 0; round < 60; round++) {
        const events: NewEvent[] = Array.from({ length: 5 }, (__, i) => ({
          eventId: randomUUID(),
          type: 'TestHappened',
          data: { writer, round, i },
        }));
        await store.append(`transmission-${String(writer)}`, round === 0 ? 'no_stream' : round * 5, events);
        appended.push(...events.map((e) => e.eventId));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    });
    let relay = startRelay();
    // Each kill lands while the relay is publishing: after it has put something new on the stream.
    const countsAtKill: number[] = [];
    const killer = (async () => {
      let last = 0;
      for (let k = 0; k < 4; k++) {
        last = await waitForMore(last, 30_000);
        await kill(relay);
        countsAtKill.push(last);
        relay = startRelay();
      }
    })();
    await Promise.all([...writers, killer]);
    await store.close();

    await waitForCount(appended.length, 60_000);
    const { rows } = await db.pool.query<{ event_id: string }>(
      'SELECT event_id FROM events ORDER BY transaction_id, global_position',
    );
    const published = await streamContents();
    expect(new Set(published).size).toBe(published.length);
    expect(published).toEqual(rows.map((r) => r.event_id));
    expect(new Set(published)).toEqual(new Set(appended));
    expect(countsAtKill).toHaveLength(4);
    expect(countsAtKill.every((count) => count > 0 && count < appended.length)).toBe(true);
  }, 120_000);

  it('hands over to a waiting replica when the one holding the lock dies', async () => {
    const before = (await streamContents()).length;
    const first = startRelay();
    const second = startRelay();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await kill(first);
    const store = new PostgresEventStore(db.pool);
    const ids = Array.from({ length: 50 }, () => randomUUID());
    await store.append('transmission-handover', 'no_stream', ids.map((eventId) => ({ eventId, type: 'TestHappened', data: {} })));
    await store.close();
    await waitForCount(before + ids.length, 30_000);
    const published = await streamContents();
    expect(published.slice(before)).toEqual(ids);
    await kill(second);
  }, 60_000);
});
