import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClassificationEvent } from '@relais/domain';
import {
  DecodeError,
  MessagingNames,
  NATS_CONNECTION,
  startConsumer,
  type ConsumerRunner,
  type EventEnvelope,
  type MessageContext,
} from '@relais/messaging';
import { collectiviteEvents, decodeClassificationEvent } from '@relais/service-kit';
import type { TransmitterConfig } from '../config.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { ClassificationRequestHandler } from './classification-request.handler.js';

/** Durable consumer name (without namespace) of the 7-1 to send. */
export const CLASSIFICATION_REQUEST_CONSUMER = 'transmitter-classification-request';

type ClassificationRequested = Extract<ClassificationEvent, { type: 'ClassificationRequested' }>;

/** A relayed envelope as a classification request; anything else is dead-lettered undecoded. */
export function decodeClassificationRequest(envelope: EventEnvelope): ClassificationRequested {
  const event = decodeClassificationEvent(envelope);
  if (event.type !== 'ClassificationRequested') throw new DecodeError(`Expected ClassificationRequested, got ${event.type}`);
  return event;
}

/**
 * Transport only: each ClassificationRequested relayed from a collectivité's stream goes to the 7-1
 * handler, with the delivery's retry policy (a 7-1 that did not get through comes back after the
 * policy's delay, and is sent again byte for byte).
 */
@Injectable()
export class ClassificationRequestConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ClassificationRequestConsumer');
  private runner: ConsumerRunner | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly handler: ClassificationRequestHandler,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runner = await startConsumer(this.nc, {
      namespace: this.names.namespace,
      consumer: CLASSIFICATION_REQUEST_CONSUMER,
      filterSubject: collectiviteEvents('ClassificationRequested'),
      decode: decodeClassificationRequest,
      handle: (event, context: MessageContext) =>
        this.handler.send({ siren: event.data.siren, requestId: event.data.requestId, messageId: context.messageId }),
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
