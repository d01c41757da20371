import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TransmissionReplyRequested } from '@relais/domain';
import { MessagingNames, NATS_CONNECTION, type EventEnvelope } from '@relais/messaging';
import { decodeTransmissionEvent, transmissionEvents } from '@relais/service-kit';
import { ExchangeReplyHandler } from './exchange-reply.handler.js';
import type { TransmitterConfig } from '../config.js';
import { decodeOnly, OutboundConsumer, type OutboundConsumerSpec } from '../messages/outbound.consumer.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';

/** Durable consumer name (without namespace) of the answers to send. */
export const EXCHANGE_REPLY_CONSUMER = 'transmitter-exchange-reply';

/** A relayed envelope as a request to send an answer; anything else is dead-lettered undecoded. */
export const decodeReplyRequest: (envelope: EventEnvelope) => TransmissionReplyRequested = decodeOnly(decodeTransmissionEvent, 'TransmissionReplyRequested');

/** The answers to send: each TransmissionReplyRequested (the automatic 3-2 / 4-2, the collectivité's answers) to the answer handler. */
@Injectable()
export class ExchangeReplyConsumer extends OutboundConsumer<TransmissionReplyRequested> {
  protected readonly logger = new Logger('ExchangeReplyConsumer');

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    names: MessagingNames,
    private readonly handler: ExchangeReplyHandler,
    @Inject(TRANSMITTER_CONFIG) config: TransmitterConfig,
  ) {
    super(nc, names, config);
  }

  protected spec(): OutboundConsumerSpec<TransmissionReplyRequested> {
    return {
      consumer: EXCHANGE_REPLY_CONSUMER,
      filterSubject: transmissionEvents('TransmissionReplyRequested'),
      decode: decodeReplyRequest,
      handle: (event, context) => {
        const { transmissionId, exchange, code } = event.data;
        return this.handler.send({ transmissionId, exchange, code, messageId: context.messageId });
      },
    };
  }
}
