import { checkAnnexe, checkArchiveNames, checkDocument, checkTotalSize } from './acte-files.check.js';
import { checkMetadata } from './acte-metadata.check.js';
import type { ActeValidationError, Report } from './acte-validation.errors.js';
import type {
  ActeMetadataInput,
  ActeSubmissionInput,
  ActeValidationContext,
  ActeValidationResult,
  ValidatedAnnexe,
} from './acte-validation.types.js';
import { defaultTypePJ } from './nature.values.js';
import { checkPieceTypes } from './piece-type.check.js';
import type { Loose } from './value.display.js';

/**
 * Applies the @ctes rules (DOMAIN.md §1.4–1.8) to a submission and answers with the normalised acte
 * or with every rule it breaks, never only the first, each under a stable `ACTE.*` code with the
 * field at fault. Pure: the numéros already used, today's date and the collectivité's classification
 * come from the caller. The metadata may hold any JSON value in any field and the files any bytes:
 * what is wrong is reported, never thrown on.
 */
export function validateActe(input: ActeSubmissionInput, context: ActeValidationContext): ActeValidationResult {
  const errors: ActeValidationError[] = [];
  const report: Report = (code, message, field) => {
    errors.push(field === undefined ? { code, message } : { code, message, field });
  };
  const { document, annexes, archive } = input;
  // Read as a client may have sent them: the checks test each field's type before its value.
  const metadata: Loose<ActeMetadataInput> = input.metadata;
  const { rules } = context;

  const { nature, levels } = checkMetadata(metadata, context, report);
  checkPieceTypes(metadata.typePJ, metadata.annexesTypePJ, annexes.length, { rules, nature, classification: context.classification }, report);
  const documentFormat = checkDocument(document, nature, levels, rules, report);
  const annexeFormats = annexes.map((annexe, i) => checkAnnexe(annexe, `annexes[${i}]`, documentFormat, rules, report));
  checkTotalSize(document === undefined ? annexes : [document, ...annexes], rules, report);
  if (archive !== undefined) {
    const files = [
      ...(document === undefined ? [] : [{ file: document, field: 'document' }]),
      ...annexes.map((file, i) => ({ file, field: `annexes[${i}]` })),
    ];
    checkArchiveNames(archive.name, files, { dateDecision: metadata.dateDecision, numeroInterne: metadata.numeroInterne, nature }, report);
  }

  if (
    errors.length > 0 ||
    nature === undefined ||
    levels === undefined ||
    document === undefined ||
    documentFormat === undefined
  ) {
    return { ok: false, errors };
  }
  // No error: every field has the type its rule wants, so the typed metadata can be read as they are.
  const valid = input.metadata;
  const generic = defaultTypePJ(nature.abbreviation);
  // Every annexe has a format here: a refused one would have reported an error.
  const validatedAnnexes: ValidatedAnnexe[] = annexes.flatMap((annexe, i) => {
    const format = annexeFormats[i];
    const typePJ = valid.annexesTypePJ?.[i] ?? generic;
    return format === undefined ? [] : [{ name: annexe.name, size: annexe.size, format, typePJ }];
  });
  return {
    ok: true,
    normalized: {
      numeroInterne: valid.numeroInterne,
      dateDecision: valid.dateDecision,
      nature: nature.abbreviation,
      natureCode: nature.code,
      classification: levels.join('.'),
      classificationLevels: levels,
      objet: valid.objet,
      documentPapier: valid.documentPapier ?? false,
      typePJ: valid.typePJ ?? generic,
      document: { name: document.name, size: document.size, format: documentFormat },
      annexes: validatedAnnexes,
    },
  };
}
