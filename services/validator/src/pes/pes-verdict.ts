import type { ErrorDetail } from '@relais/domain';
import { PesErrorCode, pesErrorDetail, type PesAllerValidation, type PesCheckContext, type PesEncoding, type TripletGrid } from '@relais/pes';
import type { HeliosBudget } from '@relais/service-kit';
import type { NomFicKey } from './nom-fic-claims.js';

/** The issue's « ISO-8859-1 or UTF-8 as declared »: wider than S²LOW, which takes a declared ISO-8859-1 only. */
export const ACCEPTED_PES_ENCODINGS: readonly PesEncoding[] = ['ISO-8859-1', 'UTF-8'];

/**
 * What a collectivité's PES files are checked against: `IdColl` one of its budgets' SIRETs, `IdPost`
 * one of their postes comptables (API.md `helios`), the pièces' triplets in the grid. Pure.
 */
export function pesCheckContext(budgets: readonly HeliosBudget[], triplets: TripletGrid): PesCheckContext {
  return {
    sirets: [...new Set(budgets.map((budget) => budget.siret))],
    idPosts: [...new Set(budgets.map((budget) => budget.idPost))],
    triplets,
    encodings: ACCEPTED_PES_ENCODINGS,
  };
}

/** The NomFic a file claims (its collectivité, CodCol and NomFic), when it has both to claim. Pure. */
export function nomFicKeyOf(siren: string, validation: PesAllerValidation): NomFicKey | undefined {
  const nomFic = validation.summary?.enveloppe.nomFic;
  const codCol = validation.summary?.enTete.codCol;
  if (nomFic === undefined || codCol === undefined || nomFic.trim() === '' || codCol === '') return undefined;
  return { siren, codCol, nomFic };
}

/** What a PES file's verdict is made of. */
export interface PesVerdictInput {
  readonly validation: PesAllerValidation;
  /** Another transmission of the collectivité holds the file's NomFic under its CodCol. */
  readonly nomFicHolder?: string;
}

/**
 * Every problem of a PES file, in the API's shape (`field` says where: see `pesErrorDetail`): the
 * reading's or the operator checks', then `PES.NOM_FIC_DUPLICATE` when another transmission holds its
 * NomFic under its CodCol. Empty: the file is valid. Pure.
 */
export function pesErrors(input: PesVerdictInput): ErrorDetail[] {
  const { validation, nomFicHolder } = input;
  const errors = validation.errors.map(pesErrorDetail);
  const summary = validation.summary;
  if (nomFicHolder !== undefined && summary !== undefined) {
    const line = summary.lines.nomFic;
    errors.push(
      pesErrorDetail({
        code: PesErrorCode.NomFicDuplicate,
        message: `le fichier « ${summary.enveloppe.nomFic ?? ''} » a déjà été transmis sous le CodCol ${summary.enTete.codCol ?? ''} (transmission ${nomFicHolder})`,
        field: 'Enveloppe/Parametres/NomFic',
        ...(line === undefined ? {} : { location: { line } }),
      }),
    );
  }
  return errors;
}
