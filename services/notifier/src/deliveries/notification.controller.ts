import { Injectable } from '@nestjs/common';
import type { TransmissionEvent } from '@relais/domain';
import { JetStreamHandler, type MessageContext } from '@relais/messaging';
import { decodeTransmissionEvent, transmissionEvents } from '@relais/service-kit';
import { NOTIFIER_CONSUMER, NotificationHandler } from './notification.handler.js';

/** Transport only: every transmission event relayed from the log goes to the handler. */
@Injectable()
export class NotificationController {
  constructor(private readonly handler: NotificationHandler) {}

  @JetStreamHandler({
    consumer: NOTIFIER_CONSUMER,
    filterSubject: transmissionEvents(),
    decode: decodeTransmissionEvent,
    // Safe out of order: the handler plans a transmission's notifications from its history in the log.
    concurrency: 8,
  })
  async onEvent(_event: TransmissionEvent, context: MessageContext): Promise<void> {
    await this.handler.handle(context.envelope, context.messageId);
  }
}
