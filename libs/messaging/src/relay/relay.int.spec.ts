import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { migrate, PostgresEventStore, type Checkpoint } from '@relais/event-store';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { recordingLogger, streamMessages, TEST_LIMITS, waitFor } from '../../test/helpers.js';
import { startPrivateNats, type PrivateNats } from '../../test/private-nats.js';
import { RelaisHeaders } from '../headers.js';
import { MessagingNames, StreamNames } from '../subjects.js';
import { PostgresAdvisoryLock } from './advisory-lock.js';
import { OutboxRelay } from './outbox-relay.js';
import { createPostgresRelay } from './postgres-relay.js';
import { migrateMessaging, PostgresRelayStateStore } from './postgres-relay-state.js';
import type { OutboxSource, RelayStateStore } from './relay-state.js';

interface Fixture {
  readonly ns: TestNamespace;
  readonly db: TestDatabase;
  readonly store: PostgresEventStore;
  readonly names: MessagingNames;
  readonly stream: string;
  readonly relayName: string;
}

describe('outbox relay', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  const logger = recordingLogger();
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function fixture(): Promise<Fixture> {
    const [ns, db] = await Promise.all([createTestNamespace(), createTestDatabase()]);
    cleanups.push(() => db.drop(), () => ns.cleanup());
    await migrate(db.pool);
    await migrateMessaging(db.pool);
    const names = new MessagingNames(ns.namespace);
    return { ns, db, store: new PostgresEventStore(db.pool), names, stream: names.stream(StreamNames.EVENTS), relayName: `relay:${ns.namespace}` };
  }

  /** Appends `count` events over 10 streams, several appends in flight so transactions interleave. */
  async function append(store: PostgresEventStore, count: number): Promise<void> {
    const streams = Array.from({ length: 10 }, () => `acte-${randomUUID()}`);
    for (let done = 0; done < count; done += streams.length) {
      await Promise.all(
        streams.slice(0, Math.min(streams.length, count - done)).map((streamId, i) =>
          store.append(streamId, 'any', [{ eventId: randomUUID(), type: 'ActeReceived', data: { n: done + i } }]),
        ),
      );
    }
  }

  /** The log's event ids in order, once all `count` are visible (readers stay below the oldest running transaction). */
  async function logEventIds(store: PostgresEventStore, count: number): Promise<string[]> {
    return waitFor(`${count} events visible in the log`, async () => {
      const ids = (await store.readAll(null, 100_000)).events.map((event) => event.eventId);
      return ids.length === count && ids;
    });
  }

  async function relayedEventIds(nc: NatsConnection, stream: string): Promise<string[]> {
    return (await streamMessages(nc, stream)).map((m) => m.json['eventId'] as string);
  }

  function relayOn(f: Fixture, nc: NatsConnection, parts: { source?: OutboxSource; state?: RelayStateStore }, streamLimits = TEST_LIMITS): OutboxRelay {
    const relay = new OutboxRelay({
      nc,
      namespace: f.ns.namespace,
      source: parts.source ?? f.store,
      state: parts.state ?? new PostgresRelayStateStore(f.db.pool, f.relayName),
      lock: new PostgresAdvisoryLock(f.db.pool, f.relayName, logger, 100),
      batchSize: 50,
      streamLimits,
      logger,
    });
    cleanups.push(() => relay.stop());
    return relay;
  }

  const connection = async (url: string): Promise<NatsConnection> => {
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    cleanups.push(() => (nc.isClosed() ? Promise.resolve() : nc.close()));
    return nc;
  };

  it('puts every event on the stream exactly once, in log order, across crashes after publishing and before publishing', async () => {
    const f = await fixture();
    await append(f.store, 300);
    const expected = await logEventIds(f.store, 300);
    const checkpoints = new PostgresRelayStateStore(f.db.pool, f.relayName);

    // First life: dies once its third batch is acknowledged, before the checkpoint is saved.
    const nc1 = await connection(f.ns.natsUrl);
    let saves = 0;
    const dyingAtThirdSave: RelayStateStore = {
      load: () => checkpoints.load(),
      save: async (next, previous) => {
        saves += 1;
        if (saves === 3) {
          await nc1.close();
          throw new Error('killed');
        }
        await checkpoints.save(next, previous);
      },
    };
    const first = relayOn(f, nc1, { state: dyingAtThirdSave });
    first.start();
    await waitFor('the first life to die', () => nc1.isClosed(), 30_000);
    await first.stop();
    // Batch sizes depend on what the log lets readers see (older transactions elsewhere in the
    // cluster hold its horizon back), so the checks are on invariants, not on counts.
    const afterFirst = await relayedEventIds(f.ns.nc, f.stream);
    const savedByFirst = (await checkpoints.load())?.streamSeq ?? 0;
    expect(afterFirst).toEqual(expected.slice(0, afterFirst.length));
    expect(savedByFirst).toBeGreaterThan(0);
    expect(afterFirst.length).toBeGreaterThan(savedByFirst);

    // Second life: dies after reading its third batch from the log, before publishing it.
    const nc2 = await connection(f.ns.natsUrl);
    let reads = 0;
    const dyingAtThirdRead: OutboxSource = {
      readAll: async (after: Checkpoint | null, limit: number) => {
        const read = await f.store.readAll(after, limit);
        if (read.events.length > 0) reads += 1;
        if (reads === 3) await nc2.close();
        return read;
      },
    };
    const second = relayOn(f, nc2, { source: dyingAtThirdRead });
    second.start();
    await waitFor('the second life to die', () => nc2.isClosed(), 30_000);
    await second.stop();
    const afterSecond = await relayedEventIds(f.ns.nc, f.stream);
    expect(afterSecond).toEqual(expected.slice(0, afterSecond.length));
    // It resumed from the checkpoint, behind the stream: the first life's unsaved tail came back as duplicates.
    expect(second.status()).toMatchObject({ lastResume: { reason: 'CHECKPOINT' } });
    expect(second.status().duplicates).toBeGreaterThan(0);
    expect(second.status().duplicates).toBeLessThanOrEqual(afterFirst.length - savedByFirst);
    expect((await checkpoints.load())?.streamSeq).toBe(afterSecond.length);

    // Third life, wired as in production, finishes the log.
    const third = createPostgresRelay({ nc: await connection(f.ns.natsUrl), namespace: f.ns.namespace, pool: f.db.pool, streamLimits: TEST_LIMITS, logger });
    cleanups.push(() => third.stop());
    third.start();
    await waitFor('the whole log on the stream', async () => (await jetstreamManager(f.ns.nc)).streams.info(f.stream).then((i) => i.state.messages === 300), 30_000);
    await third.stop();

    const relayed = await relayedEventIds(f.ns.nc, f.stream);
    expect(relayed).toHaveLength(300);
    expect(new Set(relayed).size).toBe(300);
    expect(relayed).toEqual(expected);
    expect(third.status()).toMatchObject({ published: 300 - afterSecond.length, duplicates: 0 });
    const messages = await streamMessages(f.ns.nc, f.stream);
    expect(messages[0]?.headers).toMatchObject({ [RelaisHeaders.MSG_ID]: expected[0], [RelaisHeaders.TYPE]: 'ActeReceived' });
    expect(messages[0]?.subject).toBe(f.names.event('acte', 'ActeReceived'));
    expect(messages[299]?.headers[RelaisHeaders.POSITION]).toBe(messages[299]?.json['position']);
  });

  it('republishes the tail a stream lost (duplicate window passed), and nothing more', async () => {
    const f = await fixture();
    const limits = { ...TEST_LIMITS, events: { ...TEST_LIMITS.events, duplicateWindowMs: 1_000 } };
    await append(f.store, 40);
    const expected = await logEventIds(f.store, 40);
    const relay = relayOn(f, await connection(f.ns.natsUrl), {}, limits);
    relay.start();
    await waitFor('40 events relayed', async () => (await streamMessages(f.ns.nc, f.stream)).length === 40);
    await relay.stop();

    const jsm = await jetstreamManager(f.ns.nc);
    for (let seq = 31; seq <= 40; seq += 1) await jsm.streams.deleteMessage(f.stream, seq);
    // What a crashed server loses it also forgets for de-duplication; a delete does not: outwait it.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const restarted = relayOn(f, await connection(f.ns.natsUrl), {}, limits);
    restarted.start();
    await waitFor('the gap refilled', async () => (await streamMessages(f.ns.nc, f.stream)).length === 40);
    await restarted.stop();
    const messages = await streamMessages(f.ns.nc, f.stream);
    expect(messages.map((m) => m.seq)).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => i + 41)]);
    expect(messages.map((m) => m.json['eventId'])).toEqual(expected);
    expect(restarted.status()).toMatchObject({ published: 10, duplicates: 0, lastResume: { reason: 'STREAM_BEHIND' } });
  });

  it('tells a stream emptied by limits (resume at the checkpoint) from one that lost everything (republish all)', async () => {
    const f = await fixture();
    await append(f.store, 20);
    const nc = await connection(f.ns.natsUrl);
    const first = relayOn(f, nc, {});
    first.start();
    await waitFor('20 events relayed', async () => (await streamMessages(f.ns.nc, f.stream)).length === 20);
    await first.stop();

    const jsm = await jetstreamManager(f.ns.nc);
    await jsm.streams.purge(f.stream);
    await append(f.store, 5);
    const trimmed = relayOn(f, nc, {});
    trimmed.start();
    await waitFor('5 new events relayed', async () => (await jsm.streams.info(f.stream)).state.last_seq === 25);
    await trimmed.stop();
    expect(trimmed.status()).toMatchObject({ published: 5, lastResume: { reason: 'STREAM_TRIMMED' } });
    expect(await streamMessages(f.ns.nc, f.stream)).toHaveLength(5);

    await jsm.streams.delete(f.stream);
    const lost = relayOn(f, nc, {});
    lost.start();
    await waitFor('the whole log relayed again', async () => (await jsm.streams.info(f.stream).catch(() => null))?.state.messages === 25);
    await lost.stop();
    expect(lost.status()).toMatchObject({ published: 25, lastResume: { reason: 'STREAM_LOST' } });
    expect(await relayedEventIds(f.ns.nc, f.stream)).toEqual(await logEventIds(f.store, 25));
  });

  it('lets one instance publish at a time; a waiting one takes over when the leader dies', async () => {
    const f = await fixture();
    const ncA = await connection(f.ns.natsUrl);
    const leader = relayOn(f, ncA, {});
    leader.start();
    await waitFor('the leader idle', () => leader.status().phase === 'idle');
    const standby = relayOn(f, await connection(f.ns.natsUrl), {});
    standby.start();
    await waitFor('the standby waiting', () => standby.status().phase === 'waiting-for-lock');

    await append(f.store, 20);
    await waitFor('20 relayed', async () => (await streamMessages(f.ns.nc, f.stream)).length === 20);
    expect(leader.status().published).toBe(20);
    expect(standby.status()).toMatchObject({ phase: 'waiting-for-lock', published: 0 });

    // The leader's process dies: its NATS connection and its PostgreSQL session go.
    await ncA.close();
    await f.db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await waitFor('the standby leading', () => standby.status().phase === 'idle');
    await append(f.store, 20);
    await waitFor('40 relayed', async () => (await streamMessages(f.ns.nc, f.stream)).length === 40);
    expect(standby.status().published).toBe(20);
    expect(await relayedEventIds(f.ns.nc, f.stream)).toEqual(await logEventIds(f.store, 40));
  });

  it('reconciles after a reconnect: a server that came back without its tail gets it again', async () => {
    const f = await fixture();
    const server: PrivateNats = await startPrivateNats();
    cleanups.push(() => server.dispose());
    await append(f.store, 30);
    const nc = await connection(server.url);
    const relay = relayOn(f, nc, {});
    relay.start();
    await waitFor('30 relayed', async () => (await streamMessages(nc, f.stream)).length === 30);

    // Stand-in for the unsynced tail a crash loses: removed, then the server is killed and restarted.
    const jsm = await jetstreamManager(nc);
    for (let seq = 26; seq <= 30; seq += 1) await jsm.streams.deleteMessage(f.stream, seq);
    await server.kill();
    await server.restart();
    await waitFor('the tail republished after the reconnect', async () => (await streamMessages(nc, f.stream).catch(() => [])).length === 30, 20_000);
    expect(relay.status().lastResume?.reason).toBe('STREAM_BEHIND');
    expect(await relayedEventIds(nc, f.stream)).toEqual(await logEventIds(f.store, 30));
    await relay.stop();
  });
});
