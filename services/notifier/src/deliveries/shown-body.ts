import type { TransmissionEvent } from '@relais/domain';
import { revealEvent, SEALED_PREFIX, type PersonalDataKeys } from '@relais/privacy';
import { revealView } from '@relais/read-models';
import type { NotificationBody } from './notification-plan.js';

/**
 * A delivery's body as it is sent: the outbox keeps the personal fields sealed, as the log does, and
 * they are opened with the transmission's key just before each attempt (null once shredded), so that
 * no plaintext waits in `webhook_deliveries` and a shredding also reaches deliveries not yet made. A
 * body without a sealed value (every body of a transmission stored before sealing, every PES_Retour)
 * goes as stored, byte for byte.
 */
export async function shownBody(keys: PersonalDataKeys, stored: string): Promise<string> {
  if (!stored.includes(SEALED_PREFIX)) return stored;
  const body = JSON.parse(stored) as NotificationBody;
  const ring = await keys.ring([body.event.transmissionId]);
  // The body was made from a decoded event: its type and data are a TransmissionEvent's.
  const event = revealEvent({ type: body.event.type, data: body.event.data } as TransmissionEvent, ring);
  return JSON.stringify({ ...body, event: { ...body.event, data: event.data }, transmission: revealView(body.transmission, ring) });
}
