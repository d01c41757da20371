/** The stable codes of the privacy library's refusals. */
export const PrivacyErrorCode = {
  /** The subject's personal data were shredded (or their shredding was asked): nothing is sealed or revealed for it any more. */
  Shredded: 'PRIVACY.PERSONAL_DATA_SHREDDED',
  /** A sealed value whose subject has no key at all: the key store does not match the log (a partial restore?). */
  KeyMissing: 'PRIVACY.KEY_MISSING',
  /** A sealed value that does not open with its subject's key and field: altered, moved, or not a sealed value. */
  Unreadable: 'PRIVACY.SEALED_FIELD_UNREADABLE',
  /** A key that is not 32 bytes. */
  InvalidKey: 'PRIVACY.INVALID_KEY',
} as const;

/** One of the privacy codes. */
export type PrivacyErrorCode = (typeof PrivacyErrorCode)[keyof typeof PrivacyErrorCode];

/** A refusal of the privacy library, with its stable code. */
export class PrivacyError extends Error {
  override readonly name = 'PrivacyError';

  constructor(
    readonly code: PrivacyErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Whether `error` is a PrivacyError, of `code` when given. */
export function isPrivacyError(error: unknown, code?: PrivacyErrorCode): error is PrivacyError {
  return error instanceof PrivacyError && (code === undefined || error.code === code);
}
