import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { encodeCheckpoint, loadCheckpoint, migrate, PostgresEventStore, type NewEvent } from '@relais/event-store';
import { decodeEnvelope, MessagingNames } from '@relais/messaging';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

/**
 * The built `relais-relay` stopped by SIGTERM while the log grows under it: it finishes the batch it
 * is publishing, stores its checkpoint for exactly what the stream took, and exits 0; the next relay
 * resumes from there, so every event is on the stream once, in log order.
 */
describe('relais-relay at SIGTERM', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let stream: string;

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build the relay first (npx nx run relay:build)`);
    [db, ns] = await Promise.all([createTestDatabase(), createTestNamespace()]);
    await migrate(db.pool);
    stream = new MessagingNames(ns.namespace).stream('EVENTS');
  });

  afterAll(async () => {
    await db.drop();
    await ns.cleanup();
  });

  function startRelay(): { child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NATS_URL: ns.natsUrl,
        RELAIS_NAMESPACE: ns.namespace,
        RELAIS_EVENTS_STREAM_MAX_BYTES: String(64 * 1024 * 1024),
        RELAIS_DLQ_STREAM_MAX_BYTES: String(16 * 1024 * 1024),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
    });
    return { child, exit };
  }

  async function streamState(): Promise<{ messages: number; lastSeq: number }> {
    const jsm = await jetstreamManager(ns.nc);
    const info = await jsm.streams.info(stream).catch(() => undefined);
    return { messages: info?.state.messages ?? 0, lastSeq: info?.state.last_seq ?? 0 };
  }

  async function streamEventIds(): Promise<string[]> {
    const jsm = await jetstreamManager(ns.nc);
    const { lastSeq } = await streamState();
    const ids: string[] = [];
    for (let seq = 1; seq <= lastSeq; seq++) ids.push(decodeEnvelope((await jsm.streams.getMessage(stream, { seq }))!.data).eventId);
    return ids;
  }

  it('stops after its batch with its checkpoint at the stream tail, exits 0, and the next relay goes on without a gap or a copy', async () => {
    const store = new PostgresEventStore(db.pool);
    let writing = true;
    const writers = Array.from({ length: 2 }, async (_, writer) => {
      for (let round = 0; writing; round++) {
        const events: NewEvent[] = Array.from({ length: 10 }, (__, i) => ({ eventId: randomUUID(), type: 'TestHappened', data: { writer, round, i } }));
        await store.append(`transmission-${String(writer)}`, round === 0 ? 'no_stream' : round * 10, events);
        await sleep(40);
      }
    });

    const first = startRelay();
    // SIGTERM lands while the relay is publishing: once the stream has grown and the log goes on growing.
    while ((await streamState()).messages < 100) await sleep(20);
    first.child.kill('SIGTERM');
    expect(await first.exit).toEqual({ code: 0, signal: null });

    // What it stored is exactly what the stream holds: the checkpoint is the last published event's position.
    const { lastSeq } = await streamState();
    const checkpoint = await loadCheckpoint(db.pool, `relay:${ns.namespace}`);
    const jsm = await jetstreamManager(ns.nc);
    const tail = decodeEnvelope((await jsm.streams.getMessage(stream, { seq: lastSeq }))!.data);
    expect(checkpoint === null ? null : encodeCheckpoint(checkpoint)).toBe(tail.position);
    const { rows: stored } = await db.pool.query<{ stream_seq: string }>('SELECT stream_seq::text FROM relay_stream_positions WHERE name = $1', [
      `relay:${ns.namespace}`,
    ]);
    expect(Number(stored[0]?.stream_seq)).toBe(lastSeq);

    writing = false;
    await Promise.all(writers);
    await store.close();
    const { rows } = await db.pool.query<{ event_id: string }>('SELECT event_id FROM events ORDER BY transaction_id, global_position');
    expect(rows.length).toBeGreaterThan(lastSeq);

    const second = startRelay();
    while ((await streamState()).messages < rows.length) await sleep(50);
    second.child.kill('SIGTERM');
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(await streamEventIds()).toEqual(rows.map((r) => r.event_id));
  }, 60_000);
});
