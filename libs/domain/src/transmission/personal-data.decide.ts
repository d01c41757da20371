import type { ShredPersonalData } from './transmission.commands.js';
import type { PersonalDataShredded } from './transmission.events.js';
import { existing, invalidCommand } from './transmission.guards.js';
import type { Transmission, TransmissionState } from './transmission.state.js';
import { PersonalField } from './transmission.values.js';

/** Longest reason of a shredding: a sentence or a ticket number, never a file. */
export const MAX_SHRED_REASON_LENGTH = 500;

/**
 * Records that the transmission's personal data are shredded, in whatever status it is (the status
 * does not change). Once is enough: asking again, for any reason, records nothing. The reason is kept
 * in clear for ever, so it is refused when empty, too long or on several lines.
 */
export function shredPersonalData(command: ShredPersonalData, state: TransmissionState): PersonalDataShredded[] {
  const t = existing(state, command);
  if (t.personalDataShredded !== undefined) return [];
  const { transmissionId, at, reason, requestedBy } = command.data;
  if (reason.trim() === '' || reason.length > MAX_SHRED_REASON_LENGTH || /[\r\n]/.test(reason)) {
    throw invalidCommand(command, `the reason must be one line of 1 to ${MAX_SHRED_REASON_LENGTH} characters`);
  }
  return [{ type: 'PersonalDataShredded', data: { transmissionId, at, fields: personalFieldsOf(t), reason, requestedBy } }];
}

/** The personal fields the transmission's history holds a value of. */
export function personalFieldsOf(t: Transmission): PersonalField[] {
  const fields: PersonalField[] = [];
  if (t.submission.kind === 'acte' && t.submission.objet !== '') fields.push(PersonalField.Objet);
  if (t.exchanges.some((exchange) => exchange.text !== '')) fields.push(PersonalField.LetterText);
  return fields;
}
