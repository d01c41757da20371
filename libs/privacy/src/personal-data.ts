import { PersonalField, type ActeSubmission, type TransmissionEvent } from '@relais/domain';
import type { Queryable } from '@relais/event-store';
import type { KeyRing } from './key-ring.js';
import { PersonalDataKeys } from './personal-data-keys.js';
import { isPrivacyError, PrivacyError, PrivacyErrorCode } from './privacy.errors.js';
import { openActe, revealEvent, sealActe, sealPersonalField, type ShownEvent } from './transmission-fields.js';

/**
 * What a service does with personal fields, over the key store: seal them as they come in (the
 * gateway's submissions, the transmitter's letters), open them where the plaintext is needed (the
 * validator, the archive, the receipt), and show them (the API, the read models, the webhooks).
 */
export class PersonalData {
  readonly keys: PersonalDataKeys;

  constructor(db: Queryable) {
    this.keys = new PersonalDataKeys(db);
  }

  /**
   * The acte with its personal fields sealed under the transmission's key, made now if it has none;
   * the same acte gives the same sealed acte (a retried submission is recognised as a repeat).
   * @throws PrivacyError `PRIVACY.PERSONAL_DATA_SHREDDED` when the transmission's personal data were shredded
   */
  async sealActe(transmissionId: string, acte: ActeSubmission): Promise<ActeSubmission> {
    return sealActe(transmissionId, await this.keys.keyFor(transmissionId), acte);
  }

  /** A letter's text sealed under the transmission's key; empty once its personal data were shredded (nothing more is kept of it). */
  async sealLetterText(transmissionId: string, text: string): Promise<string> {
    if (text === '') return text;
    try {
      return sealPersonalField(transmissionId, await this.keys.keyFor(transmissionId), PersonalField.LetterText, text);
    } catch (error) {
      if (isPrivacyError(error, PrivacyErrorCode.Shredded)) return '';
      throw error;
    }
  }

  /**
   * The acte with its personal fields in clear, for the work that needs them.
   * @throws PrivacyError `PRIVACY.PERSONAL_DATA_SHREDDED` (they were shredded), `PRIVACY.KEY_MISSING`
   *   (sealed, but the key store has no key for it), `PRIVACY.SEALED_FIELD_UNREADABLE`
   */
  async openActe(transmissionId: string, acte: ActeSubmission): Promise<ActeSubmission> {
    const opened = openActe(transmissionId, acte, await this.keys.ring([transmissionId]));
    if (opened.ok) return opened.acte;
    if (opened.reason === 'shredded') {
      throw new PrivacyError(PrivacyErrorCode.Shredded, `The personal data of transmission ${transmissionId} were shredded`);
    }
    throw new PrivacyError(PrivacyErrorCode.KeyMissing, `Transmission ${transmissionId} has sealed personal data but no key`);
  }

  /** The events of one transmission as they may be shown (see {@link revealEvent}). */
  async revealEvents(transmissionId: string, events: readonly TransmissionEvent[]): Promise<ShownEvent[]> {
    const ring = await this.keys.ring([transmissionId]);
    return events.map((event) => revealEvent(event, ring));
  }

  /** The keys of `transmissionIds` in one query. */
  ring(transmissionIds: readonly string[]): Promise<KeyRing> {
    return this.keys.ring(transmissionIds);
  }
}
