import { PersonalField, type ActeSubmission, type PesSubmission, type TransmissionEvent } from '@relais/domain';
import type { KeyRing, OpenedField } from './key-ring.js';
import { fieldAad, isSealed, sealField } from './sealed-field.js';

/*
 * Which values of a transmission's history are personal, and how each is sealed and shown. The key is
 * the transmission's own (its id is the subject), and each field is bound to its name (PersonalField).
 * An empty value stays empty: it names no one, and validation must still see it is empty.
 */

type Received = Extract<TransmissionEvent, { type: 'TransmissionReceived' }>;
type Letter = Extract<TransmissionEvent, { type: 'TransmissionLetterReceived' }>;

/** An acte as it may be shown: its objet in clear, or null once it cannot be read any more. */
export type ShownActe = Omit<ActeSubmission, 'objet'> & { readonly objet: string | null };

/** A transmission event as it may be shown: its personal fields in clear, or null once shredded. */
export type ShownEvent =
  | Exclude<TransmissionEvent, Received | Letter>
  | { readonly type: 'TransmissionReceived'; readonly data: Omit<Received['data'], 'submission'> & { readonly submission: ShownActe | PesSubmission } }
  | { readonly type: 'TransmissionLetterReceived'; readonly data: Omit<Letter['data'], 'text'> & { readonly text: string | null } };

/** `text` of `field` sealed with the transmission's key; empty and already sealed values as they are. Pure. */
export function sealPersonalField(transmissionId: string, key: Uint8Array, field: PersonalField, text: string): string {
  if (text === '' || isSealed(text)) return text;
  return sealField(key, text, fieldAad(transmissionId, field));
}

/** The acte with its personal fields sealed with the transmission's key. Pure and deterministic. */
export function sealActe(transmissionId: string, key: Uint8Array, acte: ActeSubmission): ActeSubmission {
  return { ...acte, objet: sealPersonalField(transmissionId, key, PersonalField.Objet, acte.objet) };
}

/**
 * The acte with its personal fields in clear (as they were submitted), or why not.
 * @throws PrivacyError `PRIVACY.SEALED_FIELD_UNREADABLE` for a sealed value that does not open
 */
export function openActe(
  transmissionId: string,
  acte: ActeSubmission,
  ring: KeyRing,
): { readonly ok: true; readonly acte: ActeSubmission } | Extract<OpenedField, { ok: false }> {
  const objet = ring.open(transmissionId, PersonalField.Objet, acte.objet);
  return objet.ok ? { ok: true, acte: { ...acte, objet: objet.text } } : objet;
}

/**
 * The event as it may be shown: each personal field opened with the ring, null when it cannot be any
 * more; a plain value (stored before sealing began) as it is. Pure given the ring.
 * @throws PrivacyError `PRIVACY.SEALED_FIELD_UNREADABLE` for a sealed value that does not open
 */
export function revealEvent(event: TransmissionEvent, ring: KeyRing): ShownEvent {
  const id = event.data.transmissionId;
  if (event.type === 'TransmissionReceived' && event.data.submission.kind === 'acte') {
    const s = event.data.submission;
    return { ...event, data: { ...event.data, submission: { ...s, objet: ring.reveal(id, PersonalField.Objet, s.objet) } } };
  }
  if (event.type === 'TransmissionLetterReceived') {
    return { ...event, data: { ...event.data, text: ring.reveal(id, PersonalField.LetterText, event.data.text) } };
  }
  // No other event holds a personal field (docs/personal-data.md says why for each).
  return event;
}
