import { ActeErrorCode as Code, type Report } from './acte-validation.errors.js';
import type { ActesRules } from './acte-validation.rules.js';

function checkOne(typePJ: string, field: string, rules: ActesRules, report: Report): void {
  if (!rules.typePJPattern.test(typePJ)) {
    report(
      Code.TypePJInvalid,
      `Le type de pièce « ${typePJ} » n'est pas valable : format attendu NN_XX, par exemple 99_DE.`,
      field,
    );
  }
}

/**
 * Checks the piece types the collectivité gave: the main document's, and one per annexe. Whether a
 * type suits the nature depends on the préfecture's 7-2 classification and is not checked here.
 */
export function checkPieceTypes(
  typePJ: string | undefined,
  annexesTypePJ: readonly string[] | undefined,
  annexeCount: number,
  rules: ActesRules,
  report: Report,
): void {
  if (typePJ !== undefined) checkOne(typePJ, 'typePJ', rules, report);
  if (annexesTypePJ === undefined) return;
  if (annexesTypePJ.length !== annexeCount) {
    report(
      Code.AnnexesTypePJMismatch,
      `${annexesTypePJ.length} type(s) de pièce indiqué(s) pour ${annexeCount} annexe(s) ; il en faut un par annexe, dans le même ordre.`,
      'annexesTypePJ',
    );
  }
  annexesTypePJ.forEach((type, i) => {
    checkOne(type, `annexesTypePJ[${i}]`, rules, report);
  });
}
