import { ActeErrorCode as Code, type Report } from './acte-validation.errors.js';
import type { ActesRules } from './acte-validation.rules.js';
import type { ActesClassification } from './acte-validation.types.js';
import { defaultTypePJ, type Nature } from './nature.values.js';
import { shown } from './value.display.js';

/** How many allowed types a message lists before cutting the list short. */
const LISTED = 12;

const natureNames: Readonly<Record<Nature['abbreviation'], string>> = {
  DE: 'délibération',
  AR: 'acte réglementaire',
  AI: 'acte individuel',
  CC: 'contrat, convention ou avenant',
  BF: 'document budgétaire ou financier',
  AU: 'autre acte',
};

/** What a piece type is checked against: the rules' shape, and the nature's list in the 7-2 when there is one. */
interface Allowed {
  readonly rules: ActesRules;
  readonly nature: Nature | undefined;
  readonly classification: ActesClassification | undefined;
}

/** Whether `typePJ` has the shape of a piece type; reports it when not. */
function checkShape(typePJ: unknown, field: string, rules: ActesRules, report: Report): typePJ is string {
  if (typeof typePJ === 'string' && rules.typePJPattern.test(typePJ)) return true;
  report(
    Code.TypePJInvalid,
    `Le type de pièce « ${shown(typePJ)} » n'est pas valable : format attendu NN_XX, par exemple 99_DE.`,
    field,
  );
  return false;
}

/** Reports a piece type (given, or the nature's generic one) that the nature does not allow in the 7-2. */
function checkAllowed(typePJ: string, given: boolean, field: string, allowed: Allowed, report: Report): void {
  const { nature, classification } = allowed;
  const natures = classification?.natures;
  if (nature === undefined || classification === undefined || natures === undefined) return;
  const types = natures.get(nature.abbreviation);
  if (types?.has(typePJ) === true) return;
  const list = [...(types ?? [])];
  const listed = list.length === 0 ? 'aucun' : `${list.slice(0, LISTED).join(', ')}${list.length > LISTED ? ', …' : ''}`;
  const which = given ? `Le type de pièce « ${typePJ} »` : `Le type de pièce par défaut « ${typePJ} »`;
  report(
    Code.TypePJNotAllowed,
    `${which} n'est pas admis pour un acte de nature ${nature.abbreviation} (${natureNames[nature.abbreviation]}) ` +
      `par la classification de la collectivité (version du ${classification.version}) ; types admis : ${listed}.`,
    field,
  );
}

/**
 * Checks the piece types: the main document's (`typePJ`, or the nature's generic one) and one per
 * annexe (`annexesTypePJ[i]`, or the generic one), for their shape and, when the context holds the
 * collectivité's classification, for being among those its 7-2 allows for the nature. Any value of
 * any type is reported, never thrown on.
 */
export function checkPieceTypes(
  typePJ: unknown,
  annexesTypePJ: unknown,
  annexeCount: number,
  allowed: Allowed,
  report: Report,
): void {
  const generic = allowed.nature === undefined ? undefined : defaultTypePJ(allowed.nature.abbreviation);
  if (typePJ === undefined) {
    if (generic !== undefined) checkAllowed(generic, false, 'typePJ', allowed, report);
  } else if (checkShape(typePJ, 'typePJ', allowed.rules, report)) {
    checkAllowed(typePJ, true, 'typePJ', allowed, report);
  }
  if (annexesTypePJ !== undefined && !Array.isArray(annexesTypePJ)) {
    report(
      Code.AnnexesTypePJMismatch,
      `Les types de pièce des annexes (annexesTypePJ) doivent être une liste, un par annexe, dans le même ordre.`,
      'annexesTypePJ',
    );
    return;
  }
  const types: readonly unknown[] | undefined = annexesTypePJ;
  if (types !== undefined && types.length !== annexeCount) {
    report(
      Code.AnnexesTypePJMismatch,
      `${types.length} type(s) de pièce indiqué(s) pour ${annexeCount} annexe(s) ; il en faut un par annexe, dans le même ordre.`,
      'annexesTypePJ',
    );
  }
  const count = Math.max(annexeCount, types?.length ?? 0);
  for (let i = 0; i < count; i += 1) {
    const field = `annexesTypePJ[${i}]`;
    const type = types?.[i];
    if (type === undefined) {
      if (generic !== undefined && i < annexeCount) checkAllowed(generic, false, field, allowed, report);
    } else if (checkShape(type, field, allowed.rules, report)) {
      checkAllowed(type, true, field, allowed, report);
    }
  }
}
