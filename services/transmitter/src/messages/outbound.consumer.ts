import type { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  DecodeError,
  startConsumer,
  type ConsumerRunner,
  type EventEnvelope,
  type MessageContext,
  type MessagingNames,
  type SubjectPattern,
} from '@relais/messaging';
import type { TransmitterConfig } from '../config.js';

/** What a consumer of requests to send something reads, and what it does with each. */
export interface OutboundConsumerSpec<E> {
  /** Durable consumer name, without namespace. */
  readonly consumer: string;
  readonly filterSubject: SubjectPattern;
  readonly decode: (envelope: EventEnvelope) => E;
  readonly handle: (event: E, context: MessageContext) => Promise<void>;
}

/**
 * Transport only, for every request to send a message to the State after the acte itself (a 6-1, an
 * answer to a letter, a 7-1): each relayed event goes to its handler with the delivery's retry policy,
 * so a message that did not get through comes back after the policy's delay and is sent again byte for
 * byte. Subclasses say which events and which handler.
 */
export abstract class OutboundConsumer<E> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  private runner: ConsumerRunner | undefined;

  protected constructor(
    private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly config: TransmitterConfig,
  ) {}

  protected abstract spec(): OutboundConsumerSpec<E>;

  async onApplicationBootstrap(): Promise<void> {
    const { consumer, filterSubject, decode, handle } = this.spec();
    this.runner = await startConsumer(this.nc, {
      namespace: this.names.namespace,
      consumer,
      filterSubject,
      decode,
      handle,
      retry: this.config.retry,
      ackWaitMs: this.config.ackWaitMs,
      concurrency: this.config.concurrency,
      prefetch: this.config.concurrency,
      logger: this.logger,
    });
    this.logger.log(`consumer ${this.runner.durable} started`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }
}

/** A decoder that takes only events of type `type`: anything else is dead-lettered undecoded. */
export function decodeOnly<E extends { readonly type: string }, T extends E['type']>(
  decode: (envelope: EventEnvelope) => E,
  type: T,
): (envelope: EventEnvelope) => Extract<E, { readonly type: T }> {
  return (envelope) => {
    const event = decode(envelope);
    if (event.type !== type) throw new DecodeError(`Expected ${type}, got ${event.type}`);
    return event as Extract<E, { readonly type: T }>;
  };
}
