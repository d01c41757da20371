import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { fromStored, type TransmissionEvent } from '@relais/domain';
import type { PostgresEventStore, StoredEvent } from '@relais/event-store';
import {
  createPostgresRelay,
  defaultEventSubject,
  JetStreamPublisher,
  MessagingNames,
  migrateMessaging,
  StreamNames,
  toOutgoing,
  type OutboxRelay,
  type StreamLimits,
} from '@relais/messaging';
import type pg from 'pg';
import { transmissionStreamId, transmissionWireType } from '../transmission-stream.js';
import { waitFor } from './wait.js';

/** Small limits: test streams must not reserve gigabytes on a server others share. */
export const TEST_LIMITS: { events: StreamLimits; dlq: StreamLimits } = {
  events: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024, maxMsgSize: 256 * 1024 },
  dlq: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 16 * 1024 * 1024, maxMsgSize: 256 * 1024 },
};

/** The NATS side of a test: a connection and the namespace its streams live under (a `TestNamespace`). */
export interface TestBus {
  readonly nc: NatsConnection;
  readonly namespace: string;
}

/**
 * Migrates the relay's state table and starts the outbox relay over `pool`, quiet and polling every
 * 20 ms, publishing into the test streams of `bus`. Stop it (`relay.stop()`) before dropping the database.
 */
export async function startTestRelay(pool: pg.Pool, bus: TestBus): Promise<OutboxRelay> {
  await migrateMessaging(pool);
  const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const relay = createPostgresRelay({ pool, nc: bus.nc, namespace: bus.namespace, streamLimits: TEST_LIMITS, logger: silent, pollIntervalMs: 20 });
  relay.start();
  return relay;
}

/** The domain events of a transmission's stream, in order. */
export async function historyOf(store: PostgresEventStore, id: string): Promise<TransmissionEvent[]> {
  return (await store.readStream(transmissionStreamId(id))).map((event) => fromStored(event.type, event.data));
}

/** The stored event of type `type` in a transmission's stream. */
export async function storedEvent(store: PostgresEventStore, id: string, type: TransmissionEvent['type']): Promise<StoredEvent> {
  const event = (await store.readStream(transmissionStreamId(id))).find((e) => e.type === transmissionWireType(type));
  if (event === undefined) throw new Error(`transmission ${id} has no ${type}`);
  return event;
}

/**
 * Publishes a stored event as the relay does (same subject, envelope and headers). `msgId` other than
 * the event id makes JetStream store it again: a copy arriving after the duplicate window.
 * Resolves with its stream sequence.
 */
export async function relayEvent(nc: NatsConnection, namespace: string, event: StoredEvent, msgId?: string): Promise<number> {
  const outgoing = toOutgoing(event, new MessagingNames(namespace), defaultEventSubject);
  const ack = await new JetStreamPublisher(nc).publish(outgoing.subject, outgoing.payload, {
    ...(outgoing.headers === undefined ? {} : { headers: outgoing.headers }),
    msgId: msgId ?? event.eventId,
  });
  return ack.seq;
}

/** Waits until `consumer` has acknowledged every message up to stream sequence `seq`. */
export async function waitUntilAcked(nc: NatsConnection, namespace: string, consumer: string, seq: number): Promise<void> {
  const names = new MessagingNames(namespace);
  const jsm = await jetstreamManager(nc);
  await waitFor(`${consumer} to ack stream sequence ${String(seq)}`, async () => {
    const info = await jsm.consumers.info(names.stream(StreamNames.EVENTS), names.durable(consumer));
    return info.ack_floor.stream_seq >= seq;
  });
}
