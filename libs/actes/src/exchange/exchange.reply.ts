import { fichierXml } from '../archive/archive.acte-xml.js';
import { type ActeArchiveFile, type ArchiveEntry, packArchive } from '../archive/archive.build.js';
import { type CollectiviteEmettrice, enveloppeXml } from '../archive/archive.enveloppe-xml.js';
import { ActesArchiveError, ActesArchiveErrorCode } from '../archive/archive.errors.js';
import { ACTES_NAMESPACE, LATIN1_XML_DECLARATION, encodeLatin1Xml } from '../archive/archive.latin1-xml.js';
import {
  type ActeFileExtension,
  ID_ACTE_REGEX,
  compactDate,
  nomArchive,
  nomEnveloppe,
  requireMatch,
} from '../archive/archive.naming.js';
import { COLLECTIVITE_MESSAGE_ROOTS, type ReplyMessageCode, nomFichierReponse, requireReplyMessageCode } from './exchange.naming.js';

/**
 * How many documents each answer carries, as the schema shapes it: an AR (3-2, 4-2) none, a reply,
 * refusal or rejection one `Document`, the pièces complémentaires (3-4) a `Documents` list of one or more.
 */
const DOCUMENT_COUNT: Readonly<Record<ReplyMessageCode, { readonly min: number; readonly max: number }>> = {
  '2-2': { min: 1, max: 1 },
  '3-2': { min: 0, max: 0 },
  '3-3': { min: 1, max: 1 },
  '3-4': { min: 1, max: Number.POSITIVE_INFINITY },
  '4-2': { min: 0, max: 0 },
  '4-3': { min: 1, max: 1 },
  '4-4': { min: 1, max: 1 },
};

/** What a collectivité's answer to a préfecture letter says, its documents already named. */
export interface ReplyMessageInput {
  /** Which answer: `2-2`, `3-2`, `3-3`, `3-4`, `4-2`, `4-3` or `4-4`. */
  readonly code: ReplyMessageCode;
  /** The IDActe of the acte the letter was about. */
  readonly idActe: string;
  /** `DateCourrierPref` of the préfecture letter answered, `YYYY-MM-DD`. */
  readonly dateCourrierPref: string;
  /** Names of the documents, in order (see {@link nomFichierReponse}). */
  readonly documents: readonly string[];
}

/**
 * The message of a collectivité's answer to a préfecture letter, ISO-8859-1 bytes valid against
 * `actesv1_1.xsd`: the letter it answers (`IDActe` and `DateCourrierPref`, which is how the préfecture
 * matches it), and the names of its documents.
 * @throws ActesArchiveError `ACTES.INVALID_MESSAGE_CODE`, `ACTES.INVALID_ID_ACTE`, `ACTES.INVALID_DATE`,
 * `ACTES.INVALID_DOCUMENT_COUNT`, and the Latin-1 codes on a document name
 */
export function replyXml(input: ReplyMessageInput): Buffer {
  const code = requireReplyMessageCode(input.code);
  const id = requireMatch(input.idActe, ID_ACTE_REGEX, ActesArchiveErrorCode.InvalidIdActe, 'idActe', 'DPT-SIREN-YYYYMMDD-NUMERO-NAT');
  compactDate(input.dateCourrierPref, 'dateCourrierPref');
  const { min, max } = DOCUMENT_COUNT[code];
  const count = input.documents.length;
  if (count < min || count > max) {
    const expected = min === max ? String(min) : `au moins ${min}`;
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidDocumentCount,
      'documents',
      `documents: un message ${code} porte ${expected} document(s), pas ${count}.`,
    );
  }
  const root = `actes:${COLLECTIVITE_MESSAGE_ROOTS[code]}`;
  const open = `<${root} xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${id}" actes:DateCourrierPref="${input.dateCourrierPref}"`;
  const names = input.documents.map((name, i) => ({ name, field: `documents[${i}]` }));
  let body: string[];
  if (count === 0) body = [`${open}/>`];
  else if (code === '3-4') {
    body = [
      `${open}>`,
      '  <actes:Documents>',
      ...names.map(({ name, field }) => fichierXml('    ', 'Document', name, field)),
      '  </actes:Documents>',
      `</${root}>`,
    ];
  } else body = [`${open}>`, ...names.map(({ name, field }) => fichierXml('  ', 'Document', name, field)), `</${root}>`];
  return encodeLatin1Xml([LATIN1_XML_DECLARATION, ...body, ''].join('\n'));
}

/** A document of an answer and its bytes. */
export interface ReplyDocument {
  /** Extension of the file, which its conventional name keeps. */
  readonly extension: ActeFileExtension;
  /** The file's bytes, carried unchanged. */
  readonly content: Uint8Array;
}

/** Everything an outbound answer to a préfecture letter needs: who sends, which letter, the documents and the envelope's numbering. */
export interface ReplyArchiveInput {
  /** Operator trigram assigned at homologation; `RLS` when absent. */
  readonly operatorTrigram?: string | undefined;
  /** The collectivité's envelope sequence number for this answer. */
  readonly sequence: number;
  /** Day of sending, `YYYY-MM-DD`. */
  readonly dateEnvoi: string;
  /** The emitting collectivité. */
  readonly collectivite: CollectiviteEmettrice;
  /** The operator's mailboxes for the ministry's replies; at least one. */
  readonly adressesRetour: readonly string[];
  /** Which answer: `2-2`, `3-2`, `3-3`, `3-4`, `4-2`, `4-3` or `4-4`. */
  readonly code: ReplyMessageCode;
  /** The IDActe of the acte the letter was about; it must be one of this collectivité's. */
  readonly idActe: string;
  /** `DateCourrierPref` of the préfecture letter answered, `YYYY-MM-DD`. */
  readonly dateCourrierPref: string;
  /** The documents, in order: none for 3-2 and 4-2, exactly one for 2-2, 3-3, 4-3 and 4-4, one or more for 3-4. */
  readonly documents: readonly ReplyDocument[];
}

/** A packed outbound answer, ready to be stored and POSTed as is. */
export interface ReplyArchive {
  /** `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
  readonly name: string;
  /** Which answer it carries. */
  readonly code: ReplyMessageCode;
  /** The IDActe of the acte concerned. */
  readonly idActe: string;
  /** Name of the business message in the archive, `IDActe-T-S_0.xml`. */
  readonly messageName: string;
  /** The gzip'd tar. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, lower-case hex. */
  readonly sha256: string;
  /** The files of the tar, in order: envelope, message, documents. */
  readonly files: readonly ActeArchiveFile[];
}

/**
 * Packs a collectivité's answer to a préfecture letter (2-2, 3-2, 3-3, 3-4, 4-2, 4-3, 4-4): the
 * `EnveloppeCLMISILL` listing the message, the message `IDActe-T-S_0.xml`, and its documents
 * `IDActe-T-S_1.ext`, `_2.ext`…, in a tar gzip'd in memory. Deterministic like the 1-1 archive.
 * @throws ActesArchiveError on any value the naming rules, the schema or ISO-8859-1 refuse; also
 * `ACTES.INVALID_ID_ACTE` when the acte is not the emitting collectivité's (its SIREN is another's).
 */
export async function buildReplyArchive(input: ReplyArchiveInput): Promise<ReplyArchive> {
  const code = requireReplyMessageCode(input.code);
  const messageName = nomFichierReponse(input.idActe, code, 0);
  if (input.idActe.split('-')[1] !== input.collectivite.siren) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidIdActe,
      'idActe',
      `idActe: ${input.idActe} n'est pas un acte de la collectivité ${input.collectivite.siren}.`,
    );
  }
  const documents: ArchiveEntry[] = input.documents.map((document, i) => ({
    name: nomFichierReponse(input.idActe, code, i + 1, document.extension),
    content: Buffer.from(document.content.buffer, document.content.byteOffset, document.content.byteLength),
  }));
  const message = replyXml({
    code,
    idActe: input.idActe,
    dateCourrierPref: input.dateCourrierPref,
    documents: documents.map((document) => document.name),
  });
  const envelopeParts = { siren: input.collectivite.siren, dateEnvoi: input.dateEnvoi, sequence: input.sequence };
  const name = nomArchive({ ...envelopeParts, operatorTrigram: input.operatorTrigram });
  const envelope = enveloppeXml({ collectivite: input.collectivite, adressesRetour: input.adressesRetour, formulaires: [messageName] });
  const entries = [{ name: nomEnveloppe(envelopeParts), content: envelope }, { name: messageName, content: message }, ...documents];
  return { name, code, idActe: input.idActe, messageName, ...(await packArchive(entries, input.dateEnvoi)) };
}
