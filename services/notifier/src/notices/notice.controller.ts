import { Injectable } from '@nestjs/common';
import type { TransmissionEvent } from '@relais/domain';
import { JetStreamHandler, type MessageContext } from '@relais/messaging';
import { decodeTransmissionEvent, transmissionEvents } from '@relais/service-kit';
import { NOTICES_CONSUMER, NoticeHandler } from './notice.handler.js';

/**
 * Transport only: every transmission event relayed from the log goes to the handler. The consumer runs
 * even without an SMTP server, so that configuring one later does not e-mail the whole past.
 */
@Injectable()
export class NoticeController {
  constructor(private readonly handler: NoticeHandler) {}

  @JetStreamHandler({
    consumer: NOTICES_CONSUMER,
    filterSubject: transmissionEvents(),
    decode: decodeTransmissionEvent,
    // Safe out of order: each notice stands alone, keyed by its event and user.
    concurrency: 4,
  })
  async onEvent(_event: TransmissionEvent, context: MessageContext): Promise<void> {
    await this.handler.handle(context.envelope, context.messageId);
  }
}
