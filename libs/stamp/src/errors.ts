/** The stable codes of what the stamp library refuses. */
export const StampErrorCode = {
  /** Not a PDF, or one whose structure cannot be read (no header, no page tree, no page…). */
  PdfUnreadable: 'STAMP.PDF_UNREADABLE',
  /** An encrypted PDF: it cannot be stamped without its password, and a published acte must open freely. */
  PdfEncrypted: 'STAMP.PDF_ENCRYPTED',
  /** A fact to print is malformed (an IDActe outside printable ASCII, a date that is not one). */
  InvalidFacts: 'STAMP.INVALID_FACTS',
} as const;

/** One of the stamp library's codes. */
export type StampErrorCode = (typeof StampErrorCode)[keyof typeof StampErrorCode];

/** A refusal of the stamp library; `code` is stable, callers branch on it. */
export class StampError extends Error {
  override readonly name = 'StampError';

  constructor(
    readonly code: StampErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a StampError, optionally with the given code. */
export function isStampError(error: unknown, code?: StampErrorCode): error is StampError {
  return error instanceof StampError && (code === undefined || error.code === code);
}
