/** The stable codes of every refusal while reading an @ctes archive received from outside. */
export const ActesImportErrorCode = {
  /** The archive name is not `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
  ArchiveNameInvalid: 'ACTES.ARCHIVE_NAME_INVALID',
  /** The tar, once inflated, is larger than allowed (a gzip bomb stops here). */
  TooLarge: 'ACTES.ARCHIVE_TOO_LARGE',
  /** The bytes are not gzip. */
  NotGzip: 'ACTES.ARCHIVE_NOT_GZIP',
  /** The inflated bytes are not a tar. */
  NotTar: 'ACTES.ARCHIVE_NOT_TAR',
  /** A tar entry name with a directory part, `..`, an absolute path, or nothing at all. */
  UnsafeEntryName: 'ACTES.ARCHIVE_UNSAFE_ENTRY_NAME',
  /** A tar entry that is not a regular file (symlink, hardlink, directory, device…). */
  UnsupportedEntryType: 'ACTES.ARCHIVE_UNSUPPORTED_ENTRY_TYPE',
  /** More tar entries than any transmission needs. */
  TooManyEntries: 'ACTES.ARCHIVE_TOO_MANY_ENTRIES',
  /** Two tar entries with the same name. */
  DuplicateEntry: 'ACTES.ARCHIVE_DUPLICATE_ENTRY',
  /** No `EACT--SIREN--YYYYMMDD-N.xml` envelope, or several. */
  MissingEnvelope: 'ACTES.ARCHIVE_MISSING_ENVELOPE',
  /** The envelope's name does not match the archive's, or its SIREN. */
  EnvelopeNameMismatch: 'ACTES.ARCHIVE_ENVELOPE_NAME_MISMATCH',
  /** An XML file of the archive carries a DOCTYPE (the only way to declare entities: XML bombs, XXE). */
  XmlDoctype: 'ACTES.ARCHIVE_XML_DOCTYPE',
  /** An XML file of the archive is not well-formed. */
  XmlMalformed: 'ACTES.ARCHIVE_XML_MALFORMED',
  /** The envelope does not say what `EnveloppeCLMISILL` requires. */
  InvalidEnvelope: 'ACTES.ARCHIVE_INVALID_ENVELOPE',
  /** The envelope lists no well-named 1-1 `Acte` message, or several. */
  MissingActeMessage: 'ACTES.ARCHIVE_MISSING_ACTE_MESSAGE',
  /** The 1-1 message does not say what `Acte` requires. */
  InvalidActe: 'ACTES.ARCHIVE_INVALID_ACTE',
  /** A file named by the envelope or by the acte is not in the archive. */
  MissingFile: 'ACTES.ARCHIVE_MISSING_FILE',
} as const;

/** One of the archive import error codes. */
export type ActesImportErrorCode = (typeof ActesImportErrorCode)[keyof typeof ActesImportErrorCode];

/** How far unpacking went before a refusal: what a bound stopped, and when. */
export interface UnpackProgress {
  /** Bytes inflated when the refusal came (never more than the bound plus one zlib chunk). */
  readonly inflatedBytes: number;
  /** Tar entries seen when the refusal came. */
  readonly entries: number;
}

/**
 * A refusal to read an @ctes archive. `code` is stable: callers branch on it (or map it to their own);
 * `message` says why in plain words, never quoting a file's content; `progress` says how much was
 * unpacked when the refusal came.
 */
export class ActesImportError extends Error {
  override readonly name = 'ActesImportError';

  constructor(
    readonly code: ActesImportErrorCode,
    message: string,
    readonly progress?: UnpackProgress,
  ) {
    super(message);
  }
}
