import { Injectable } from '@nestjs/common';
import { handleOnce, type EventEnvelope } from '@relais/messaging';
import { activeWebhooks } from '@relais/service-kit';
import { addDeliveries, deliveryIdOf, type NewDelivery } from '../deliveries/delivery-outbox.js';
import { DeliverySender } from '../deliveries/delivery-sender.js';
import type { NotificationOutcome } from '../deliveries/notification.handler.js';
import { WebhookPresence } from '../deliveries/webhook-presence.js';
import { NotifierResources } from '../notifier.resources.js';
import { PES_RETOUR_EVENT_TYPE, pesRetourBody, pesRetourNotificationsOf } from './pes-retour-plan.js';

/** The consumer's name: durable `<ns>_notifier-pes-retours`, its inbox rows under this name. */
export const PES_RETOURS_CONSUMER = 'notifier-pes-retours';

/**
 * Turns a PES_Retour's arrival into deliveries: one per active webhook of the collectivité it was
 * routed to (registered before the arrival was recorded), in the same transaction as the inbox row of
 * the message. The collectivité's retours form one ordering line (`pesretours-<siren>`), apart from its
 * transmissions: its stream up to the event is read and every arrival of it (re)planned, so a later
 * retour is never committed without the earlier ones; delivery ids are derived from the event and the
 * webhook, and rows already there are left alone, so nothing is added twice.
 */
@Injectable()
export class PesRetourNotificationHandler {
  constructor(
    private readonly resources: NotifierResources,
    private readonly sender: DeliverySender,
    private readonly presence: WebhookPresence,
  ) {}

  async handle(envelope: EventEnvelope, messageId: string): Promise<NotificationOutcome> {
    if (!(await this.presence.mayBeHeard(new Date(envelope.recordedAt)))) return { notified: false };
    const { store, pool } = this.resources;
    const history = await store.readStream(envelope.streamId, { toVersion: BigInt(envelope.streamVersion) });
    if (history.at(-1)?.eventId !== envelope.eventId) {
      throw new Error(`event ${envelope.eventId} is not version ${envelope.streamVersion} of ${envelope.streamId} in the log`);
    }
    const notifications = pesRetourNotificationsOf(history);
    const siren = notifications.at(-1)?.retour.siren;
    if (siren === undefined) return { notified: false };

    const result = await handleOnce(pool, PES_RETOURS_CONSUMER, messageId, async (client) => {
      const webhooks = await activeWebhooks(client, siren);
      const deliveries: NewDelivery[] = notifications.flatMap((notification) =>
        webhooks
          // A webhook hears of the retours that arrived once it was registered, not of those before.
          .filter((webhook) => new Date(webhook.createdAt).getTime() <= notification.recordedAt.getTime())
          .map((webhook) => {
            const id = deliveryIdOf(notification.eventId, webhook.id);
            return {
              id,
              webhookId: webhook.id,
              transmissionId: notification.line,
              sequence: notification.sequence,
              eventId: notification.eventId,
              eventType: PES_RETOUR_EVENT_TYPE,
              body: pesRetourBody(id, webhook.id, notification),
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
