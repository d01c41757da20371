import { ActeErrorCode as Code, type Report } from './acte-validation.errors.js';
import type { ActeMetadataInput, ActesClassification, ActeValidationContext } from './acte-validation.types.js';
import { natureFromInput, type Nature } from './nature.values.js';
import { shown, type Loose } from './value.display.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLASSIFICATION = /^\d+(\.\d+){1,4}$/;
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/u;
// Characters XML 1.0 cannot carry (tab, LF and CR aside) and halves of a broken surrogate pair.
const INVALID_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\p{Cs}]/u;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (so not 2026-02-30 nor 2026-2-3). */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (match === null) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Whether `levels` (two to five matière codes, top first) name a matière of the classification: every
 * level must exist under the one above it. Stopping above the deepest level is allowed, as @ctes
 * requires only the first two.
 */
export function isKnownClassification(classification: ActesClassification, levels: readonly number[]): boolean {
  return classification.codes.has(levels.join('.'));
}

function checkNumeroInterne(numero: unknown, context: ActeValidationContext, report: Report): void {
  if (typeof numero !== 'string' || !context.rules.numeroInternePattern.test(numero)) {
    report(
      Code.NumeroInterneInvalid,
      `Le numéro interne « ${shown(numero)} » n'est pas valable : de 1 à 15 caractères, lettres majuscules sans accent, chiffres et « _ », sans « _ » au début ni à la fin.`,
      'numeroInterne',
    );
    return;
  }
  const existing = context.existingNumerosInternes;
  if (typeof existing === 'function' ? existing(numero) : existing.has(numero)) {
    report(
      Code.NumeroInterneDuplicate,
      `Le numéro interne « ${numero} » a déjà été utilisé pour un autre acte de la collectivité ; chaque acte doit avoir son propre numéro.`,
      'numeroInterne',
    );
  }
}

function checkDate(date: unknown, context: ActeValidationContext, report: Report): void {
  if (typeof date !== 'string' || !isCalendarDate(date)) {
    report(
      Code.DateInvalid,
      `La date de décision « ${shown(date)} » n'est pas une date valable (format attendu AAAA-MM-JJ, par exemple 2026-01-15).`,
      'dateDecision',
    );
  } else if (!context.rules.allowFutureDecisionDate && date > context.today) {
    report(
      Code.DateInFuture,
      `La date de décision (${date}) est postérieure à la date du jour (${context.today}).`,
      'dateDecision',
    );
  }
}

function checkObjet(objet: unknown, context: ActeValidationContext, report: Report): void {
  if (typeof objet !== 'string' || objet.trim() === '') {
    report(Code.ObjetEmpty, "L'objet de l'acte est vide.", 'objet');
    return;
  }
  // Code points, as the XSD's maxLength counts characters: « œ » is one, not two UTF-8 bytes.
  const length = Array.from(objet).length;
  if (length > context.rules.objetMaxLength) {
    report(
      Code.ObjetTooLong,
      `L'objet compte ${length} caractères ; ${context.rules.objetMaxLength} au plus sont acceptés.`,
      'objet',
    );
  }
  if (LINE_BREAK.test(objet)) {
    report(Code.ObjetLineBreak, "L'objet doit tenir sur une seule ligne, sans retour à la ligne.", 'objet');
  }
  // Line breaks and invisible characters have their own codes; every other character past U+00FF cannot be encoded.
  const outside = [
    ...new Set(Array.from(objet).filter((char) => (char.codePointAt(0) ?? 0) > 0xff && !LINE_BREAK.test(char) && !INVALID_CHARACTER.test(char))),
  ];
  if (outside.length > 0) {
    report(
      Code.ObjetNotLatin1,
      `L'objet contient ${outside.map((c) => `« ${c} »`).join(', ')}, que @ctes (ISO-8859-1) ne sait pas transmettre : ` +
        "remplacer par exemple l'apostrophe courbe par ', « œ » par « oe », le tiret long par -.",
      'objet',
    );
  }
  if (INVALID_CHARACTER.test(objet)) {
    report(
      Code.ObjetInvalidCharacter,
      "L'objet contient un caractère invisible non autorisé, souvent venu d'un copier-coller ; le ressaisir.",
      'objet',
    );
  }
}

function checkClassification(
  classification: unknown,
  catalogue: ActesClassification | undefined,
  report: Report,
): number[] | undefined {
  const text = typeof classification === 'string' ? classification : '';
  const levels = CLASSIFICATION.test(text) ? text.split('.').map(Number) : [];
  if (levels.length === 0 || !levels.every(Number.isSafeInteger)) {
    report(
      Code.ClassificationInvalid,
      `La classification « ${shown(classification)} » n'est pas valable : de deux à cinq nombres séparés par des points, par exemple 7.1 ou 1.1.2.`,
      'classification',
    );
    return undefined;
  }
  if (catalogue !== undefined && !isKnownClassification(catalogue, levels)) {
    report(
      Code.ClassificationUnknown,
      `La classification « ${text} » ne figure pas dans la nomenclature de la collectivité (version du ${catalogue.version}) ; choisir une matière existante, par exemple 7.1.`,
      'classification',
    );
    return undefined;
  }
  return levels;
}

function checkDocumentPapier(documentPapier: unknown, report: Report): void {
  if (documentPapier !== undefined && typeof documentPapier !== 'boolean') {
    report(
      Code.DocumentPapierInvalid,
      `L'envoi papier (documentPapier) vaut « ${shown(documentPapier)} » ; indiquer true ou false, ou ne pas le renseigner (false).`,
      'documentPapier',
    );
  }
}

/**
 * Checks the metadata that do not depend on the files, reporting every broken rule, and returns the
 * nature and the classification levels when they could be read (and, with a classification in the
 * context, are a known matière). Any field may hold any JSON value: a wrong type is reported, never thrown on.
 */
export function checkMetadata(
  metadata: Loose<ActeMetadataInput>,
  context: ActeValidationContext,
  report: Report,
): { readonly nature?: Nature; readonly levels?: readonly number[] } {
  checkNumeroInterne(metadata.numeroInterne, context, report);
  checkDate(metadata.dateDecision, context, report);
  const given = metadata.nature;
  const nature = typeof given === 'number' || typeof given === 'string' ? natureFromInput(given) : undefined;
  if (nature === undefined) {
    report(
      Code.NatureInvalid,
      `La nature de l'acte « ${shown(given)} » est inconnue : indiquer 1 à 6, ou DE, AR, AI, CC, BF, AU.`,
      'nature',
    );
  }
  const levels = checkClassification(metadata.classification, context.classification, report);
  checkObjet(metadata.objet, context, report);
  checkDocumentPapier(metadata.documentPapier, report);
  return { nature, levels };
}
