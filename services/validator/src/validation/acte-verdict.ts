import {
  DEFAULT_ACTES_RULES,
  defaultTypePJ,
  natureFromInput,
  validateActe,
  type ActeFileInput,
  type ActeMetadataInput,
  type ActesRules,
} from '@relais/actes';
import type { ActeSubmission, ErrorDetail, Instant } from '@relais/domain';
import { isKnownClassification, type ClassificationCatalogue } from '../classification/classification-catalogue.js';

/** Codes the validator adds to `@relais/actes`' `ActeErrorCode` (same `ACTE.` namespace, equally stable). */
export const ValidatorErrorCode = {
  /** The classification is well formed but not a matière of the collectivité's classification. */
  ClassificationUnknown: 'ACTE.CLASSIFICATION_UNKNOWN',
} as const;

/** The bytes the rules look at, read from the blob store: undefined for a file not stored. */
export interface ActeFiles {
  readonly document: ActeFileInput | undefined;
  readonly annexes: readonly ActeFileInput[];
}

/** Everything one verdict depends on; the same input always gives the same errors, in the same order. */
export interface VerdictInput {
  readonly submission: ActeSubmission;
  readonly files: ActeFiles;
  /** When the gateway received the acte: "today" for the date rule is this instant's date in Paris. */
  readonly receivedAt: Instant;
  /** Whether another transmission of the collectivité holds this numéro interne. */
  readonly numeroTakenByOther: boolean;
  readonly classification: ClassificationCatalogue;
  readonly rules?: ActesRules;
}

const CLASSIFICATION = /^\d+(\.\d+){1,4}$/;

const parisDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date (`YYYY-MM-DD`) of `instant` in Europe/Paris, the collectivités' legal time. */
export function parisDateOf(instant: Instant): string {
  return parisDate.format(new Date(instant));
}

/**
 * The rules of DOMAIN.md §1.4–1.8 applied to a received acte: `validateActe`'s rules (numéro interne
 * shape and uniqueness, date, nature, classification shape, objet, piece types, formats by their
 * bytes, truncated PDFs, the 150 MiB budget) and the classification checked against the collectivité's
 * matières. Every broken rule is listed; an empty list means valid.
 */
export function acteErrors(input: VerdictInput): ErrorDetail[] {
  const { submission, files, numeroTakenByOther, classification } = input;
  const metadata: ActeMetadataInput = {
    numeroInterne: submission.numeroInterne,
    dateDecision: submission.dateDecision,
    nature: submission.nature,
    classification: submission.classification,
    objet: submission.objet,
    documentPapier: submission.documentPapier,
    ...(submission.typePJ === undefined ? {} : { typePJ: submission.typePJ }),
    ...annexesTypePJ(submission),
  };
  const result = validateActe(
    { metadata, document: files.document, annexes: files.annexes },
    {
      today: parisDateOf(input.receivedAt),
      existingNumerosInternes: () => numeroTakenByOther,
      rules: input.rules ?? DEFAULT_ACTES_RULES,
    },
  );
  const errors: ErrorDetail[] = result.ok ? [] : result.errors.map(({ code, message, field }) => ({ code, message, ...(field === undefined ? {} : { field }) }));
  // A malformed classification is already reported by validateActe; only a well-formed one is looked up.
  if (CLASSIFICATION.test(submission.classification)) {
    const levels = submission.classification.split('.').map(Number);
    if (!isKnownClassification(classification, levels)) {
      errors.push({
        code: ValidatorErrorCode.ClassificationUnknown,
        message: `La classification « ${submission.classification} » ne figure pas dans la nomenclature de la collectivité (version du ${classification.version}) ; choisir une matière existante, par exemple 7.1.`,
        field: 'classification',
      });
    }
  }
  return errors;
}

/**
 * The annexes' piece types as validateActe takes them (one per annexe, or none): absent when no
 * annexe has one; when only some have one, the others get the nature's generic type, which is what
 * an annexe without a type is sent as.
 */
function annexesTypePJ(submission: ActeSubmission): { annexesTypePJ?: readonly string[] } {
  const types = submission.annexes.map((annexe) => annexe.typePJ);
  if (types.every((type) => type === undefined)) return {};
  const nature = natureFromInput(submission.nature);
  // An unknown nature is reported on its own; without it there is no generic type to fill in.
  if (nature === undefined) return {};
  const generic = defaultTypePJ(nature.abbreviation);
  return { annexesTypePJ: types.map((type) => type ?? generic) };
}
