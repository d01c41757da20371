import { Inject, Injectable } from '@nestjs/common';
import { handleOnce, type EventEnvelope } from '@relais/messaging';
import type { NotifierConfig } from '../config.js';
import { NotifierResources } from '../notifier.resources.js';
import { NOTIFIER_CONFIG } from '../tokens.js';
import { noticeMail } from './notice-mail.js';
import { addNoticeMails, type NewNoticeMail } from './notice-outbox.js';
import { noticeEventOf, noticeRecipients } from './notice-plan.js';
import { NoticeSender } from './notice-sender.js';
import { anySubscriber, subscribersOf } from './notice-subscribers.js';

/** The consumer's name: durable `<ns>_notifier-notices`, its inbox rows under this name. */
export const NOTICES_CONSUMER = 'notifier-notices';

/** What handling one event did: how many e-mails it queued. */
export interface NoticeOutcome {
  readonly queued: number;
}

/**
 * Turns a transmission event into e-mail notices: when it changes the transmission's status or
 * records a message of the préfecture, one notice per named user who asked for that status or message
 * and may hear of the collectivité, queued in the same transaction as the inbox row of the message.
 * Notices are keyed by event and user, so a redelivered or republished event queues nothing twice.
 * Without an SMTP server nothing is queued (the sender said so once at start).
 */
@Injectable()
export class NoticeHandler {
  constructor(
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    private readonly resources: NotifierResources,
    private readonly sender: NoticeSender,
  ) {}

  async handle(envelope: EventEnvelope, messageId: string): Promise<NoticeOutcome> {
    const settings = this.config.notices;
    const { store, pool } = this.resources;
    if (settings === undefined || !(await anySubscriber(pool))) return { queued: 0 };
    const history = await store.readStream(envelope.streamId, { toVersion: BigInt(envelope.streamVersion) });
    if (history.at(-1)?.eventId !== envelope.eventId) {
      throw new Error(`event ${envelope.eventId} is not version ${envelope.streamVersion} of ${envelope.streamId} in the log`);
    }
    const event = noticeEventOf(history);
    if (event === undefined) return { queued: 0 };
    const recipients = noticeRecipients(event, await subscribersOf(pool, event.siren));
    if (recipients.length === 0) return { queued: 0 };
    const mails: NewNoticeMail[] = recipients.map((recipient) => ({
      eventId: event.eventId,
      userId: recipient.userId,
      transmissionId: event.transmissionId,
      ...noticeMail(event, recipient, settings),
    }));
    const result = await handleOnce(pool, NOTICES_CONSUMER, messageId, (client) => addNoticeMails(client, mails));
    const queued = result.processed ? result.result : 0;
    if (queued > 0) this.sender.wake();
    return { queued };
  }
}
