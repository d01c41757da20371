import {
  DEFAULT_ACTES_RULES,
  defaultTypePJ,
  natureFromInput,
  validateActe,
  type ActeFileInput,
  type ActeMetadataInput,
  type ActesClassification,
  type ActesRules,
} from '@relais/actes';
import type { ActeSubmission, ErrorDetail, Instant } from '@relais/domain';

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
  /** The collectivité's current classification: its last 7-2, or the platform default before one. */
  readonly classification: ActesClassification;
  readonly rules?: ActesRules;
}

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
 * The rules of DOMAIN.md §1.4–1.8 applied to a received acte, all of them `validateActe`'s: numéro
 * interne shape and uniqueness, date, nature, classification (shape, and a matière of the
 * collectivité's classification), objet, documentPapier, piece types (shape, and allowed for the nature
 * by that classification), formats by their bytes, truncated and encrypted PDFs, file names, the
 * 150 MiB budget. Every broken rule is listed; an empty list means valid.
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
      classification,
      rules: input.rules ?? DEFAULT_ACTES_RULES,
    },
  );
  return result.ok ? [] : result.errors.map(({ code, message, field }) => ({ code, message, ...(field === undefined ? {} : { field }) }));
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
