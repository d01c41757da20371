import {
  ActesXmlError,
  ID_ACTE_REGEX,
  NOM_ARCHIVE_REGEX,
  decodeXmlText,
  isXmlElement,
  parseActesXml,
  type UnpackedFile,
} from '@relais/actes';
import { SimError, SimErrorCode } from './sim.errors.js';

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
const ANNULATION_FILE = /-6-1_[0-9]+\.xml$/;
const ENVELOPE_FILE = /^EACT--[0-9]{9}--[0-9]{8}-[0-9]+\.xml$/;

/** Whether an unpacked archive is a 6-1 (its message file is named `…-6-1_n.xml`), not a 1-1. */
export function isAnnulationArchive(files: readonly UnpackedFile[]): boolean {
  return files.some((file) => ANNULATION_FILE.test(file.name));
}

type Node = Readonly<Record<string, unknown>>;

function invalid(message: string): SimError {
  return new SimError(SimErrorCode.InvalidAnnulation, message);
}

function root(name: string, bytes: Uint8Array, expected: string): Node {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseActesXml(bytes);
  } catch (error) {
    if (error instanceof ActesXmlError) throw new SimError(SimErrorCode.MalformedXml, `${name}: ${error.message}`);
    throw error;
  }
  const node = parsed[expected];
  if (!isXmlElement(node)) throw invalid(`${name}: expected an ${expected} root element.`);
  return node;
}

function first(node: Node | undefined, name: string): Node | undefined {
  const value = node?.[name];
  const one: unknown = Array.isArray(value) ? value[0] : value;
  return isXmlElement(one) ? one : undefined;
}

function attribute(node: Node | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? decodeXmlText(value) : undefined;
}

/**
 * Reads an unpacked 6-1 delivery: one `EnveloppeCLMISILL` named after the archive and listing the
 * message, and one `Annulation` carrying the IDActe, of the envelope's SIREN.
 * @throws SimError `SIM.INVALID_ARCHIVE_NAME`, `SIM.MISSING_ENVELOPE`, `SIM.INVALID_ANNULATION`, `SIM.MALFORMED_XML`
 */
export function readAnnulationDelivery(archiveName: string, files: readonly UnpackedFile[]): AnnulationDelivery {
  if (!NOM_ARCHIVE_REGEX.test(archiveName)) {
    throw new SimError(SimErrorCode.InvalidArchiveName, `« ${archiveName} » is not TRI-EACT--SIREN--YYYYMMDD-N.tar.gz.`);
  }
  const envelopes = files.filter((file) => ENVELOPE_FILE.test(file.name));
  const [envelope] = envelopes;
  if (envelope === undefined || envelopes.length > 1) {
    throw new SimError(SimErrorCode.MissingEnvelope, `Expected exactly one EACT--SIREN--YYYYMMDD-N.xml envelope, found ${envelopes.length}.`);
  }
  if (archiveName.slice(4, -'.tar.gz'.length) !== envelope.name.slice(0, -'.xml'.length)) {
    throw new SimError(SimErrorCode.EnvelopeNameMismatch, `Envelope « ${envelope.name} » does not match archive « ${archiveName} ».`);
  }
  const messages = files.filter((file) => ANNULATION_FILE.test(file.name));
  const [message] = messages;
  if (message === undefined || messages.length > 1 || files.length !== 2) {
    throw invalid(`A 6-1 archive holds its envelope and one Annulation message; found ${files.length} files.`);
  }
  const enveloppe = root(envelope.name, envelope.content, 'EnveloppeCLMISILL');
  const idcl = first(first(enveloppe, 'Emetteur'), 'IDCL');
  const siren = attribute(idcl, 'SIREN');
  const departement = attribute(idcl, 'Departement');
  if (siren === undefined || departement === undefined || !envelope.name.startsWith(`EACT--${siren}--`)) {
    throw invalid(`${envelope.name}: no Emetteur/IDCL of the envelope's SIREN.`);
  }
  const formulaires = first(enveloppe, 'FormulairesEnvoyes')?.Formulaire;
  const listed = (Array.isArray(formulaires) ? formulaires : [formulaires]).some((formulaire) => {
    const nom: unknown = isXmlElement(formulaire) ? formulaire.NomFichier : undefined;
    return typeof nom === 'string' && decodeXmlText(nom) === message.name;
  });
  if (!listed) throw invalid(`${envelope.name} does not list ${message.name}.`);
  const idActe = attribute(root(message.name, message.content, 'Annulation'), 'IDActe');
  if (idActe === undefined || !ID_ACTE_REGEX.test(idActe)) throw invalid(`${message.name}: no IDActe (DPT-SIREN-YYYYMMDD-NUMERO-NAT).`);
  if (!message.name.startsWith(`${idActe}-6-1_`)) throw invalid(`${message.name} is not named after the IDActe ${idActe}.`);
  if (idActe.split('-')[1] !== siren) throw invalid(`${message.name}: ${idActe} is not an acte of SIREN ${siren}.`);
  return { archiveName, siren, departement, idActe, messageName: message.name };
}
