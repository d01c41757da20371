import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { PublishBatchError } from './errors.js';
import { toMsgHdrs } from './headers.js';

/** Options of one publish. */
export interface PublishOptions {
  /** Sent as `Nats-Msg-Id`: the stream stores one message per id within its duplicate window. */
  readonly msgId?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** How long to wait for the PubAck (default: the publisher's). */
  readonly timeoutMs?: number;
}

/** One message of a pipelined batch. */
export interface OutgoingMessage extends PublishOptions {
  readonly subject: string;
  readonly payload: Uint8Array | string;
}

/** Options of {@link JetStreamPublisher.publishBatch}. */
export interface PublishBatchOptions {
  /** PubAcks awaited at once (default 256): enough to hide the round trip, bounded to cap memory. */
  readonly maxInFlight?: number;
}

/** Defaults of a {@link JetStreamPublisher}. */
export interface PublisherOptions {
  /** PubAck timeout in ms (default 5000). */
  readonly timeoutMs?: number;
}

const DEFAULT_MAX_IN_FLIGHT = 256;
const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Publishes to JetStream and waits for the PubAck: a message counts as sent only once a stream has
 * stored it. A PubAck says stored, not synced to disk; the relay reconciles for that.
 */
export class JetStreamPublisher {
  private readonly js: JetStreamClient;
  private readonly timeoutMs: number;

  constructor(nc: NatsConnection, options: PublisherOptions = {}) {
    this.js = jetstream(nc, { timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Publishes one message; resolves with its PubAck (`duplicate: true` when the msg id was seen). */
  publish(subject: string, payload: Uint8Array | string, options: PublishOptions = {}): Promise<PubAck> {
    return this.js.publish(subject, payload, {
      ...(options.msgId === undefined ? {} : { msgID: options.msgId }),
      ...(options.headers === undefined ? {} : { headers: toMsgHdrs(options.headers) }),
      timeout: options.timeoutMs ?? this.timeoutMs,
    });
  }

  /**
   * Publishes messages in order with many PubAcks in flight; resolves with the PubAcks in the same
   * order. On a failure nothing more is sent and a {@link PublishBatchError} tells how many messages
   * from the start were acknowledged (the others may or may not be stored: publish them again, with
   * the same msg ids, and the stream drops the ones it has).
   */
  async publishBatch(messages: readonly OutgoingMessage[], options: PublishBatchOptions = {}): Promise<PubAck[]> {
    const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    const inFlight: Promise<PubAck>[] = [];
    const acks: PubAck[] = [];
    let sent = 0;
    const sendNext = (): void => {
      const message = messages[sent];
      if (message === undefined) return;
      const ack = this.publish(message.subject, message.payload, message);
      // Rejections are read in order below; this keeps an early one from being reported as unhandled.
      ack.catch(() => undefined);
      inFlight.push(ack);
      sent += 1;
    };
    while (sent < messages.length && sent < maxInFlight) sendNext();
    for (let i = 0; i < messages.length; i += 1) {
      const ack = inFlight[i];
      if (ack === undefined) break;
      try {
        acks.push(await ack);
      } catch (error) {
        await Promise.allSettled(inFlight.slice(i + 1));
        throw new PublishBatchError(acks, messages.length, { cause: error });
      }
      sendNext();
    }
    return acks;
  }
}
