import { ID_ACTE_REGEX, type UnpackedFile } from '@relais/actes';

import { REPONSE, type ReponseCode, type ReponseDocuments, isReponseCode } from './courrier.codes.js';
import type { CourrierRef } from './courrier.xml.js';
import { isIsoDay } from './day.js';
import { readReceivedEnvelope } from './envelope.read.js';
import { SimError, SimErrorCode } from './sim.errors.js';
import { type XmlNode, attribute, child, childText, children, rootElement } from './xml.read.js';

/** A well-formed answer of a collectivité to a letter of the préfecture (2-2, 3-2…3-4, 4-2…4-4). */
export interface ReponseDelivery {
  readonly archiveName: string;
  readonly siren: string;
  readonly departement: string;
  readonly code: ReponseCode;
  readonly messageName: string;
  /** The letter answered: `IDActe` and `DateCourrierPref` of the message. */
  readonly letter: CourrierRef;
  /** The documents the message names, all in the archive. */
  readonly documents: readonly string[];
}

/** The business file of an answer: `IDActe-T-S_n.xml` with T-S one of 2-2, 3-2…3-4, 4-2…4-4. */
export const REPONSE_FILE = /-(2-2|3-[234]|4-[234])_[0-9]+\.xml$/;

function invalid(message: string): SimError {
  return new SimError(SimErrorCode.InvalidReply, message);
}

/**
 * Reads an unpacked answer to a letter as the ministry would: the envelope named after the archive lists
 * the one message `IDActe-T-S_n.xml`, whose root is the element of code T-S, whose `IDActe` is the one
 * of its name (an acte of the envelope's SIREN) and whose `DateCourrierPref` is a date; every document
 * it names is in the archive. Whether such a letter was sent is for the caller to say.
 * @throws SimError `SIM.INVALID_REPLY`, `SIM.MISSING_FILE`, `SIM.MALFORMED_XML` or an envelope's code
 */
export function readReponseDelivery(archiveName: string, files: readonly UnpackedFile[]): ReponseDelivery {
  const envelope = readReceivedEnvelope(archiveName, files, invalid);
  const messages = files.filter((file) => REPONSE_FILE.test(file.name));
  const [message] = messages;
  const match = message === undefined ? null : REPONSE_FILE.exec(message.name);
  const code = match?.[1];
  if (message === undefined || match === null || code === undefined || !isReponseCode(code) || messages.length > 1) {
    throw invalid(`An answer to a letter holds one IDActe-T-S_n.xml message; found ${messages.length}.`);
  }
  const fromName = message.name.slice(0, match.index);
  if (!ID_ACTE_REGEX.test(fromName)) throw invalid(`${message.name} is not named IDActe-${code}_n.xml.`);
  if (!envelope.formulaires.includes(message.name)) throw invalid(`${envelope.name} does not list ${message.name}.`);
  const rule = REPONSE[code];
  const root = rootElement(message.name, message.content, rule.root, invalid);
  const idActe = attribute(root, 'IDActe');
  const dateCourrierPref = attribute(root, 'DateCourrierPref');
  if (idActe !== fromName) throw invalid(`${message.name}: IDActe « ${idActe ?? ''} » is not the one of its name.`);
  if (dateCourrierPref === undefined || !isIsoDay(dateCourrierPref)) {
    throw invalid(`${message.name}: DateCourrierPref « ${dateCourrierPref ?? ''} » is not a YYYY-MM-DD date.`);
  }
  if (idActe.split('-')[1] !== envelope.siren) throw invalid(`${message.name}: ${idActe} is not an acte of SIREN ${envelope.siren}.`);
  const documents = namedDocuments(message.name, root, rule.documents);
  const present = new Set(files.map((file) => file.name));
  const missing = documents.find((name) => !present.has(name));
  if (missing !== undefined) throw new SimError(SimErrorCode.MissingFile, `${message.name} names « ${missing} », which is not in the archive.`);
  return {
    archiveName,
    siren: envelope.siren,
    departement: envelope.departement,
    code,
    messageName: message.name,
    letter: { idActe, dateCourrierPref },
    documents,
  };
}

function namedDocuments(messageName: string, root: XmlNode, documents: ReponseDocuments): string[] {
  switch (documents) {
    case 'none':
      return [];
    case 'document': {
      const name = childText(child(root, 'Document'), 'NomFichier');
      if (name === undefined || name === '') throw invalid(`${messageName}: Document/NomFichier is missing.`);
      return [name];
    }
    case 'documents': {
      const names = children(child(root, 'Documents'), 'Document').map((document) => childText(document, 'NomFichier') ?? '');
      if (names.length === 0 || names.includes('')) throw invalid(`${messageName}: Documents/Document/NomFichier is missing.`);
      return names;
    }
    default: {
      const unknown: never = documents;
      throw new Error(`Unknown document rule ${String(unknown)}`);
    }
  }
}
