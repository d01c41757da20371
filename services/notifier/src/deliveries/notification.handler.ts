import { Injectable } from '@nestjs/common';
import { handleOnce, type EventEnvelope } from '@relais/messaging';
import { activeWebhooks } from '@relais/service-kit';
import { NotifierResources } from '../notifier.resources.js';
import { addDeliveries, deliveryIdOf, type NewDelivery } from './delivery-outbox.js';
import { DeliverySender } from './delivery-sender.js';
import { notificationBody, notificationsOf } from './notification-plan.js';
import { WebhookPresence } from './webhook-presence.js';

/** The consumer's name: durable `<ns>_notifier`, its inbox rows under this name. */
export const NOTIFIER_CONSUMER = 'notifier';

/** What handling one event did. */
export type NotificationOutcome = { readonly notified: false } | { readonly notified: true; readonly added: number };

/**
 * Turns a transmission event into deliveries: when the event changes the transmission's status or
 * carries a message from the State, one delivery per active webhook of its collectivité (registered
 * before the event was recorded), in the same transaction as the inbox row of the message.
 *
 * The transmission's history up to the event is read from the log, and every notification of it is
 * (re)planned, not only this event's: a delivery of a later event is never committed without the
 * earlier ones of its transmission, even when JetStream hands the events over out of order (a failed
 * handling retried after its successors). Delivery ids are derived from the event and the webhook, and
 * rows already there are left alone, so nothing is added twice.
 */
@Injectable()
export class NotificationHandler {
  constructor(
    private readonly resources: NotifierResources,
    private readonly sender: DeliverySender,
    private readonly presence: WebhookPresence,
  ) {}

  async handle(envelope: EventEnvelope, messageId: string): Promise<NotificationOutcome> {
    if (!(await this.presence.mayBeHeard(new Date(envelope.recordedAt)))) return { notified: false };
    const { store, pool } = this.resources;
    const history = await store.readStream(envelope.streamId, { toVersion: BigInt(envelope.streamVersion) });
    const last = history.at(-1);
    if (last?.eventId !== envelope.eventId) {
      throw new Error(`event ${envelope.eventId} is not version ${envelope.streamVersion} of ${envelope.streamId} in the log`);
    }
    const notifications = notificationsOf(history);
    if (notifications.at(-1)?.eventId !== last.eventId) return { notified: false };

    const result = await handleOnce(pool, NOTIFIER_CONSUMER, messageId, async (client) => {
      const siren = notifications[0]?.siren;
      if (siren === undefined) return 0;
      const webhooks = await activeWebhooks(client, siren);
      const deliveries: NewDelivery[] = notifications.flatMap((notification) =>
        webhooks
          // A webhook hears of what happened once it was registered, not of the history before it.
          .filter((webhook) => new Date(webhook.createdAt).getTime() <= notification.recordedAt.getTime())
          .map((webhook) => {
            const id = deliveryIdOf(notification.eventId, webhook.id);
            return {
              id,
              webhookId: webhook.id,
              transmissionId: notification.transmissionId,
              sequence: notification.sequence,
              eventId: notification.eventId,
              eventType: notification.type,
              body: notificationBody(id, webhook.id, notification),
            };
          }),
      );
      return addDeliveries(client, deliveries);
    });
    const added = result.processed ? result.result : 0;
    if (added > 0) this.sender.wake();
    return { notified: true, added };
  }
}
