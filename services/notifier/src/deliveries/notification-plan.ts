import { fromStored, type TransmissionEvent, type TransmissionStatus } from '@relais/domain';
import type { StoredEvent } from '@relais/event-store';
import { evolveTransmissionView, type TransmissionView } from '@relais/read-models';

/** The events that carry a message from the State (préfecture or DGFiP): always notified. */
export const STATE_MESSAGES: ReadonlySet<TransmissionEvent['type']> = new Set<TransmissionEvent['type']>([
  'TransmissionAcknowledged',
  'TransmissionNacked',
  'TransmissionPartiallyAccepted',
  'TransmissionCancelled',
  'TransmissionLetterReceived',
  'TransmissionReplyAcknowledged',
]);

/** One event a collectivité's webhooks are told about. */
export interface Notification {
  readonly eventId: string;
  /** The event's version in its transmission's stream: the order of the notifications of a transmission. */
  readonly sequence: number;
  readonly type: TransmissionEvent['type'];
  readonly transmissionId: string;
  readonly siren: string;
  /** The transmission's status once the event happened. */
  readonly status: TransmissionStatus;
  /** When the fact happened (the event's `at`). */
  readonly at: string;
  /** When the log recorded it. */
  readonly recordedAt: Date;
  readonly data: TransmissionEvent['data'];
  /** The transmission as it stood right after the event, in the shape of `GET /api/v1/transmissions/{id}`. */
  readonly transmission: TransmissionView;
}

/**
 * The notifications of a transmission's history (its events in stream order): every event that changes
 * its status, and every message from the State. Pure and deterministic: the same history gives the same
 * notifications, so planning again after a redelivery or a crash changes nothing.
 */
export function notificationsOf(history: readonly StoredEvent[]): Notification[] {
  const notifications: Notification[] = [];
  let view: TransmissionView | undefined;
  for (const stored of history) {
    const event = fromStored(stored.type, stored.data);
    const before = view?.status;
    view = evolveTransmissionView(view, event, { recordedAt: stored.recordedAt, streamId: stored.streamId });
    if (view === undefined || (view.status === before && !STATE_MESSAGES.has(event.type))) continue;
    notifications.push({
      eventId: stored.eventId,
      sequence: Number(stored.streamVersion),
      type: event.type,
      transmissionId: view.id,
      siren: view.siren,
      status: view.status,
      at: event.data.at,
      recordedAt: stored.recordedAt,
      data: event.data,
      transmission: view,
    });
  }
  return notifications;
}

/**
 * What a webhook receives: the exact bytes signed, the same on every attempt, but for the personal
 * fields, which the outbox keeps sealed and each attempt opens (shownBody): null once shredded.
 */
export interface NotificationBody {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly event: {
    readonly id: string;
    readonly sequence: number;
    readonly type: string;
    readonly transmissionId: string;
    readonly status: TransmissionStatus;
    readonly at: string;
    readonly recordedAt: string;
    readonly data: TransmissionEvent['data'];
  };
  readonly transmission: TransmissionView;
}

/** The JSON body of the delivery of `notification` to webhook `webhookId`. */
export function notificationBody(deliveryId: string, webhookId: string, notification: Notification): string {
  const n = notification;
  const body: NotificationBody = {
    deliveryId,
    webhookId,
    event: {
      id: n.eventId,
      sequence: n.sequence,
      type: n.type,
      transmissionId: n.transmissionId,
      status: n.status,
      at: n.at,
      recordedAt: n.recordedAt.toISOString(),
      data: n.data,
    },
    transmission: n.transmission,
  };
  return JSON.stringify(body);
}
