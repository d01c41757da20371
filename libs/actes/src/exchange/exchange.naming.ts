import { ActesArchiveError, ActesArchiveErrorCode } from '../archive/archive.errors.js';
import {
  type ActeFileExtension,
  DEPARTEMENT_REGEX,
  ID_ACTE_REGEX,
  SIREN_REGEX,
  requireMatch,
} from '../archive/archive.naming.js';

/**
 * Every collectivité → préfecture message, by code, with the root element that carries it (DOMAIN.md
 * §1.3): what a reader of an outbound archive (the simulator, an import) dispatches on.
 */
export const COLLECTIVITE_MESSAGE_ROOTS = {
  '1-1': 'Acte',
  '2-2': 'ReponseCourrierSimple',
  '3-2': 'ARDemandePieceComplementaire',
  '3-3': 'RefusPieceComplementaire',
  '3-4': 'PieceComplementaire',
  '4-2': 'ARLettreObservations',
  '4-3': 'RejetLettreObservations',
  '4-4': 'ReponseLettreObservations',
  '6-1': 'Annulation',
  '7-1': 'DemandeClassification',
} as const;

/** The code of a collectivité → préfecture message. */
export type CollectiviteMessageCode = keyof typeof COLLECTIVITE_MESSAGE_ROOTS;

/**
 * The collectivité's answers to a préfecture letter (2-1 courrier simple, 3-1 demande de pièces
 * complémentaires, 4-1 lettre d'observations): the messages {@link nomFichierReponse} names.
 */
export const REPLY_MESSAGE_CODES = ['2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4'] as const;

/** The code of a collectivité's answer to a préfecture letter. */
export type ReplyMessageCode = (typeof REPLY_MESSAGE_CODES)[number];

/** The @ctes code of a DemandeClassification message. */
export const DEMANDE_CLASSIFICATION_MESSAGE_CODE = '7-1';

/**
 * A file of a classification exchange: `DPT-SIREN----7-S_n.xml`, date, number and nature left empty
 * (DOMAIN.md §1.7: `046-XXXXXXXXX----7-1_1.xml`). Groups: department, SIREN, sub-type.
 */
export const NOM_FICHIER_CLASSIFICATION_REGEX = /^(0[0-9][0-9AB]|9[0-9]{2})-([0-9]{9})----7-([1-3])_[0-9]+\.xml$/;

/** Whether `value` is one of {@link REPLY_MESSAGE_CODES} (for input that did not come through the type system). */
export function isReplyMessageCode(value: unknown): value is ReplyMessageCode {
  return typeof value === 'string' && (REPLY_MESSAGE_CODES as readonly string[]).includes(value);
}

/**
 * Refuses a code that is not one of the collectivité's answers to a letter.
 * @throws ActesArchiveError `ACTES.INVALID_MESSAGE_CODE`
 */
export function requireReplyMessageCode(code: unknown): ReplyMessageCode {
  if (isReplyMessageCode(code)) return code;
  throw new ActesArchiveError(
    ActesArchiveErrorCode.InvalidMessageCode,
    'code',
    `code: « ${String(code)} » n'est pas une réponse de la collectivité (${REPLY_MESSAGE_CODES.join(', ')}).`,
  );
}

/**
 * The conventional name of a file of a collectivité's answer to a préfecture letter: the acte's IDActe
 * as base, then the message code, then the index: `IDActe-T-S_0.xml` for the message, `IDActe-T-S_1.pdf`,
 * `_2.pdf`… for its documents, without the CodeTypePJ prefix of a 1-1 (DOMAIN.md §1.7; the simulator
 * reads these names).
 * @throws ActesArchiveError `ACTES.INVALID_ID_ACTE`, `ACTES.INVALID_MESSAGE_CODE`, `ACTES.INVALID_FILE_INDEX`
 */
export function nomFichierReponse(
  idActeValue: string,
  code: ReplyMessageCode,
  index: number,
  extension: ActeFileExtension = 'xml',
): string {
  requireMatch(idActeValue, ID_ACTE_REGEX, ActesArchiveErrorCode.InvalidIdActe, 'idActe', 'DPT-SIREN-YYYYMMDD-NUMERO-NAT');
  requireReplyMessageCode(code);
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new ActesArchiveError(ActesArchiveErrorCode.InvalidFileIndex, 'index', `index: ${index} n'est pas un entier positif ou nul.`);
  }
  return `${idActeValue}-${code}_${index}.${extension}`;
}

/**
 * The name of a 7-1 DemandeClassification message: `DPT-SIREN----7-1_1.xml`. A classification belongs
 * to no acte, so the date, number and nature of the usual base stay empty (DOMAIN.md §1.7, as Stela and
 * S²LOW name it).
 * @throws ActesArchiveError `ACTES.INVALID_DEPARTEMENT`, `ACTES.INVALID_SIREN`
 */
export function nomFichierDemandeClassification(departement: string, siren: string): string {
  requireMatch(departement, DEPARTEMENT_REGEX, ActesArchiveErrorCode.InvalidDepartement, 'departement', '0[0-9][0-9AB] ou 9[0-9][0-9]');
  requireMatch(siren, SIREN_REGEX, ActesArchiveErrorCode.InvalidSiren, 'siren', '9 chiffres');
  return `${departement}-${siren}----${DEMANDE_CLASSIFICATION_MESSAGE_CODE}_1.xml`;
}
