/** The stable codes of every refusal while naming, writing or packing an outbound @ctes transmission. */
export const ActesArchiveErrorCode = {
  /** A department code that is not 3 characters `0[0-9][0-9AB]` or `9[0-9]{2}`. */
  InvalidDepartement: 'ACTES.INVALID_DEPARTEMENT',
  /** A SIREN that is not 9 digits. */
  InvalidSiren: 'ACTES.INVALID_SIREN',
  /** An arrondissement that is not a single digit. */
  InvalidArrondissement: 'ACTES.INVALID_ARRONDISSEMENT',
  /** A nature of collectivité that is not 2 digits. */
  InvalidNatureCollectivite: 'ACTES.INVALID_NATURE_COLLECTIVITE',
  /** A date that is not a real calendar date written `YYYY-MM-DD`. */
  InvalidDate: 'ACTES.INVALID_DATE',
  /** A numéro interne outside `[A-Za-z0-9_]{1,15}`. */
  InvalidNumeroInterne: 'ACTES.INVALID_NUMERO_INTERNE',
  /** A nature of acte outside 1..6. */
  InvalidNatureActe: 'ACTES.INVALID_NATURE_ACTE',
  /** A classification that is not 2 to 5 dot-separated integers (`7.1`, `1.1.2`). */
  InvalidClassification: 'ACTES.INVALID_CLASSIFICATION',
  /** A CodeTypePJ that is not of the form `NN_XX` (`99_DE`). */
  InvalidCodeTypePJ: 'ACTES.INVALID_CODE_TYPE_PJ',
  /** An IDActe that does not match `DPT-SIREN-YYYYMMDD-NUMERO-NAT`. */
  InvalidIdActe: 'ACTES.INVALID_ID_ACTE',
  /** An e-mail address the @ctes schema would refuse. */
  InvalidEmail: 'ACTES.INVALID_EMAIL',
  /** No return address: the ministry would have nowhere to send its replies. */
  MissingAdresseRetour: 'ACTES.MISSING_ADRESSE_RETOUR',
  /** An envelope that lists no business message. */
  MissingFormulaire: 'ACTES.MISSING_FORMULAIRE',
  /** An Objet longer than the 500 characters the schema allows, or empty. */
  InvalidObjet: 'ACTES.INVALID_OBJET',
  /** An operator trigram that is not 3 letters. */
  InvalidOperatorTrigram: 'ACTES.INVALID_OPERATOR_TRIGRAM',
  /** An envelope sequence number that is not a non-negative safe integer. */
  InvalidSequence: 'ACTES.INVALID_SEQUENCE',
  /** A file index that is not a non-negative safe integer. */
  InvalidFileIndex: 'ACTES.INVALID_FILE_INDEX',
  /** A message code that is not one of the collectivité's answers the builder was asked for (`2-2`…`4-4`). */
  InvalidMessageCode: 'ACTES.INVALID_MESSAGE_CODE',
  /** A reply with a number of documents its message cannot carry (none for a 3-2, one for a 2-2…). */
  InvalidDocumentCount: 'ACTES.INVALID_DOCUMENT_COUNT',
  /** A character that ISO-8859-1 cannot carry (`€`, `œ`, an emoji…): refused rather than mangled. */
  NotLatin1: 'ACTES.NOT_LATIN1',
  /** A control character that XML 1.0 forbids anywhere in a document. */
  XmlForbiddenCharacter: 'ACTES.XML_FORBIDDEN_CHARACTER',
} as const;

/** One of the archive error codes. */
export type ActesArchiveErrorCode = (typeof ActesArchiveErrorCode)[keyof typeof ActesArchiveErrorCode];

/**
 * A refusal to name, write or pack an outbound @ctes transmission. `code` is stable: callers branch on
 * it; `field` names the input that caused it (`acte.objet`, `collectivite.siren`…).
 */
export class ActesArchiveError extends Error {
  override readonly name = 'ActesArchiveError';

  constructor(
    readonly code: ActesArchiveErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
