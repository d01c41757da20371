/** The stable code of a classification file that cannot serve (`ACTES.CLASSIFICATION_INVALID`). */
export const ClassificationErrorCode = {
  /** A 7-2 or JSON classification without a date, without matières, or with a malformed code. */
  Invalid: 'ACTES.CLASSIFICATION_INVALID',
} as const;

/** One of the classification error codes. */
export type ClassificationErrorCode = (typeof ClassificationErrorCode)[keyof typeof ClassificationErrorCode];

/**
 * A 7-2 `RetourClassification` (or the platform's JSON form of one) that cannot serve as a
 * classification. The code is stable; the message says what is wrong (and, from
 * `loadClassificationFile`, in which file).
 */
export class ClassificationFileError extends Error {
  override readonly name = 'ClassificationFileError';
  readonly code: ClassificationErrorCode = ClassificationErrorCode.Invalid;
}
