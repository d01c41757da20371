import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TransmissionCancellationRequested } from '@relais/domain';
import { MessagingNames, NATS_CONNECTION, type EventEnvelope } from '@relais/messaging';
import { decodeTransmissionEvent, transmissionEvents } from '@relais/service-kit';
import { CancellationHandler } from './cancellation.handler.js';
import type { TransmitterConfig } from '../config.js';
import { decodeOnly, OutboundConsumer, type OutboundConsumerSpec } from '../messages/outbound.consumer.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';

/** Durable consumer name (without namespace) of the cancellation requests. */
export const CANCELLATION_CONSUMER = 'transmitter-cancellation';

/** A relayed envelope as a cancellation request; anything else is dead-lettered undecoded. */
export const decodeCancellationRequest: (envelope: EventEnvelope) => TransmissionCancellationRequested = decodeOnly(decodeTransmissionEvent, 'TransmissionCancellationRequested');

/** The 6-1 to send: each TransmissionCancellationRequested relayed from the log to the cancellation handler. */
@Injectable()
export class CancellationConsumer extends OutboundConsumer<TransmissionCancellationRequested> {
  protected readonly logger = new Logger('CancellationConsumer');

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    names: MessagingNames,
    private readonly handler: CancellationHandler,
    @Inject(TRANSMITTER_CONFIG) config: TransmitterConfig,
  ) {
    super(nc, names, config);
  }

  protected spec(): OutboundConsumerSpec<TransmissionCancellationRequested> {
    return {
      consumer: CANCELLATION_CONSUMER,
      filterSubject: transmissionEvents('TransmissionCancellationRequested'),
      decode: decodeCancellationRequest,
      handle: (event, context) => this.handler.send(event.data.transmissionId, context.messageId),
    };
  }
}
