import { Injectable } from '@nestjs/common';
import type { TransmissionValidated } from '@relais/domain';
import { DecodeError, JetStreamHandler, type EventEnvelope, type MessageContext } from '@relais/messaging';
import { decodeTransmissionEvent, transmissionEvents } from '@relais/service-kit';
import { RoutingHandler } from './routing.handler.js';

/** The relayed envelope as a TransmissionValidated; anything else is dead-lettered undecoded. */
export function decodeValidated(envelope: EventEnvelope): TransmissionValidated {
  const event = decodeTransmissionEvent(envelope);
  if (event.type !== 'TransmissionValidated') throw new DecodeError(`Expected TransmissionValidated, got ${event.type}`);
  return event;
}

/** Transport only: every TransmissionValidated relayed from the log goes to the handler. */
@Injectable()
export class RoutingController {
  constructor(private readonly handler: RoutingHandler) {}

  @JetStreamHandler({
    consumer: 'router',
    filterSubject: transmissionEvents('TransmissionValidated'),
    decode: decodeValidated,
    // Transmissions are independent: each Route is appended against its own stream's version.
    concurrency: 16,
  })
  async onValidated(event: TransmissionValidated, context: MessageContext): Promise<void> {
    await this.handler.handle(event.data.transmissionId, context.messageId);
  }
}
