import { Readable } from 'node:stream';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { PostgresBlobStore } from '@relais/blob-store';
import { fromStored, type FileRef, type TransmissionEvent } from '@relais/domain';
import type { PostgresEventStore, StoredEvent } from '@relais/event-store';
import { defaultEventSubject, JetStreamPublisher, MessagingNames, StreamNames, toOutgoing, type StreamLimits } from '@relais/messaging';
import { transmissionStreamId } from '@relais/service-kit';

/** Small limits: test streams must not reserve gigabytes on a server others share. */
export const TEST_LIMITS: { events: StreamLimits; dlq: StreamLimits } = {
  events: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024, maxMsgSize: 256 * 1024 },
  dlq: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 16 * 1024 * 1024, maxMsgSize: 256 * 1024 },
};

/** Polls `probe` until it gives something (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The domain events of a transmission's stream. */
export async function transmissionEvents(store: PostgresEventStore, id: string): Promise<TransmissionEvent[]> {
  return (await store.readStream(transmissionStreamId(id))).map((event) => fromStored(event.type, event.data));
}

/** The stored event of type `type` in a transmission's stream. */
export async function storedEvent(store: PostgresEventStore, id: string, type: TransmissionEvent['type']): Promise<StoredEvent> {
  const event = (await store.readStream(transmissionStreamId(id))).find((e) => fromStored(e.type, e.data).type === type);
  if (event === undefined) throw new Error(`transmission ${id} has no ${type}`);
  return event;
}

/**
 * Publishes a stored event as the relay does (same subject, envelope and headers). `msgId` other than
 * the event id makes JetStream store it again: a copy arriving after the duplicate window.
 * Resolves with its stream sequence.
 */
export async function relay(nc: NatsConnection, namespace: string, event: StoredEvent, msgId?: string): Promise<number> {
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

/** Stores `bytes` in the blob store and describes them as a submission's file. */
export async function storeFile(blobs: PostgresBlobStore, name: string, bytes: Buffer, mediaType = 'application/pdf'): Promise<FileRef> {
  const { sha256, size } = await blobs.put(Readable.from([bytes]));
  return { sha256, size, name, mediaType };
}

/** A small but complete PDF: header, one object, cross-reference table and `%%EOF`. */
export function pdfBytes(text = 'Budget primitif'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Title (${text}) >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n70\n%%EOF\n`,
    'latin1',
  );
}

/** Application context options without Nest's console logging. */
export function quiet(): NestApplicationContextOptions {
  return Object.assign(new NestApplicationContextOptions(), { logger: false as const });
}
