import type { FileFormat } from './file-format.sniff.js';

/**
 * The values of the acte rules that DOMAIN.md does not hold for certain (M, L or UNCONFIRMED) or that
 * an operator may tune. Patterns must have neither the `g` nor the `y` flag (`test` would keep state).
 */
export interface ActesRules {
  /** Ceiling on document + annexes, in bytes (S²LOW `ACTES_ARCHIVE_MAX_SIZE`; national value unconfirmed). */
  readonly maxArchiveBytes: number;
  /** Longest objet, in characters (S²LOW 499; the XSD allows 500). */
  readonly objetMaxLength: number;
  /** What a numéro interne must match (S²LOW's rule; the XSD also tolerates `-` and space). */
  readonly numeroInternePattern: RegExp;
  /** What a piece type must match (notice Actes 2.2 `NN_XX`; S²LOW only checks `^[A-Z0-9_]{5}$`). */
  readonly typePJPattern: RegExp;
  /** Whether a date of decision after today is accepted (no source either way). */
  readonly allowFutureDecisionDate: boolean;
  /** Formats accepted for annexes, recognised by their bytes. */
  readonly annexeFormats: readonly FileFormat[];
  /**
   * Whether an encrypted PDF (an `/Encrypt` entry in its trailer) is accepted. S²LOW runs every PDF
   * through a PDF validator; whether it refuses one with only an owner password is not documented.
   */
  readonly allowEncryptedPdf: boolean;
  /** Longest file name, in characters (255, what most file systems and the tar format with long names hold). */
  readonly maxFileNameLength: number;
}

/** 150 MiB, S²LOW's default archive ceiling. */
const MAX_ARCHIVE_BYTES = 150 * 1024 * 1024;

/** The rules as API.md publishes them and S²LOW applies them. */
export const DEFAULT_ACTES_RULES: ActesRules = Object.freeze({
  maxArchiveBytes: MAX_ARCHIVE_BYTES,
  objetMaxLength: 499,
  numeroInternePattern: /^[A-Z0-9]([A-Z0-9_]{0,13}[A-Z0-9])?$/,
  typePJPattern: /^[0-9]{2}_[A-Z]{2}$/,
  allowFutureDecisionDate: false,
  annexeFormats: Object.freeze<FileFormat[]>(['pdf', 'xml', 'png', 'jpeg']),
  allowEncryptedPdf: false,
  maxFileNameLength: 255,
});
