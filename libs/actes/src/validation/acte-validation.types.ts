import type { ActeNature } from '@relais/domain';

import type { ActeValidationError } from './acte-validation.errors.js';
import type { ActesRules } from './acte-validation.rules.js';
import type { FileFormat } from './file-format.sniff.js';
import type { NatureCode } from './nature.values.js';

/** The `metadata` part of `POST /api/v1/actes`, once decoded from JSON. */
export interface ActeMetadataInput {
  readonly numeroInterne: string;
  /** `YYYY-MM-DD`. */
  readonly dateDecision: string;
  /** 1..6 or `DE`, `AR`, `AI`, `CC`, `BF`, `AU`. */
  readonly nature: number | string;
  /** Matière codes joined by dots, two to five levels (`7.1`). */
  readonly classification: string;
  readonly objet: string;
  readonly documentPapier?: boolean;
  /** Piece type of the main document; the nature's generic one when absent. */
  readonly typePJ?: string;
  /** Piece type of each annexe, in order; when given, one per annexe. */
  readonly annexesTypePJ?: readonly string[];
}

/** A received file, described without its full content: the rules need only its ends. */
export interface ActeFileInput {
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** The first bytes (at least 1024, or the whole file if smaller). */
  readonly head: Uint8Array;
  /** The last bytes (at least 1024, or the whole file); when given, a PDF must end with `%%EOF`. */
  readonly tail?: Uint8Array;
}

/** An acte submission as the validator receives it. */
export interface ActeSubmissionInput {
  readonly metadata: ActeMetadataInput;
  readonly document?: ActeFileInput;
  readonly annexes: readonly ActeFileInput[];
  /**
   * Present when the acte came in an @ctes archive (`POST /api/v1/actes/archive`): then the archive's
   * name and its files' names follow DOMAIN.md §1.7.
   */
  readonly archive?: { readonly name: string };
}

/**
 * A collectivité's current classification, from its préfecture's 7-2 `RetourClassification` (or the
 * platform default): the matières an acte may be classified under and the piece types each nature allows.
 */
export interface ActesClassification {
  /** `DateClassification`, `YYYY-MM-DD`. */
  readonly version: string;
  /** Every matière code at every level, levels as numbers without leading zeros joined by dots: `7`, `7.1`, `7.1.2`. */
  readonly codes: ReadonlySet<string>;
  /**
   * The `CodeTypePJ` each nature allows (`NaturesActes/NatureActe/TypePJNatureActe`). Absent when the
   * 7-2 lists no piece type at all (before the Actes V2 typology): piece types are then checked for
   * their shape only. When present, a nature it does not list allows no piece type.
   */
  readonly natures?: ReadonlyMap<ActeNature, ReadonlySet<string>>;
}

/** What the rules need beyond the submission. */
export interface ActeValidationContext {
  /** The collectivité's date of today, `YYYY-MM-DD`, in Europe/Paris time (not UTC: a decision dated the 1st at 00:30 is not in the future). */
  readonly today: string;
  /** The collectivité's numéros internes already used, or a test of whether one is. */
  readonly existingNumerosInternes: ReadonlySet<string> | ((numero: string) => boolean);
  /**
   * The collectivité's current classification. Without it, the classification and the piece types
   * are checked for their shape only.
   */
  readonly classification?: ActesClassification;
  readonly rules: ActesRules;
}

/** A file that passed the rules, with the format its bytes showed. */
export interface ValidatedFile {
  readonly name: string;
  readonly size: number;
  readonly format: FileFormat;
}

/** An annexe that passed the rules, with its piece type (given, or the nature's generic one). */
export interface ValidatedAnnexe extends ValidatedFile {
  readonly typePJ: string;
}

/** The submission, checked and normalised: the nature under both names, the classification as numbers, piece types filled in. */
export interface NormalizedActe {
  readonly numeroInterne: string;
  readonly dateDecision: string;
  readonly nature: ActeNature;
  readonly natureCode: NatureCode;
  /** Canonical form: levels without leading zeros, joined by dots. */
  readonly classification: string;
  readonly classificationLevels: readonly number[];
  readonly objet: string;
  readonly documentPapier: boolean;
  /** Piece type of the main document. */
  readonly typePJ: string;
  readonly document: ValidatedFile;
  readonly annexes: readonly ValidatedAnnexe[];
}

/** Either the normalised acte or every rule it breaks. */
export type ActeValidationResult =
  | { readonly ok: true; readonly normalized: NormalizedActe }
  | { readonly ok: false; readonly errors: readonly ActeValidationError[] };
