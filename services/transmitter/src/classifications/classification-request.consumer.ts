import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClassificationEvent } from '@relais/domain';
import { MessagingNames, NATS_CONNECTION, type EventEnvelope } from '@relais/messaging';
import { collectiviteEvents, decodeClassificationEvent } from '@relais/service-kit';
import { ClassificationRequestHandler } from './classification-request.handler.js';
import type { TransmitterConfig } from '../config.js';
import { decodeOnly, OutboundConsumer, type OutboundConsumerSpec } from '../messages/outbound.consumer.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';

type ClassificationRequested = Extract<ClassificationEvent, { type: 'ClassificationRequested' }>;

/** Durable consumer name (without namespace) of the 7-1 to send. */
export const CLASSIFICATION_REQUEST_CONSUMER = 'transmitter-classification-request';

/** A relayed envelope as a classification request; anything else is dead-lettered undecoded. */
export const decodeClassificationRequest: (envelope: EventEnvelope) => ClassificationRequested = decodeOnly(decodeClassificationEvent, 'ClassificationRequested');

/** The 7-1 to send: each ClassificationRequested relayed from a collectivité's stream to the 7-1 handler. */
@Injectable()
export class ClassificationRequestConsumer extends OutboundConsumer<ClassificationRequested> {
  protected readonly logger = new Logger('ClassificationRequestConsumer');

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    names: MessagingNames,
    private readonly handler: ClassificationRequestHandler,
    @Inject(TRANSMITTER_CONFIG) config: TransmitterConfig,
  ) {
    super(nc, names, config);
  }

  protected spec(): OutboundConsumerSpec<ClassificationRequested> {
    return {
      consumer: CLASSIFICATION_REQUEST_CONSUMER,
      filterSubject: collectiviteEvents('ClassificationRequested'),
      decode: decodeClassificationRequest,
      handle: (event, context) => this.handler.send({ siren: event.data.siren, requestId: event.data.requestId, messageId: context.messageId }),
    };
  }
}
