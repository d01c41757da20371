import type { LoggerService } from '@nestjs/common';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { fromStored, type TransmissionEvent } from '@relais/domain';
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

/** A Nest logger that keeps every line (`<context>: <message>`) instead of printing it. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string): void {
    this.keep(message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.keep(message, rest.at(-1));
  }
  warn(message: unknown, context?: string): void {
    this.keep(message, context);
  }
  private keep(message: unknown, context: unknown): void {
    this.lines.push(`${typeof context === 'string' ? context : ''}: ${String(message)}`);
  }
}

/** Application context options logging into `logger`. */
export function recordingTo(logger: RecordingLogger): NestApplicationContextOptions {
  return Object.assign(new NestApplicationContextOptions(), { logger });
}
