/**
 * Stable codes of what the file checks say about a file. Callers branch on these codes, never on the
 * messages or reasons, which are for people.
 */

/** Codes the transmission reports about the file itself (a verdict, not a failure of the check). */
export const FILE_CODES = {
  /** The antivirus found a signature in the file: it is not sent. */
  VIRUS_FOUND: 'FILE.VIRUS_FOUND',
} as const;

/** One of {@link FILE_CODES}. */
export type FileCode = (typeof FILE_CODES)[keyof typeof FILE_CODES];

/** Codes of a check that could not be made: the file is neither clean nor infected, it is unchecked. */
export const FILE_CHECK_ERRORS = {
  /** No clamd answered in time (refused, reset, unknown socket, timeout, a PING without PONG): retry later. */
  ANTIVIRUS_UNAVAILABLE: 'FILE_CHECK.ANTIVIRUS_UNAVAILABLE',
  /** The file is longer than clamd's `StreamMaxLength`: retrying changes nothing, the daemon's limit must be raised. */
  ANTIVIRUS_SIZE_LIMIT: 'FILE_CHECK.ANTIVIRUS_SIZE_LIMIT',
  /** clamd answered `… ERROR` for another reason, or something that is not a clamd answer. */
  ANTIVIRUS_FAILED: 'FILE_CHECK.ANTIVIRUS_FAILED',
} as const;

/** One of {@link FILE_CHECK_ERRORS}. */
export type FileCheckErrorCode = (typeof FILE_CHECK_ERRORS)[keyof typeof FILE_CHECK_ERRORS];

/** A check that could not be made, with its stable code; distinct from any verdict on the file. */
export class FileCheckError extends Error {
  constructor(
    readonly code: FileCheckErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'FileCheckError';
  }
}

/** Why a detached CMS (PKCS#7) signature of an acte does not hold. */
export const SIGNATURE_CODES = {
  /** Not a CMS SignedData (DER, PEM or base64), or one that lacks what a verification needs (a signer, its certificate, a known algorithm). */
  MALFORMED: 'SIGNATURE.MALFORMED',
  /** The SignedData carries the content itself: an acte's `Signature` holds detached signatures only. */
  NOT_DETACHED: 'SIGNATURE.NOT_DETACHED',
  /** The signed message digest is not the file's: the file was changed after it was signed. */
  CONTENT_MISMATCH: 'SIGNATURE.CONTENT_MISMATCH',
  /** The signature value does not verify with the signer's public key. */
  INVALID: 'SIGNATURE.INVALID',
  /** Trusted certificates were given and no chain leads from the signer to one of them. */
  SIGNER_UNTRUSTED: 'SIGNATURE.SIGNER_UNTRUSTED',
  /** The signer's certificate (or one of its chain) is not valid now, or was not at the signing time it states. */
  SIGNER_EXPIRED: 'SIGNATURE.SIGNER_EXPIRED',
} as const;

/** One of {@link SIGNATURE_CODES}. */
export type SignatureCode = (typeof SIGNATURE_CODES)[keyof typeof SIGNATURE_CODES];

/** What is wrong with an XAdES signature of a PES, or why the PES's signatures were not checked. */
export const PES_SIGNATURE_CODES = {
  /** A reference's digest, the signature value or the signing certificate's digest is wrong: what was signed was altered. */
  INVALID: 'PES.SIGNATURE_INVALID',
  /** The signature cannot be verified as it is: no SignedInfo, no certificate, an unknown algorithm or transform… */
  MALFORMED: 'PES.SIGNATURE_MALFORMED',
  /** The file was not read for signatures: larger than the DOM limit, not decodable, not well-formed, or a DOCTYPE. */
  NOT_CHECKED: 'PES.SIGNATURE_NOT_CHECKED',
} as const;

/** One of {@link PES_SIGNATURE_CODES}. */
export type PesSignatureCode = (typeof PES_SIGNATURE_CODES)[keyof typeof PES_SIGNATURE_CODES];

/** The message of anything thrown (Node's own errors may come from another realm: no `instanceof`). */
export function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);
}

/** The `code` of a Node error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
