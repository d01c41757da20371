import type { UnpackedFile } from '@relais/actes';

import { isIsoDay } from './day.js';
import { readReceivedEnvelope } from './envelope.read.js';
import { SimError, SimErrorCode } from './sim.errors.js';
import { childTexts, rootElement } from './xml.read.js';

/** A well-formed 7-1 delivery, as the simulated ministry understood it. */
export interface ClassificationDelivery {
  readonly archiveName: string;
  readonly siren: string;
  readonly departement: string;
  readonly messageName: string;
  /** `DateClassification`: the classification the collectivité holds, `YYYY-MM-DD`, if it said. */
  readonly dateClassification: string | undefined;
}

/** The business file of a 7-1: `DPT-SIREN----7-1_n.xml` (no date, number or nature). */
export const CLASSIFICATION_REQUEST_FILE = /^([0-9]{2}[0-9AB])-([0-9]{9})----7-1_[0-9]+\.xml$/;

function invalid(message: string): SimError {
  return new SimError(SimErrorCode.InvalidClassificationRequest, message);
}

/**
 * Reads an unpacked 7-1 delivery: the envelope named after the archive lists the one
 * `DPT-SIREN----7-1_n.xml` message of its own department and SIREN, a `DemandeClassification` with at
 * most a `DateClassification` that is a date; nothing else is in the archive.
 * @throws SimError `SIM.INVALID_CLASSIFICATION_REQUEST`, `SIM.MALFORMED_XML` or an envelope's code
 */
export function readClassificationDelivery(archiveName: string, files: readonly UnpackedFile[]): ClassificationDelivery {
  const envelope = readReceivedEnvelope(archiveName, files, invalid);
  const messages = files.filter((file) => CLASSIFICATION_REQUEST_FILE.test(file.name));
  const [message] = messages;
  if (message === undefined || messages.length > 1 || files.length !== 2) {
    throw invalid(`A 7-1 archive holds its envelope and one DPT-SIREN----7-1_n.xml message; found ${files.length} files.`);
  }
  if (!envelope.formulaires.includes(message.name)) throw invalid(`${envelope.name} does not list ${message.name}.`);
  if (!message.name.startsWith(`${envelope.departement}-${envelope.siren}----`)) {
    throw invalid(`${message.name} is not named after the envelope's department ${envelope.departement} and SIREN ${envelope.siren}.`);
  }
  const root = rootElement(message.name, message.content, 'DemandeClassification', invalid);
  const dates = childTexts(root, 'DateClassification');
  const [dateClassification] = dates;
  if (dates.length > 1) throw invalid(`${message.name}: DateClassification is given ${dates.length} times.`);
  if (dateClassification !== undefined && !isIsoDay(dateClassification.trim())) {
    throw invalid(`${message.name}: DateClassification « ${dateClassification} » is not a YYYY-MM-DD date.`);
  }
  const extra = Object.keys(root).find((key) => !key.startsWith('@_') && key !== 'DateClassification');
  if (extra !== undefined) throw invalid(`${message.name}: a DemandeClassification holds at most a DateClassification, not ${extra}.`);
  return {
    archiveName,
    siren: envelope.siren,
    departement: envelope.departement,
    messageName: message.name,
    dateClassification: dateClassification?.trim(),
  };
}
