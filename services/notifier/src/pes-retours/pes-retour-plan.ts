import type { JsonObject, StoredEvent } from '@relais/event-store';
import { PES_RETOUR_RECEIVED, pesRetourFromData, type PesRetour } from '@relais/service-kit';

/** The event type webhooks see for a PES_Retour's arrival (the stored type is `relais.pes.v1.PesRetourReceived`). */
export const PES_RETOUR_EVENT_TYPE = 'PesRetourReceived';

/** One PES_Retour arrival a collectivité's webhooks are told about. */
export interface PesRetourNotification {
  readonly eventId: string;
  /** The ordering line of the collectivité's retours (`pesretours-<siren>`, its stream): deliveries go in order within it. */
  readonly line: string;
  /** The event's version in that stream. */
  readonly sequence: number;
  readonly recordedAt: Date;
  readonly data: JsonObject;
  readonly retour: PesRetour;
}

/**
 * The notifications of a collectivité's PES_Retour stream (its events in stream order): one per
 * arrival. Pure and deterministic, so planning again after a redelivery changes nothing.
 */
export function pesRetourNotificationsOf(history: readonly StoredEvent[]): PesRetourNotification[] {
  return history
    .filter((stored) => stored.type === PES_RETOUR_RECEIVED)
    .map((stored) => ({
      eventId: stored.eventId,
      line: stored.streamId,
      sequence: Number(stored.streamVersion),
      recordedAt: stored.recordedAt,
      data: stored.data,
      retour: pesRetourFromData(stored.data),
    }));
}

/** What a webhook receives for a PES_Retour: the exact bytes signed, the same on every attempt. */
export interface PesRetourBody {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly event: {
    readonly id: string;
    readonly type: typeof PES_RETOUR_EVENT_TYPE;
    /** When the retour was collected from the DGFiP. */
    readonly at: string;
    readonly recordedAt: string;
    readonly data: JsonObject;
  };
  readonly retour: {
    readonly id: string;
    readonly siren: string;
    readonly receivedAt: string;
    readonly siret: string;
    readonly fileName: string;
    readonly nomFic: string;
    readonly idPost: string;
    readonly codCol: string;
    readonly size: number;
    readonly sha256: string;
    /** Where the collectivité fetches the XML: `GET /api/v1/pes/retours/{id}/file` on the gateway. */
    readonly href: string;
  };
}

/** The JSON body of the delivery of `notification` to webhook `webhookId`. Pure. */
export function pesRetourBody(deliveryId: string, webhookId: string, notification: PesRetourNotification): string {
  const { retour } = notification;
  const body: PesRetourBody = {
    deliveryId,
    webhookId,
    event: {
      id: notification.eventId,
      type: PES_RETOUR_EVENT_TYPE,
      at: retour.receivedAt,
      recordedAt: notification.recordedAt.toISOString(),
      data: notification.data,
    },
    retour: {
      id: retour.id,
      siren: retour.siren,
      receivedAt: retour.receivedAt,
      siret: retour.siret,
      fileName: retour.fileName,
      nomFic: retour.nomFic,
      idPost: retour.idPost,
      codCol: retour.codCol,
      size: retour.size,
      sha256: retour.sha256,
      href: `/api/v1/pes/retours/${retour.id}/file`,
    },
  };
  return JSON.stringify(body);
}
