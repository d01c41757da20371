import type { ActeNature } from '@relais/domain';
import { natureFromInput, type NatureCode } from '../validation/nature.values.js';
import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';

const DPT = '(?:0[0-9][0-9AB]|9[0-9]{2})';
const SIREN = '[0-9]{9}';
const DATE = '[0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])';
const NUMERO = '[A-Za-z0-9_]{1,15}';
const NATURE = '(?:DE|AR|AI|CC|BF|AU)';
const ID_ACTE = `${DPT}-${SIREN}-${DATE}-${NUMERO}-${NATURE}`;

/** A department code as @ctes writes it: `034`, `02A`, `974` (DOMAIN.md §1.7). */
export const DEPARTEMENT_REGEX = new RegExp(`^${DPT}$`);
/** A SIREN: 9 digits. */
export const SIREN_REGEX = new RegExp(`^${SIREN}$`);
/** A date as file names write it: `YYYYMMDD`. */
export const DATE_COMPACT_REGEX = new RegExp(`^${DATE}$`);
/** A numéro interne as the IDActe allows it (the stricter S²LOW rule belongs to validation). */
export const NUMERO_INTERNE_REGEX = new RegExp(`^${NUMERO}$`);
/** A nature abbreviation: `DE`, `AR`, `AI`, `CC`, `BF` or `AU`. */
export const NATURE_ABBREVIATION_REGEX = new RegExp(`^${NATURE}$`);
/** An IDActe: `DPT-SIREN-YYYYMMDD-NUMERO-NAT`, e.g. `034-491011698-20171207-CL20171227_06-DE`. */
export const ID_ACTE_REGEX = new RegExp(`^${ID_ACTE}$`);
/** A business file of a transmission: `[NN_XX-]DPT-SIREN-YYYYMMDD-NUMERO-NAT-T-S_n.ext`. */
export const NOM_FICHIER_METIER_REGEX = new RegExp(
  `^(?:[0-9]{2}_[A-Z]{2}-)?${ID_ACTE}-[1-7]-[1-5]_[0-9]+\\.(?:xml|pdf|png|jpg)$`,
);
/** A collectivité → ministry envelope: `EACT--SIREN--YYYYMMDD-N.xml`. */
export const NOM_ENVELOPPE_REGEX = new RegExp(`^EACT--${SIREN}--${DATE}-[0-9]+\\.xml$`);
/** An outbound archive: `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
export const NOM_ARCHIVE_REGEX = new RegExp(`^[A-Za-z]{3}-EACT--${SIREN}--${DATE}-[0-9]+\\.tar\\.gz$`);
/** A CodeTypePJ of the Actes V2 typology as it prefixes a file name: `99_DE`, `41_NC`. */
export const CODE_TYPE_PJ_REGEX = /^[0-9]{2}_[A-Z]{2}$/;
/** A classification in string form, levels 1 and 2 mandatory, at most 5: `7.1`, `1.1.2`. */
export const CLASSIFICATION_REGEX = /^[0-9]+(?:\.[0-9]+){1,4}$/;

/** The operator trigram used when none is configured. */
export const DEFAULT_OPERATOR_TRIGRAM = 'RLS';

/** A nature of acte, as `CodeNatureActe` carries it (DOMAIN.md §1.5). */
export type NatureActeCode = NatureCode;

/** The two-letter abbreviation of a nature of acte, as it ends the IDActe. */
export type NatureActeAbbreviation = ActeNature;

/** The extensions a business file may have in an outbound transmission. */
export type ActeFileExtension = 'xml' | 'pdf' | 'png' | 'jpg';

/** Maps a nature code to its abbreviation: 1 → `DE`, 2 → `AR`, 3 → `AI`, 4 → `CC`, 5 → `BF`, 6 → `AU`. */
export function natureActeAbbreviation(nature: NatureActeCode): NatureActeAbbreviation {
  const known = natureFromInput(nature);
  if (known === undefined) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidNatureActe,
      'nature',
      `Nature d'acte inconnue: ${String(nature)} (attendu 1 à 6).`,
    );
  }
  return known.abbreviation;
}

/** Whether `value` is a nature code 1..6 (for input that did not come through the type system). */
export function isNatureActeCode(value: unknown): value is NatureActeCode {
  return typeof value === 'number' && natureFromInput(value) !== undefined;
}

/**
 * Checks an ISO date `YYYY-MM-DD` that exists in the calendar and returns it as `YYYYMMDD`.
 * @throws ActesArchiveError `ACTES.INVALID_DATE`
 */
export function compactDate(isoDate: string, field: string): string {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(isoDate);
  const [, year, month, day] = match ?? [];
  if (year !== undefined && month !== undefined && day !== undefined) {
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    if (date.toISOString().startsWith(isoDate)) return `${year}${month}${day}`;
  }
  throw new ActesArchiveError(
    ActesArchiveErrorCode.InvalidDate,
    field,
    `${field}: « ${isoDate} » n'est pas une date YYYY-MM-DD existante.`,
  );
}

/** Throws `code` about `field` unless `value` matches `regex`. */
export function requireMatch(
  value: string,
  regex: RegExp,
  code: ActesArchiveErrorCode,
  field: string,
  expected: string,
): string {
  if (!regex.test(value)) {
    throw new ActesArchiveError(code, field, `${field}: « ${value} » ne respecte pas le format ${expected}.`);
  }
  return value;
}

/** The parts of an IDActe. */
export interface IdActeParts {
  /** Department code of the collectivité (`034`, `02A`). */
  readonly departement: string;
  /** SIREN of the collectivité. */
  readonly siren: string;
  /** Date of the decision, `YYYY-MM-DD`. */
  readonly dateDecision: string;
  /** The collectivité's own number for the acte, unique per collectivité. */
  readonly numeroInterne: string;
  /** Nature of the acte, 1..6. */
  readonly nature: NatureActeCode;
}

/**
 * The IDActe of an acte: `DPT-SIREN-YYYYMMDD-NUMERO-NAT` (e.g. `034-491011698-20171207-CL20171227_06-DE`).
 * It also prefixes every business file of the acte's transmissions.
 * @throws ActesArchiveError with the code of the first part that does not fit.
 */
export function idActe(parts: IdActeParts): string {
  const departement = requireMatch(
    parts.departement,
    DEPARTEMENT_REGEX,
    ActesArchiveErrorCode.InvalidDepartement,
    'departement',
    '0[0-9][0-9AB] ou 9[0-9][0-9]',
  );
  const siren = requireMatch(parts.siren, SIREN_REGEX, ActesArchiveErrorCode.InvalidSiren, 'siren', '9 chiffres');
  const date = compactDate(parts.dateDecision, 'dateDecision');
  const numero = requireMatch(
    parts.numeroInterne,
    NUMERO_INTERNE_REGEX,
    ActesArchiveErrorCode.InvalidNumeroInterne,
    'numeroInterne',
    '[A-Za-z0-9_]{1,15}',
  );
  if (!isNatureActeCode(parts.nature)) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidNatureActe,
      'nature',
      `nature: ${String(parts.nature)} n'est pas un code de nature d'acte (1 à 6).`,
    );
  }
  return `${departement}-${siren}-${date}-${numero}-${natureActeAbbreviation(parts.nature)}`;
}

/** Which file of a 1-1 transmission is being named. */
export interface FichierActeName {
  /** 0 for the XML message, 1 for the main document, 2.. for the annexes. */
  readonly index: number;
  /** Extension of the file, without the dot. */
  readonly extension: ActeFileExtension;
  /** Actes V2 typology code that prefixes documents and annexes (`99_DE`); never on the message. */
  readonly codeTypePJ?: string | undefined;
}

/**
 * The conventional name of a business file of a 1-1 transmission:
 * `[CodeTypePJ-]DPT-SIREN-YYYYMMDD-NUMERO-NAT-1-1_n.ext`.
 * @throws ActesArchiveError `ACTES.INVALID_ID_ACTE`, `ACTES.INVALID_FILE_INDEX`, `ACTES.INVALID_CODE_TYPE_PJ`
 */
export function nomFichierTransmissionActe(idActeValue: string, file: FichierActeName): string {
  requireMatch(idActeValue, ID_ACTE_REGEX, ActesArchiveErrorCode.InvalidIdActe, 'idActe', 'DPT-SIREN-YYYYMMDD-NUMERO-NAT');
  if (!Number.isSafeInteger(file.index) || file.index < 0) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidFileIndex,
      'index',
      `index: ${file.index} n'est pas un entier positif ou nul.`,
    );
  }
  let prefix = '';
  if (file.codeTypePJ !== undefined) {
    if (file.index === 0) {
      throw new ActesArchiveError(
        ActesArchiveErrorCode.InvalidCodeTypePJ,
        'codeTypePJ',
        'codeTypePJ: le message XML (_0) ne porte pas de typologie de pièce.',
      );
    }
    prefix = `${requireMatch(file.codeTypePJ, CODE_TYPE_PJ_REGEX, ActesArchiveErrorCode.InvalidCodeTypePJ, 'codeTypePJ', 'NN_XX')}-`;
  }
  return `${prefix}${idActeValue}-1-1_${file.index}.${file.extension}`;
}

/** Identifies one outbound envelope: which collectivité, which day, which sequence number. */
export interface EnveloppeNameParts {
  /** SIREN of the emitting collectivité. */
  readonly siren: string;
  /** Day the envelope is sent, `YYYY-MM-DD`. */
  readonly dateEnvoi: string;
  /** The collectivité's envelope sequence number, given by the caller. */
  readonly sequence: number;
}

function envelopeBase(parts: EnveloppeNameParts): string {
  const siren = requireMatch(parts.siren, SIREN_REGEX, ActesArchiveErrorCode.InvalidSiren, 'siren', '9 chiffres');
  const date = compactDate(parts.dateEnvoi, 'dateEnvoi');
  if (!Number.isSafeInteger(parts.sequence) || parts.sequence < 0) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.InvalidSequence,
      'sequence',
      `sequence: ${parts.sequence} n'est pas un entier positif ou nul.`,
    );
  }
  return `EACT--${siren}--${date}-${parts.sequence}`;
}

/**
 * The name of a collectivité → ministry envelope: `EACT--SIREN--YYYYMMDD-N.xml`.
 * @throws ActesArchiveError `ACTES.INVALID_SIREN`, `ACTES.INVALID_DATE`, `ACTES.INVALID_SEQUENCE`
 */
export function nomEnveloppe(parts: EnveloppeNameParts): string {
  return `${envelopeBase(parts)}.xml`;
}

/**
 * The name of an outbound archive: `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`, TRI being the operator trigram
 * assigned at homologation (default `RLS`).
 * @throws ActesArchiveError `ACTES.INVALID_OPERATOR_TRIGRAM` and the codes of {@link nomEnveloppe}
 */
export function nomArchive(parts: EnveloppeNameParts & { readonly operatorTrigram?: string | undefined }): string {
  const trigram = requireMatch(
    parts.operatorTrigram ?? DEFAULT_OPERATOR_TRIGRAM,
    /^[A-Za-z]{3}$/,
    ActesArchiveErrorCode.InvalidOperatorTrigram,
    'operatorTrigram',
    '3 lettres',
  );
  return `${trigram}-${envelopeBase(parts)}.tar.gz`;
}
