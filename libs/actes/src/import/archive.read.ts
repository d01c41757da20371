import { ActesArchiveError } from '../archive/archive.errors.js';
import {
  NOM_ARCHIVE_REGEX,
  NOM_ENVELOPPE_REGEX,
  NOM_FICHIER_METIER_REGEX,
  type NatureActeCode,
  idActe,
  isNatureActeCode,
} from '../archive/archive.naming.js';
import { ActesImportError, ActesImportErrorCode } from './archive-import.errors.js';
import { attribute, child, children, parseArchiveXml, text } from './archive-xml.nodes.js';
import { type UnpackLimits, type UnpackedFile, unpackArchive } from './archive.unpack.js';

/** A document of the acte as found in the archive. */
export interface ImportedActeFile {
  /** Its business file name (`99_DE-034-…-1-1_1.pdf`). */
  readonly name: string;
  readonly content: Buffer;
  /** The `CodeTypePJ` its name starts with (`99_DE`), if it has one. */
  readonly typePJ: string | undefined;
}

/** What the 1-1 `Acte` message of an archive says, values decoded as written. */
export interface ImportedActe {
  /** `Acte@Date`, the date of the decision (`YYYY-MM-DD`). */
  readonly dateDecision: string;
  readonly numeroInterne: string;
  /** `Acte@CodeNatureActe` as written. */
  readonly codeNatureActe: string;
  /** The same, as a nature code 1..6. */
  readonly nature: NatureActeCode;
  /** `CodeMatiere1..5`, in order. */
  readonly codesMatiere: readonly string[];
  /** The matière codes joined by dots (`7.1.2`). */
  readonly classification: string;
  readonly objet: string;
  readonly precedentIdActe: string | undefined;
  readonly classificationDateVersion: string;
  /** `DocumentPapier` as written (`O`, `N`), `''` when absent. */
  readonly documentPapier: string;
  readonly document: ImportedActeFile;
  readonly annexes: readonly ImportedActeFile[];
}

/** A well-formed 1-1 archive, read as the ministry reads it. */
export interface ImportedActeArchive {
  /** The archive's name, when it was given. */
  readonly archiveName: string | undefined;
  /** `EACT--SIREN--YYYYMMDD-N.xml`. */
  readonly envelopeName: string;
  /** The 1-1 message's name (`…-1-1_0.xml`). */
  readonly messageName: string;
  /** `Emetteur/IDCL@SIREN`. */
  readonly siren: string;
  readonly departement: string;
  readonly adressesRetour: readonly string[];
  readonly idActe: string;
  readonly acte: ImportedActe;
}

const ACTE_MESSAGE_SUFFIX = '-1-1_0.xml';
const TYPE_PJ_PREFIX = /^([0-9]{2}_[A-Z]{2})-/;

function required(value: string | undefined, code: ActesImportErrorCode, what: string): string {
  if (value === undefined || value === '') throw new ActesImportError(code, `${what} is missing.`);
  return value;
}

function file(files: ReadonlyMap<string, Buffer>, name: string, namedBy: string): Buffer {
  const content = files.get(name);
  if (content === undefined) {
    throw new ActesImportError(ActesImportErrorCode.MissingFile, `${namedBy} names « ${name} », which is not in the archive.`);
  }
  return content;
}

function readEnvelope(archiveName: string | undefined, files: readonly UnpackedFile[]) {
  const envelopes = files.filter((entry) => NOM_ENVELOPPE_REGEX.test(entry.name));
  const [envelope] = envelopes;
  if (envelope === undefined || envelopes.length > 1) {
    throw new ActesImportError(
      ActesImportErrorCode.MissingEnvelope,
      `Expected exactly one EACT--SIREN--YYYYMMDD-N.xml envelope, found ${envelopes.length}.`,
    );
  }
  if (archiveName !== undefined && archiveName.slice(4, -'.tar.gz'.length) !== envelope.name.slice(0, -'.xml'.length)) {
    throw new ActesImportError(
      ActesImportErrorCode.EnvelopeNameMismatch,
      `Envelope « ${envelope.name} » does not match archive « ${archiveName} ».`,
    );
  }
  const root = child(parseArchiveXml(envelope.name, envelope.content), 'EnveloppeCLMISILL');
  const what = (part: string): string => `${envelope.name}: ${part}`;
  const idcl = child(child(root, 'Emetteur'), 'IDCL');
  const siren = required(attribute(idcl, 'SIREN'), ActesImportErrorCode.InvalidEnvelope, what('Emetteur/IDCL@SIREN'));
  const departement = required(attribute(idcl, 'Departement'), ActesImportErrorCode.InvalidEnvelope, what('Emetteur/IDCL@Departement'));
  if (!envelope.name.startsWith(`EACT--${siren}--`)) {
    throw new ActesImportError(ActesImportErrorCode.EnvelopeNameMismatch, `Envelope « ${envelope.name} » is not named after its SIREN.`);
  }
  const adressesRetour = children(child(root, 'AdressesRetour'), 'Email').map((email) => text(email) ?? '');
  if (adressesRetour.length === 0 || adressesRetour.includes('')) {
    throw new ActesImportError(ActesImportErrorCode.InvalidEnvelope, what('AdressesRetour/Email is missing or empty.'));
  }
  const formulaires = children(child(root, 'FormulairesEnvoyes'), 'Formulaire').map((formulaire) =>
    required(text(child(formulaire, 'NomFichier')), ActesImportErrorCode.InvalidEnvelope, what('Formulaire/NomFichier')),
  );
  return { name: envelope.name, siren, departement, adressesRetour, formulaires };
}

interface ActeMessage extends Omit<ImportedActe, 'nature' | 'classification' | 'document' | 'annexes'> {
  readonly document: string;
  readonly annexes: readonly string[];
}

function readActe(messageName: string, content: Buffer): ActeMessage {
  const root = child(parseArchiveXml(messageName, content), 'Acte');
  const what = (part: string): string => `${messageName}: ${part}`;
  const must = (value: string | undefined, part: string): string => required(value, ActesImportErrorCode.InvalidActe, what(part));
  const codesMatiere: string[] = [];
  for (let level = 1; level <= 5; level += 1) {
    const code = attribute(child(root, `CodeMatiere${level}`), 'CodeMatiere');
    if (code === undefined) break;
    codesMatiere.push(code);
  }
  if (codesMatiere.length < 2) {
    throw new ActesImportError(ActesImportErrorCode.InvalidActe, what('CodeMatiere1 and CodeMatiere2 are required.'));
  }
  const annexesNode = child(root, 'Annexes');
  const annexes = children(annexesNode, 'Annexe').map((annexe) => must(text(child(annexe, 'NomFichier')), 'Annexe/NomFichier'));
  const nombre = must(attribute(annexesNode, 'Nombre'), 'Annexes@Nombre');
  if (Number(nombre) !== annexes.length) {
    throw new ActesImportError(
      ActesImportErrorCode.InvalidActe,
      what(`Annexes@Nombre is ${nombre} but ${annexes.length} annexes are listed.`),
    );
  }
  const precedent = child(root, 'PrecedentIdentifiantActe');
  return {
    dateDecision: must(attribute(root, 'Date'), 'Acte@Date'),
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

function natureOf(acte: ActeMessage): NatureActeCode {
  const nature = Number(acte.codeNatureActe);
  if (!isNatureActeCode(nature)) {
    throw new ActesImportError(ActesImportErrorCode.InvalidActe, `CodeNatureActe ${acte.codeNatureActe} is not 1 to 6.`);
  }
  return nature;
}

function idActeOf(departement: string, siren: string, acte: ActeMessage, nature: NatureActeCode): string {
  try {
    return idActe({ departement, siren, dateDecision: acte.dateDecision, numeroInterne: acte.numeroInterne, nature });
  } catch (error) {
    if (error instanceof ActesArchiveError) throw new ActesImportError(ActesImportErrorCode.InvalidActe, error.message);
    throw error;
  }
}

/**
 * Reads a 1-1 @ctes archive as the ministry would: checks its name (when given), unpacks it safely
 * ({@link unpackArchive}: in memory, bounded, flat regular files only), reads the `EnveloppeCLMISILL`
 * and the `Acte` it lists (ISO-8859-1, no DOCTYPE, no entity expanded), and checks that every file they
 * name is in the archive. Without `archiveName` (an archive received without its name), the checks of
 * the archive name against the envelope's are skipped; the envelope's own name is still checked.
 * @throws ActesImportError with a stable `ACTES.ARCHIVE_*` code on the first thing that is wrong.
 */
export async function readActeArchive(
  archiveName: string | undefined,
  body: Uint8Array,
  limits: UnpackLimits,
): Promise<ImportedActeArchive> {
  if (archiveName !== undefined && !NOM_ARCHIVE_REGEX.test(archiveName)) {
    throw new ActesImportError(
      ActesImportErrorCode.ArchiveNameInvalid,
      `« ${archiveName.slice(0, 100)} » is not a TRI-EACT--SIREN--YYYYMMDD-N.tar.gz name.`,
    );
  }
  const unpacked = await unpackArchive(body, limits);
  const files = new Map(unpacked.map((entry) => [entry.name, entry.content]));
  const envelope = readEnvelope(archiveName, unpacked);
  for (const name of envelope.formulaires) file(files, name, envelope.name);
  const messages = envelope.formulaires.filter((name) => name.endsWith(ACTE_MESSAGE_SUFFIX));
  const [messageName] = messages;
  if (messageName === undefined || messages.length > 1 || !NOM_FICHIER_METIER_REGEX.test(messageName)) {
    throw new ActesImportError(
      ActesImportErrorCode.MissingActeMessage,
      `${envelope.name} must list exactly one well-named …-1-1_0.xml message.`,
    );
  }
  const message = readActe(messageName, file(files, messageName, envelope.name));
  const nature = natureOf(message);
  const id = idActeOf(envelope.departement, envelope.siren, message, nature);
  if (!messageName.startsWith(`${id}-1-1_`)) {
    throw new ActesImportError(ActesImportErrorCode.InvalidActe, `Message « ${messageName} » is not named after its acte ${id}.`);
  }
  const imported = (name: string): ImportedActeFile => ({
    name,
    content: file(files, name, messageName),
    typePJ: TYPE_PJ_PREFIX.exec(name)?.[1],
  });
  return {
    archiveName,
    envelopeName: envelope.name,
    messageName,
    siren: envelope.siren,
    departement: envelope.departement,
    adressesRetour: envelope.adressesRetour,
    idActe: id,
    acte: {
      ...message,
      nature,
      classification: message.codesMatiere.join('.'),
      document: imported(message.document),
      annexes: message.annexes.map(imported),
    },
  };
}
