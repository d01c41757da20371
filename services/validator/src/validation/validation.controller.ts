import { Injectable } from '@nestjs/common';
import type { TransmissionReceived } from '@relais/domain';
import { DecodeError, JetStreamHandler, type EventEnvelope, type MessageContext } from '@relais/messaging';
import { decodeTransmissionEvent, transmissionEvents } from '@relais/service-kit';
import { ValidationHandler } from './validation.handler.js';

/** The relayed envelope as a TransmissionReceived; anything else is dead-lettered undecoded. */
export function decodeReceived(envelope: EventEnvelope): TransmissionReceived {
  const event = decodeTransmissionEvent(envelope);
  if (event.type !== 'TransmissionReceived') throw new DecodeError(`Expected TransmissionReceived, got ${event.type}`);
  return event;
}

/** Transport only: every TransmissionReceived relayed from the log goes to the handler. */
@Injectable()
export class ValidationController {
  constructor(private readonly handler: ValidationHandler) {}

  @JetStreamHandler({
    consumer: 'validator',
    filterSubject: transmissionEvents('TransmissionReceived'),
    decode: decodeReceived,
    // Transmissions are independent (each append is checked against its own stream's version, each
    // numéro claim is one atomic insert): one at a time would cap the platform at one validation per
    // round trip.
    concurrency: 16,
  })
  async onReceived(event: TransmissionReceived, context: MessageContext): Promise<void> {
    await this.handler.handle(event, context.messageId);
  }
}
