import {
  ActesArchiveError,
  NOM_ARCHIVE_REGEX,
  NOM_ENVELOPPE_REGEX,
  NOM_FICHIER_METIER_REGEX,
  idActe,
  isNatureActeCode,
} from '@relais/actes';

import { type UnpackLimits, type UnpackedFile, unpackArchive } from './archive.unpack.js';
import { SimError, SimErrorCode } from './sim.errors.js';
import { attribute, child, children, parseLatin1Xml, text } from './xml.read.js';

/** What the ministry read in a 1-1 `Acte` message, enough to echo it in `ActeRecu`. */
export interface ActeRecu {
  readonly date: string;
  readonly numeroInterne: string;
  readonly codeNatureActe: string;
  /** `CodeMatiere1..5`, in order. */
  readonly codesMatiere: readonly string[];
  readonly objet: string;
  readonly precedentIdActe: string | undefined;
  readonly classificationDateVersion: string;
  readonly document: string;
  readonly annexes: readonly string[];
  readonly documentPapier: string;
}

/** A well-formed 1-1 delivery, as the simulated ministry understood it. */
export interface ActeDelivery {
  readonly archiveName: string;
  readonly siren: string;
  readonly departement: string;
  readonly adressesRetour: readonly string[];
  readonly idActe: string;
  readonly acte: ActeRecu;
}

const ACTE_MESSAGE_SUFFIX = '-1-1_0.xml';

function required(value: string | undefined, code: SimErrorCode, what: string): string {
  if (value === undefined || value === '') throw new SimError(code, `${what} is missing.`);
  return value;
}

function file(files: ReadonlyMap<string, Buffer>, name: string, namedBy: string): Buffer {
  const content = files.get(name);
  if (content === undefined) {
    throw new SimError(SimErrorCode.MissingFile, `${namedBy} names « ${name} », which is not in the archive.`);
  }
  return content;
}

function readEnvelope(archiveName: string, files: readonly UnpackedFile[]) {
  const envelopes = files.filter((entry) => NOM_ENVELOPPE_REGEX.test(entry.name));
  const [envelope] = envelopes;
  if (envelope === undefined || envelopes.length > 1) {
    throw new SimError(SimErrorCode.MissingEnvelope, `Expected exactly one EACT--SIREN--YYYYMMDD-N.xml envelope, found ${envelopes.length}.`);
  }
  if (archiveName.slice(4, -'.tar.gz'.length) !== envelope.name.slice(0, -'.xml'.length)) {
    throw new SimError(SimErrorCode.EnvelopeNameMismatch, `Envelope « ${envelope.name} » does not match archive « ${archiveName} ».`);
  }
  const root = child(parseLatin1Xml(envelope.name, envelope.content), 'EnveloppeCLMISILL');
  const what = (part: string): string => `${envelope.name}: ${part}`;
  const idcl = child(child(root, 'Emetteur'), 'IDCL');
  const siren = required(attribute(idcl, 'SIREN'), SimErrorCode.InvalidEnvelope, what('Emetteur/IDCL@SIREN'));
  const departement = required(attribute(idcl, 'Departement'), SimErrorCode.InvalidEnvelope, what('Emetteur/IDCL@Departement'));
  if (!envelope.name.startsWith(`EACT--${siren}--`)) {
    throw new SimError(SimErrorCode.EnvelopeNameMismatch, `Envelope « ${envelope.name} » is not named after SIREN ${siren}.`);
  }
  const adressesRetour = children(child(root, 'AdressesRetour'), 'Email').map((email) => text(email) ?? '');
  if (adressesRetour.length === 0 || adressesRetour.includes('')) {
    throw new SimError(SimErrorCode.InvalidEnvelope, what('AdressesRetour/Email is missing or empty.'));
  }
  const formulaires = children(child(root, 'FormulairesEnvoyes'), 'Formulaire').map((formulaire) =>
    required(text(child(formulaire, 'NomFichier')), SimErrorCode.InvalidEnvelope, what('Formulaire/NomFichier')),
  );
  return { name: envelope.name, siren, departement, adressesRetour, formulaires };
}

function readActe(messageName: string, content: Buffer): ActeRecu {
  const root = child(parseLatin1Xml(messageName, content), 'Acte');
  const what = (part: string): string => `${messageName}: ${part}`;
  const must = (value: string | undefined, part: string): string => required(value, SimErrorCode.InvalidActe, what(part));
  const codesMatiere: string[] = [];
  for (let level = 1; level <= 5; level += 1) {
    const code = attribute(child(root, `CodeMatiere${level}`), 'CodeMatiere');
    if (code === undefined) break;
    codesMatiere.push(code);
  }
  if (codesMatiere.length < 2) throw new SimError(SimErrorCode.InvalidActe, what('CodeMatiere1 and CodeMatiere2 are required.'));
  const annexesNode = child(root, 'Annexes');
  const annexes = children(annexesNode, 'Annexe').map((annexe) => must(text(child(annexe, 'NomFichier')), 'Annexe/NomFichier'));
  const nombre = must(attribute(annexesNode, 'Nombre'), 'Annexes@Nombre');
  if (Number(nombre) !== annexes.length) {
    throw new SimError(SimErrorCode.InvalidActe, what(`Annexes@Nombre is ${nombre} but ${annexes.length} annexes are listed.`));
  }
  const precedent = child(root, 'PrecedentIdentifiantActe');
  return {
    date: must(attribute(root, 'Date'), 'Acte@Date'),
    numeroInterne: must(attribute(root, 'NumeroInterne'), 'Acte@NumeroInterne'),
    codeNatureActe: must(attribute(root, 'CodeNatureActe'), 'Acte@CodeNatureActe'),
    codesMatiere,
    objet: must(text(child(root, 'Objet')), 'Objet'),
    precedentIdActe: precedent === undefined ? undefined : must(attribute(precedent, 'IDActe'), 'PrecedentIdentifiantActe@IDActe'),
    classificationDateVersion: must(text(child(root, 'ClassificationDateVersion')), 'ClassificationDateVersion'),
    document: must(text(child(child(root, 'Document'), 'NomFichier')), 'Document/NomFichier'),
    annexes,
    documentPapier: text(child(root, 'DocumentPapier')) ?? '',
  };
}

function idActeOf(departement: string, siren: string, acte: ActeRecu): string {
  const nature = Number(acte.codeNatureActe);
  if (!isNatureActeCode(nature)) throw new SimError(SimErrorCode.InvalidActe, `CodeNatureActe ${acte.codeNatureActe} is not 1 to 6.`);
  try {
    return idActe({ departement, siren, dateDecision: acte.date, numeroInterne: acte.numeroInterne, nature });
  } catch (error) {
    if (error instanceof ActesArchiveError) throw new SimError(SimErrorCode.InvalidActe, error.message);
    throw error;
  }
}

/**
 * Reads a 1-1 delivery as the ministry would: checks the archive name, unpacks it safely, reads the
 * `EnveloppeCLMISILL` and the `Acte` it lists, and checks that every file they name is in the archive.
 * @throws SimError with a stable code on the first thing that is wrong.
 */
export async function readActeDelivery(archiveName: string, body: Buffer, limits: UnpackLimits): Promise<ActeDelivery> {
  if (!NOM_ARCHIVE_REGEX.test(archiveName)) {
    throw new SimError(SimErrorCode.InvalidArchiveName, `« ${archiveName} » is not a TRI-EACT--SIREN--YYYYMMDD-N.tar.gz name.`);
  }
  const unpacked = await unpackArchive(body, limits);
  const files = new Map(unpacked.map((entry) => [entry.name, entry.content]));
  const envelope = readEnvelope(archiveName, unpacked);
  for (const name of envelope.formulaires) file(files, name, envelope.name);
  const messages = envelope.formulaires.filter((name) => name.endsWith(ACTE_MESSAGE_SUFFIX));
  const [messageName] = messages;
  if (messageName === undefined || messages.length > 1 || !NOM_FICHIER_METIER_REGEX.test(messageName)) {
    throw new SimError(SimErrorCode.MissingActeMessage, `${envelope.name} must list exactly one well-named …-1-1_0.xml message.`);
  }
  const acte = readActe(messageName, file(files, messageName, envelope.name));
  const id = idActeOf(envelope.departement, envelope.siren, acte);
  if (!messageName.startsWith(`${id}-1-1_`)) {
    throw new SimError(SimErrorCode.InvalidActe, `Message « ${messageName} » is not named after its acte ${id}.`);
  }
  for (const name of [acte.document, ...acte.annexes]) file(files, name, messageName);
  return { archiveName, siren: envelope.siren, departement: envelope.departement, adressesRetour: envelope.adressesRetour, idActe: id, acte };
}
