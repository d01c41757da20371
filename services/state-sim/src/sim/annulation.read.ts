import { ID_ACTE_REGEX, type UnpackedFile } from '@relais/actes';

import { readReceivedEnvelope } from './envelope.read.js';
import { SimError, SimErrorCode } from './sim.errors.js';
import { attribute, rootElement } from './xml.read.js';

/** A well-formed 6-1 delivery, as the simulated ministry understood it. */
export interface AnnulationDelivery {
  readonly archiveName: string;
  readonly siren: string;
  readonly departement: string;
  /** The IDActe the collectivité asks to cancel. */
  readonly idActe: string;
  /** The name of the `Annulation` message in the archive. */
  readonly messageName: string;
}

/** The business file of a 6-1: `IDActe-6-1_n.xml`. */
export const ANNULATION_FILE = /-6-1_[0-9]+\.xml$/;

function invalid(message: string): SimError {
  return new SimError(SimErrorCode.InvalidAnnulation, message);
}

/**
 * Reads an unpacked 6-1 delivery: one `EnveloppeCLMISILL` named after the archive and listing the
 * message, and one `Annulation` carrying the IDActe, of the envelope's SIREN.
 * @throws SimError `SIM.INVALID_ARCHIVE_NAME`, `SIM.MISSING_ENVELOPE`, `SIM.INVALID_ANNULATION`, `SIM.MALFORMED_XML`
 */
export function readAnnulationDelivery(archiveName: string, files: readonly UnpackedFile[]): AnnulationDelivery {
  const envelope = readReceivedEnvelope(archiveName, files, invalid);
  const messages = files.filter((file) => ANNULATION_FILE.test(file.name));
  const [message] = messages;
  if (message === undefined || messages.length > 1 || files.length !== 2) {
    throw invalid(`A 6-1 archive holds its envelope and one Annulation message; found ${files.length} files.`);
  }
  if (!envelope.formulaires.includes(message.name)) throw invalid(`${envelope.name} does not list ${message.name}.`);
  const idActe = attribute(rootElement(message.name, message.content, 'Annulation', invalid), 'IDActe');
  if (idActe === undefined || !ID_ACTE_REGEX.test(idActe)) throw invalid(`${message.name}: no IDActe (DPT-SIREN-YYYYMMDD-NUMERO-NAT).`);
  if (!message.name.startsWith(`${idActe}-6-1_`)) throw invalid(`${message.name} is not named after the IDActe ${idActe}.`);
  if (idActe.split('-')[1] !== envelope.siren) throw invalid(`${message.name}: ${idActe} is not an acte of SIREN ${envelope.siren}.`);
  return { archiveName, siren: envelope.siren, departement: envelope.departement, idActe, messageName: message.name };
}
