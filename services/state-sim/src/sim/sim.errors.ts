/** The stable codes of every refusal by the simulated ministry. */
export const SimErrorCode = {
  /** The archive name is not `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
  InvalidArchiveName: 'SIM.INVALID_ARCHIVE_NAME',
  /** The body is not of the expected type (`application/gzip` for an archive, `application/xml` for a PES file). */
  UnsupportedMediaType: 'SIM.UNSUPPORTED_MEDIA_TYPE',
  /** The body, or the tar once inflated, is larger than allowed (a PES file too). */
  ArchiveTooLarge: 'SIM.ARCHIVE_TOO_LARGE',
  /** The body is not gzip. */
  NotGzip: 'SIM.NOT_GZIP',
  /** The inflated body is not a tar. */
  NotTar: 'SIM.NOT_TAR',
  /** A tar entry name with a directory part, `..`, or nothing at all. */
  UnsafeEntryName: 'SIM.UNSAFE_ENTRY_NAME',
  /** A tar entry that is not a regular file (link, directory, device…). */
  UnsupportedEntryType: 'SIM.UNSUPPORTED_ENTRY_TYPE',
  /** More tar entries than any transmission needs. */
  TooManyEntries: 'SIM.TOO_MANY_ENTRIES',
  /** Two tar entries with the same name. */
  DuplicateEntry: 'SIM.DUPLICATE_ENTRY',
  /** No `EACT--SIREN--YYYYMMDD-N.xml` envelope, or several. */
  MissingEnvelope: 'SIM.MISSING_ENVELOPE',
  /** The envelope's name does not match the archive's. */
  EnvelopeNameMismatch: 'SIM.ENVELOPE_NAME_MISMATCH',
  /** An XML file that is not well-formed, or carries a DOCTYPE. */
  MalformedXml: 'SIM.MALFORMED_XML',
  /** The envelope does not say what `EnveloppeCLMISILL` requires. */
  InvalidEnvelope: 'SIM.INVALID_ENVELOPE',
  /** The envelope lists no 1-1 `Acte` message. */
  MissingActeMessage: 'SIM.MISSING_ACTE_MESSAGE',
  /** The 1-1 message does not say what `Acte` requires. */
  InvalidActe: 'SIM.INVALID_ACTE',
  /** A file named by the envelope or by the acte is not in the archive. */
  MissingFile: 'SIM.MISSING_FILE',
  /** A query parameter of the mailbox out of range. */
  InvalidQuery: 'SIM.INVALID_QUERY',
  /** A `/sim/config` body the simulator cannot apply. */
  InvalidConfig: 'SIM.INVALID_CONFIG',
  /** An acknowledgement of a mailbox item that never existed. */
  UnknownMailboxItem: 'SIM.UNKNOWN_MAILBOX_ITEM',
  /** A request for an archive the simulator has not received (or no longer keeps). */
  UnknownArchive: 'SIM.UNKNOWN_ARCHIVE',
  /** A simulated outage (`failNext`): the ministry is not answering. */
  Unavailable: 'SIM.UNAVAILABLE',
  /** A 6-1 archive whose envelope or `Annulation` message is missing or not what @ctes sends. */
  InvalidAnnulation: 'SIM.INVALID_ANNULATION',
  /** A 6-1 naming an IDActe the simulated préfecture never acknowledged (no 1-2 issued for it). */
  UnknownIdActe: 'SIM.UNKNOWN_ID_ACTE',
  /** An answer to a letter (2-2, 3-2…3-4, 4-2…4-4) whose envelope or message is not what @ctes sends. */
  InvalidReply: 'SIM.INVALID_REPLY',
  /** An answer naming a letter (IDActe + DateCourrierPref) of its transaction that this préfecture never sent. */
  UnknownCourrier: 'SIM.UNKNOWN_COURRIER',
  /** A 7-1 archive whose envelope or `DemandeClassification` message is not what @ctes sends. */
  InvalidClassificationRequest: 'SIM.INVALID_CLASSIFICATION_REQUEST',
  /** A letter asked of the préfecture with a code other than 2-1, 3-1, 4-1 or 5-1. */
  InvalidMessageCode: 'SIM.INVALID_MESSAGE_CODE',
  /** A letter asked of the préfecture with a body it cannot use (not an object, `text` not a short string). */
  InvalidMessage: 'SIM.INVALID_MESSAGE',
  /** A PES file name that is not `PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml` (14-digit SIRET, a real day, a counter of 3 digits or more). */
  InvalidPesFileName: 'SIM.INVALID_PES_FILE_NAME',
  /** A PES deposit without its `X-Pes-Routing` header (the P_MSG site command of the DGFiP's gateway). */
  MissingPesRouting: 'SIM.MISSING_PES_ROUTING',
  /** An `X-Pes-Routing` header that is not `PES#<CodCol>#<IdPost>#<CodBud>`. */
  InvalidPesRouting: 'SIM.INVALID_PES_ROUTING',
  /** The routing names a CodCol, IdPost or CodBud other than the file's `EnTetePES`. */
  PesRoutingMismatch: 'SIM.PES_ROUTING_MISMATCH',
  /** The SIRET of the file name is not the file's `EnTetePES/IdColl`. */
  PesIdCollMismatch: 'SIM.PES_ID_COLL_MISMATCH',
  /** The file's bytes are not in the encoding it declares, or it declares one that is neither ISO-8859-1 nor UTF-8. */
  PesEncodingInvalid: 'SIM.PES_ENCODING_INVALID',
  /** The root element is not `PES_Aller` in its namespace. */
  NotPesAller: 'SIM.NOT_PES_ALLER',
  /** A PES_Aller without what the DGFiP needs to answer it: a NomFic of 1 to 100 Latin-1 characters, an IdPost, an IdColl, a CodCol. */
  InvalidPesAller: 'SIM.INVALID_PES_ALLER',
  /** A request for a PES file the simulator has not received (or no longer keeps). */
  UnknownPesFile: 'SIM.UNKNOWN_PES_FILE',
  /** An acknowledgement of a DGFiP return that never existed. */
  UnknownPesReturn: 'SIM.UNKNOWN_PES_RETURN',
  /** A PES_Retour asked of the DGFiP with a body it cannot use (not an object, a SIRET that is not 14 digits…). */
  InvalidPesRetour: 'SIM.INVALID_PES_RETOUR',
} as const;

/** One of the simulator's error codes. */
export type SimErrorCode = (typeof SimErrorCode)[keyof typeof SimErrorCode];

/** A delivery the simulated ministry refuses; `code` is stable, the message says why in plain words. */
export class SimError extends Error {
  override readonly name = 'SimError';

  constructor(
    readonly code: SimErrorCode,
    message: string,
  ) {
    super(message);
  }
}
