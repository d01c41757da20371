/** The stable codes of an archive or PES file that cannot be made ready, whatever the number of tries. */
export const PackagingErrorCode = {
  /** The transmission's SIREN has no registration to take the envelope's sender from. */
  CollectiviteUnknown: 'TRANSMITTER.COLLECTIVITE_UNKNOWN',
  /** A file of the acte is not in the blob store. */
  FileMissing: 'TRANSMITTER.FILE_MISSING',
  /** A file whose type @ctes does not carry (PDF, XML, PNG, JPEG only). */
  FileTypeUnsupported: 'TRANSMITTER.FILE_TYPE_UNSUPPORTED',
  /** A file whose stored bytes do not hash to the recorded SHA-256. */
  FileCorrupt: 'TRANSMITTER.FILE_CORRUPT',
  /** Only actes are packaged for @ctes. */
  NotAnActe: 'TRANSMITTER.NOT_AN_ACTE',
  /** Only PES files are sent to Hélios. */
  NotAPesFile: 'TRANSMITTER.NOT_A_PES_FILE',
} as const;

/** One of the packaging error codes. */
export type PackagingErrorCode = (typeof PackagingErrorCode)[keyof typeof PackagingErrorCode];

/**
 * An archive that cannot be built from what the transmission holds: retrying cannot help, so delivery
 * ends (`failed`) with the reason, and an operator may retry once the cause is fixed. `code` is a
 * packaging code, the `ACTES.*` code of the naming and XML rules, or the `PES.*` code of a PES file's
 * name or route.
 */
export class PackagingError extends Error {
  override readonly name = 'PackagingError';

  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
