import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TransmissionCancellationRequested } from '@relais/domain';
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
import { CancellationHandler } from './cancellation.handler.js';

/** Durable consumer name (without namespace) of the cancellation requests. */
export const CANCELLATION_CONSUMER = 'transmitter-cancellation';

/** A relayed envelope as a cancellation request; anything else is dead-lettered undecoded. */
export function decodeCancellationRequest(envelope: EventEnvelope): TransmissionCancellationRequested {
  const event = decodeTransmissionEvent(envelope);
  if (event.type !== 'TransmissionCancellationRequested') {
    throw new DecodeError(`Expected TransmissionCancellationRequested, got ${event.type}`);
  }
  return event;
}

/**
 * Transport only: each TransmissionCancellationRequested relayed from the log goes to the
 * cancellation handler, with the delivery's retry policy (a 6-1 that did not get through comes back
 * after the policy's delay, and is sent again byte for byte).
 */
@Injectable()
export class CancellationConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CancellationConsumer');
  private runner: ConsumerRunner | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly handler: CancellationHandler,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runner = await startConsumer(this.nc, {
      namespace: this.names.namespace,
      consumer: CANCELLATION_CONSUMER,
      filterSubject: transmissionEvents('TransmissionCancellationRequested'),
      decode: decodeCancellationRequest,
      handle: (event, context: MessageContext) => this.handler.send(event.data.transmissionId, context.messageId),
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
