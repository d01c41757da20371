/**
 * The rules of an acte submission (DOMAIN.md §1.4–1.8), as pure functions: `validateActe` answers
 * with the normalised acte or with every broken rule under a stable `ACTE.*` code and its field.
 */
export { validateActe } from './acte.validate.js';
export { ActeErrorCode, type ActeValidationError } from './acte-validation.errors.js';
export { DEFAULT_ACTES_RULES, type ActesRules } from './acte-validation.rules.js';
export type {
  ActeFileInput,
  ActeMetadataInput,
  ActeSubmissionInput,
  ActeValidationContext,
  ActeValidationResult,
  ActesClassification,
  NormalizedActe,
  ValidatedAnnexe,
  ValidatedFile,
} from './acte-validation.types.js';
export { isCalendarDate, isKnownClassification } from './acte-metadata.check.js';
export {
  hasPdfEnd,
  isEncryptedPdf,
  PDF_MARKER_WINDOW,
  PDF_TRAILER_WINDOW,
  sniffFormat,
  type FileFormat,
} from './file-format.sniff.js';
export { defaultTypePJ, natureFromInput, type Nature, type NatureCode } from './nature.values.js';
