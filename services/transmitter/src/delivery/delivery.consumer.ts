import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TransmissionRetryRequested, TransmissionRouted } from '@relais/domain';
import {
  DecodeError,
  MessagingNames,
  NATS_CONNECTION,
  startConsumer,
  type ConsumerRunner,
  type EventEnvelope,
  type MessageContext,
} from '@relais/messaging';
import { decodeTransmissionEvent, transmissionEvents } from '@relais/service-kit';
import type { TransmitterConfig } from '../config.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { DeliveryHandler } from './delivery.handler.js';

/** The events that ask for a delivery. */
export type DeliveryTrigger = TransmissionRouted | TransmissionRetryRequested;

/** Durable consumer names (without namespace): one per event type, a 2.9 server filters on one subject. */
export const DELIVERY_CONSUMERS = {
  TransmissionRouted: 'transmitter-routed',
  TransmissionRetryRequested: 'transmitter-retry',
} as const satisfies Record<DeliveryTrigger['type'], string>;

/** A relayed envelope as a delivery trigger; anything else is dead-lettered undecoded. */
export function decodeTrigger(envelope: EventEnvelope): DeliveryTrigger {
  const event = decodeTransmissionEvent(envelope);
  if (event.type !== 'TransmissionRouted' && event.type !== 'TransmissionRetryRequested') {
    throw new DecodeError(`Expected TransmissionRouted or TransmissionRetryRequested, got ${event.type}`);
  }
  return event;
}

/**
 * Transport only: TransmissionRouted and TransmissionRetryRequested, relayed from the log, each go to
 * the delivery handler. The consumers are started here rather than with `@JetStreamHandler` because
 * their retry policy, ack wait and concurrency are settings read at start-up. Prefetch is kept to the
 * concurrency: a message waiting in a buffer gets no "working" signal and would be handed to another
 * replica when its ack wait ran out.
 */
@Injectable()
export class DeliveryConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryConsumer');
  private runners: ConsumerRunner[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly handler: DeliveryHandler,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const type of ['TransmissionRouted', 'TransmissionRetryRequested'] as const) {
      const runner = await startConsumer(this.nc, {
        namespace: this.names.namespace,
        consumer: DELIVERY_CONSUMERS[type],
        filterSubject: transmissionEvents(type),
        decode: decodeTrigger,
        handle: (event, context) => this.onTrigger(event, context),
        retry: this.config.retry,
        ackWaitMs: this.config.ackWaitMs,
        concurrency: this.config.concurrency,
        prefetch: this.config.concurrency,
        logger: this.logger,
      });
      this.runners.push(runner);
      this.logger.log(`consumer ${runner.durable} started`);
    }
  }

  private async onTrigger(event: DeliveryTrigger, context: MessageContext): Promise<void> {
    await this.handler.deliver({
      transmissionId: event.data.transmissionId,
      messageId: context.messageId,
      deliveryCount: context.deliveryCount,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Deliveries waiting for a transmission window would hold the stop for up to a window.
    this.handler.stopWaiting();
    const runners = this.runners;
    this.runners = [];
    await Promise.all(runners.map((runner) => runner.stop()));
  }
}
