import type { ErrorDetail } from '@relais/domain';

/** The stable codes of every refusal of an acte submission; clients branch on them, never on messages. */
export const ActeErrorCode = {
  /** The numéro interne breaks the pattern (`ActesRules.numeroInternePattern`). */
  NumeroInterneInvalid: 'ACTE.NUMERO_INTERNE_INVALID',
  /** The collectivité already used this numéro interne. */
  NumeroInterneDuplicate: 'ACTE.NUMERO_INTERNE_DUPLICATE',
  /** The date of decision is not a real `YYYY-MM-DD` calendar date (2026-02-30, say). */
  DateInvalid: 'ACTE.DATE_INVALID',
  /** The date of decision is after today. */
  DateInFuture: 'ACTE.DATE_IN_FUTURE',
  /** The nature is neither 1..6 nor DE, AR, AI, CC, BF, AU. */
  NatureInvalid: 'ACTE.NATURE_INVALID',
  /** The classification is not two to five dot-separated numbers. */
  ClassificationInvalid: 'ACTE.CLASSIFICATION_INVALID',
  /** The classification is well formed but not a matière of the collectivité's current classification (7-2). */
  ClassificationUnknown: 'ACTE.CLASSIFICATION_UNKNOWN',
  /** The objet is empty or only blanks. */
  ObjetEmpty: 'ACTE.OBJET_EMPTY',
  /** The objet is longer than `ActesRules.objetMaxLength`. */
  ObjetTooLong: 'ACTE.OBJET_TOO_LONG',
  /** The objet holds a line break. */
  ObjetLineBreak: 'ACTE.OBJET_LINE_BREAK',
  /** The objet holds a control character or a lone surrogate that XML cannot carry. */
  ObjetInvalidCharacter: 'ACTE.OBJET_INVALID_CHARACTER',
  /** The objet holds a character ISO-8859-1 has not (the @ctes XML encoding): a curly apostrophe, « œ », an emoji… */
  ObjetNotLatin1: 'ACTE.OBJET_NOT_LATIN1',
  /** A piece type (`typePJ`, `annexesTypePJ[i]`) breaks `ActesRules.typePJPattern`. */
  TypePJInvalid: 'ACTE.TYPE_PJ_INVALID',
  /**
   * A piece type (`typePJ`, or the nature's generic one; `annexesTypePJ[i]`) is not among the
   * `TypePJNatureActe` the collectivité's classification (7-2) allows for the nature.
   */
  TypePJNotAllowed: 'ACTE.TYPE_PJ_NOT_ALLOWED',
  /** `documentPapier` is given but is not a boolean. */
  DocumentPapierInvalid: 'ACTE.DOCUMENT_PAPIER_INVALID',
  /** `annexesTypePJ` has not one entry per annexe. */
  AnnexesTypePJMismatch: 'ACTE.ANNEXES_TYPE_PJ_MISMATCH',
  /** No main document, or an empty one. */
  DocumentMissing: 'ACTE.DOCUMENT_MISSING',
  /** The main document's bytes are not a PDF (nor an allowed XML). */
  DocumentNotPdf: 'ACTE.DOCUMENT_NOT_PDF',
  /** The main document is a PDF without its `%%EOF` end marker. */
  DocumentTruncated: 'ACTE.DOCUMENT_TRUNCATED',
  /** The main document is an encrypted PDF (an `/Encrypt` entry in its trailer): the préfecture could not read nor stamp it. */
  DocumentEncrypted: 'ACTE.DOCUMENT_ENCRYPTED',
  /** The main document is XML, allowed only for nature 5 (BF) with classification 7.1. */
  DocumentFormatNotAllowed: 'ACTE.DOCUMENT_FORMAT_NOT_ALLOWED',
  /**
   * A file name is empty, too long (`ActesRules.maxFileNameLength`), `.`, holds a path (`/`, `\`, a
   * drive letter), `..`, a NUL, a control character, a bidirectional override or half a surrogate pair.
   */
  FileNameInvalid: 'ACTE.FILE_NAME_INVALID',
  /** An annexe's bytes are none of `ActesRules.annexeFormats`. */
  AnnexeFormatInvalid: 'ACTE.ANNEXE_FORMAT_INVALID',
  /** An annexe is not a PDF while the main document is XML. */
  AnnexeFormatNotAllowed: 'ACTE.ANNEXE_FORMAT_NOT_ALLOWED',
  /** An annexe is a PDF without its `%%EOF` end marker. */
  AnnexeTruncated: 'ACTE.ANNEXE_TRUNCATED',
  /** An annexe is an encrypted PDF (an `/Encrypt` entry in its trailer). */
  AnnexeEncrypted: 'ACTE.ANNEXE_ENCRYPTED',
  /** The name of an imported @ctes archive is not `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
  ArchiveNameInvalid: 'ACTE.ARCHIVE_NAME_INVALID',
  /**
   * In an imported @ctes archive, a file's name is not the business file name of this acte:
   * `[NN_XX-]DPT-SIREN-YYYYMMDD-NUMERO-NAT-1-1_n.ext` with the acte's date, numéro interne and nature.
   */
  ArchiveFileNameInvalid: 'ACTE.ARCHIVE_FILE_NAME_INVALID',
  /** Document and annexes together weigh more than `ActesRules.maxArchiveBytes`. */
  ArchiveTooLarge: 'ACTE.ARCHIVE_TOO_LARGE',
} as const;

/** One of the acte validation codes. */
export type ActeErrorCode = (typeof ActeErrorCode)[keyof typeof ActeErrorCode];

/**
 * One broken rule, in the API's `{code, message, field}` shape. `message` is French, for a secrétaire
 * de mairie. `field` names the part at fault (`objet`, `document`, `annexes[1]`, `annexesTypePJ[0]`);
 * it is absent only for the total size, which no single part breaks.
 */
export interface ActeValidationError extends ErrorDetail {
  readonly code: ActeErrorCode;
}

/** Where the checks put what they find: every error is collected, none stops the others. */
export type Report = (code: ActeErrorCode, message: string, field?: string) => void;
