import { Injectable } from '@nestjs/common';
import { DecodeError, JetStreamHandler, type EventEnvelope, type MessageContext } from '@relais/messaging';
import { PES_RETOUR_RECEIVED, pesRetourEvents, pesRetourFromData, type PesRetour } from '@relais/service-kit';
import { PES_RETOURS_CONSUMER, PesRetourNotificationHandler } from './pes-retour-notification.handler.js';

/** The relayed envelope as a PES_Retour's arrival; anything else is dead-lettered undecoded. */
export function decodePesRetour(envelope: EventEnvelope): PesRetour {
  if (envelope.type !== PES_RETOUR_RECEIVED) throw new DecodeError(`Expected ${PES_RETOUR_RECEIVED}, got ${envelope.type}`);
  try {
    return pesRetourFromData(envelope.data);
  } catch (error) {
    throw new DecodeError(`Undecodable ${PES_RETOUR_RECEIVED}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Transport only: every PES_Retour arrival relayed from the log goes to the handler. */
@Injectable()
export class PesRetourNotificationController {
  constructor(private readonly handler: PesRetourNotificationHandler) {}

  @JetStreamHandler({
    consumer: PES_RETOURS_CONSUMER,
    filterSubject: pesRetourEvents(),
    decode: decodePesRetour,
    // Safe out of order: the handler plans a collectivité's retours from its stream in the log.
    concurrency: 4,
  })
  async onArrival(_retour: PesRetour, context: MessageContext): Promise<void> {
    await this.handler.handle(context.envelope, context.messageId);
  }
}
