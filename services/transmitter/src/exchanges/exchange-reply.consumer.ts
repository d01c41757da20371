import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TransmissionReplyRequested } from '@relais/domain';
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
import { ExchangeReplyHandler } from './exchange-reply.handler.js';

/** Durable consumer name (without namespace) of the answers to send. */
export const EXCHANGE_REPLY_CONSUMER = 'transmitter-exchange-reply';

/** A relayed envelope as a request to send an answer; anything else is dead-lettered undecoded. */
export function decodeReplyRequest(envelope: EventEnvelope): TransmissionReplyRequested {
  const event = decodeTransmissionEvent(envelope);
  if (event.type !== 'TransmissionReplyRequested') throw new DecodeError(`Expected TransmissionReplyRequested, got ${event.type}`);
  return event;
}

/**
 * Transport only: each TransmissionReplyRequested relayed from the log (the automatic 3-2 / 4-2, the
 * collectivité's answers) goes to the answer handler, with the delivery's retry policy: an answer that
 * did not get through comes back after the policy's delay, and is sent again byte for byte.
 */
@Injectable()
export class ExchangeReplyConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ExchangeReplyConsumer');
  private runner: ConsumerRunner | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly handler: ExchangeReplyHandler,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runner = await startConsumer(this.nc, {
      namespace: this.names.namespace,
      consumer: EXCHANGE_REPLY_CONSUMER,
      filterSubject: transmissionEvents('TransmissionReplyRequested'),
      decode: decodeReplyRequest,
      handle: (event, context: MessageContext) => {
        const { transmissionId, exchange, code } = event.data;
        return this.handler.send({ transmissionId, exchange, code, messageId: context.messageId });
      },
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
