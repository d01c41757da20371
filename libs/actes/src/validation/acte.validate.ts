import { checkAnnexe, checkDocument, checkTotalSize } from './acte-files.check.js';
import { checkMetadata } from './acte-metadata.check.js';
import type { ActeValidationError, Report } from './acte-validation.errors.js';
import type {
  ActeSubmissionInput,
  ActeValidationContext,
  ActeValidationResult,
  ValidatedAnnexe,
} from './acte-validation.types.js';
import { defaultTypePJ } from './nature.values.js';
import { checkPieceTypes } from './piece-type.check.js';

/**
 * Applies the first @ctes rules (DOMAIN.md §1.4–1.8) to a submission and answers with the normalised
 * acte or with every rule it breaks, never only the first. Pure: the numéros already used and today's
 * date come from the caller.
 */
export function validateActe(input: ActeSubmissionInput, context: ActeValidationContext): ActeValidationResult {
  const errors: ActeValidationError[] = [];
  const report: Report = (code, message, field) => {
    errors.push(field === undefined ? { code, message } : { code, message, field });
  };
  const { metadata, document, annexes } = input;
  const { rules } = context;

  const { nature, levels } = checkMetadata(metadata, context, report);
  checkPieceTypes(metadata.typePJ, metadata.annexesTypePJ, annexes.length, rules, report);
  const documentFormat = checkDocument(document, nature, levels, report);
  const annexeFormats = annexes.map((annexe, i) => checkAnnexe(annexe, `annexes[${i}]`, documentFormat, rules, report));
  checkTotalSize(document === undefined ? annexes : [document, ...annexes], rules, report);

  if (
    errors.length > 0 ||
    nature === undefined ||
    levels === undefined ||
    document === undefined ||
    documentFormat === undefined
  ) {
    return { ok: false, errors };
  }
  const generic = defaultTypePJ(nature.abbreviation);
  // Every annexe has a format here: a refused one would have reported an error.
  const validatedAnnexes: ValidatedAnnexe[] = annexes.flatMap((annexe, i) => {
    const format = annexeFormats[i];
    const typePJ = metadata.annexesTypePJ?.[i] ?? generic;
    return format === undefined ? [] : [{ name: annexe.name, size: annexe.size, format, typePJ }];
  });
  return {
    ok: true,
    normalized: {
      numeroInterne: metadata.numeroInterne,
      dateDecision: metadata.dateDecision,
      nature: nature.abbreviation,
      natureCode: nature.code,
      classification: levels.join('.'),
      classificationLevels: levels,
      objet: metadata.objet,
      documentPapier: metadata.documentPapier ?? false,
      typePJ: metadata.typePJ ?? generic,
      document: { name: document.name, size: document.size, format: documentFormat },
      annexes: validatedAnnexes,
    },
  };
}
