/** The stable codes of a refusal to read what the préfecture sent. */
export const PrefectureMessageErrorCode = {
  /**
   * The files are not an @ctes message: an XML file that is not well-formed or carries a DOCTYPE, no
   * business message at all, or several.
   */
  Unreadable: 'ACTES.REPLY_UNREADABLE',
  /** The business message's root element is not one the préfecture sends (`Acte`, `Foo`…). */
  UnknownMessage: 'ACTES.REPLY_UNKNOWN_MESSAGE',
  /** An element or attribute the schema requires is missing or malformed (a date that is none, an IDActe…). */
  Invalid: 'ACTES.REPLY_INVALID',
  /** The envelope is addressed to one SIREN, the message is about another's acte. */
  SirenMismatch: 'ACTES.REPLY_SIREN_MISMATCH',
  /** The message names a document (`NomFichier`) that is not among the files. */
  DocumentMissing: 'ACTES.REPLY_DOCUMENT_MISSING',
} as const;

/** One of the codes of {@link PrefectureMessageError}. */
export type PrefectureMessageErrorCode = (typeof PrefectureMessageErrorCode)[keyof typeof PrefectureMessageErrorCode];

/**
 * A refusal to read a préfecture → collectivité message. `code` is stable: a transmitter branches on it
 * (set the mail aside, alert); `fileName` names the file at fault when there is one; the message says
 * what is wrong without quoting the file's content.
 */
export class PrefectureMessageError extends Error {
  override readonly name = 'PrefectureMessageError';

  constructor(
    readonly code: PrefectureMessageErrorCode,
    readonly fileName: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(fileName === undefined ? message : `${fileName}: ${message}`, options);
  }
}
