import { PesErrorCode, type PesError, type PesErrorLocation } from '../pes.errors.js';
import type { PesEncoding } from '../xml/xml-encoding.js';
import { PES_ALLER_NAMESPACE, type PesAllerSummary, type PesBordereauSummary, type PesFieldName } from './pes-aller.types.js';
import { tripletKey, type TripletGrid } from './triplet-grid.js';

/** What the checks know of the submitting collectivité and of the operator's rules. */
export interface PesCheckContext {
  /** The SIRETs of the collectivité's budgets: `IdColl` must be one of them. */
  readonly sirets: readonly string[];
  /** The postes comptables (codiques) known for the collectivité: `IdPost` must be one of them. */
  readonly idPosts: readonly string[];
  /** The grille des triplets (see `loadTripletGrid`). */
  readonly triplets: TripletGrid;
  /** The declared encodings accepted; default ISO-8859-1 only, as S²LOW (DOMAIN.md §2.3). */
  readonly encodings?: readonly PesEncoding[];
  /** The `TypFic` values accepted; default `PESALR2`. */
  readonly typFics?: readonly string[];
}

/** Longest `NomFic` (DOMAIN.md §2.2). */
export const NOM_FIC_MAX_LENGTH = 100;
/** Longest `CodCol` (Alphanum3). */
export const COD_COL_MAX_LENGTH = 3;
/** Longest `CodBud` (Alphanum2). */
export const COD_BUD_MAX_LENGTH = 2;
/** Longest `IdPost` (Texte7). */
export const ID_POST_MAX_LENGTH = 7;
/** Longest PJ `IdUnique` (Alphanum50). */
export const ID_UNIQUE_MAX_LENGTH = 50;
/** The `TypFic` of a PES_Aller in practice. */
export const DEFAULT_TYP_FICS: readonly string[] = ['PESALR2'];
/** What S²LOW accepts: a declared ISO-8859-1. */
export const DEFAULT_ENCODINGS: readonly PesEncoding[] = ['ISO-8859-1'];

const SIRET = /^[0-9]{14}$/;
const FIELD_PATHS: Readonly<Record<PesFieldName, string>> = {
  version: 'Enveloppe/Parametres/Version',
  typFic: 'Enveloppe/Parametres/TypFic',
  nomFic: 'Enveloppe/Parametres/NomFic',
  dteStr: 'EnTetePES/DteStr',
  idPost: 'EnTetePES/IdPost',
  idColl: 'EnTetePES/IdColl',
  codCol: 'EnTetePES/CodCol',
  codBud: 'EnTetePES/CodBud',
  libelleColBud: 'EnTetePES/LibelleColBud',
  finJur: 'EnTetePES/FinJur',
};
const DOMAIN_LABELS = { depense: 'de la dépense', recette: 'de la recette' } as const;

/**
 * The operator's checks of a PES_Aller before it goes to Hélios (DOMAIN.md §2.3, S²LOW's
 * `HeliosEnvoiControler`, plus the identifiers Hélios itself rejects a flow for): the declared
 * encoding, the root, not empty, `TypFic`, `NomFic`, `IdColl` among the collectivité's SIRETs, `CodCol`,
 * `CodBud`, `IdPost` among its postes, each pièce's triplet in the grid, each PJ's `IdUnique` (present,
 * ≤ 50, unique in the file) and content (base64 of gzip). Well-formedness and the encoding itself are
 * checked while reading ({@link readPesAller} refuses the file). `NomFic` unique per `CodCol` needs the
 * database: {@link PesErrorCode.NomFicDuplicate} is for the caller. Returns every problem, in file order
 * within each rule; empty when the file passes.
 */
export function checkPesAller(summary: PesAllerSummary, context: PesCheckContext): PesError[] {
  const { root } = summary;
  if (root.name !== 'PES_Aller') {
    return [error(PesErrorCode.NotPesAller, `la racine du fichier est « ${root.name} » et non « PES_Aller » : ce n’est pas un PES Aller`, undefined, { line: 1 })];
  }
  const errors: PesError[] = [];
  const encodings = context.encodings ?? DEFAULT_ENCODINGS;
  if (summary.declaredEncoding === undefined || !encodings.includes(summary.declaredEncoding)) {
    const declared = summary.declaredEncoding === undefined ? 'ne déclare aucun encodage' : `déclare l’encodage ${summary.declaredEncoding}`;
    errors.push(error(PesErrorCode.EncodingNotAccepted, `le fichier ${declared} ; attendu : ${encodings.join(' ou ')}`, undefined, { line: 1 }));
  }
  if (root.namespace !== PES_ALLER_NAMESPACE) {
    errors.push(error(PesErrorCode.NotPesAller, `la racine PES_Aller est dans l’espace de noms « ${root.namespace} » au lieu de « ${PES_ALLER_NAMESPACE} »`, undefined, { line: 1 }));
  }
  const { blocks } = summary;
  if (summary.bordereaux.length === 0 && summary.pjs.length === 0 && !blocks.marche && !blocks.budget && !blocks.facture) {
    errors.push(error(PesErrorCode.Empty, 'le fichier ne contient ni bordereau, ni pièce justificative, ni marché : Hélios n’y répondrait pas'));
  }
  errors.push(...checkIdentifiers(summary, context));
  for (const bordereau of summary.bordereaux) errors.push(...checkTriplets(bordereau, context.triplets));
  errors.push(...checkPjs(summary));
  return errors;
}

function checkIdentifiers(summary: PesAllerSummary, context: PesCheckContext): PesError[] {
  const errors: PesError[] = [];
  const { enveloppe, enTete } = summary;
  const at = (field: PesFieldName): PesErrorLocation | undefined => {
    const line = summary.lines[field];
    return line === undefined ? undefined : { line };
  };
  const typFics = context.typFics ?? DEFAULT_TYP_FICS;
  if (enveloppe.typFic === undefined || !typFics.includes(enveloppe.typFic)) {
    const found = enveloppe.typFic === undefined ? 'est absent' : `vaut « ${enveloppe.typFic} »`;
    errors.push(error(PesErrorCode.TypFicInvalid, `TypFic ${found} ; attendu : ${typFics.join(' ou ')}`, FIELD_PATHS.typFic, at('typFic')));
  }
  const nomFic = enveloppe.nomFic ?? '';
  if (nomFic.trim().length === 0) {
    errors.push(error(PesErrorCode.NomFicMissing, 'la balise Enveloppe/Parametres/NomFic est absente ou vide', FIELD_PATHS.nomFic, at('nomFic')));
  } else if (nomFic.length > NOM_FIC_MAX_LENGTH) {
    errors.push(error(PesErrorCode.NomFicTooLong, `NomFic compte ${nomFic.length} caractères, au plus ${NOM_FIC_MAX_LENGTH}`, FIELD_PATHS.nomFic, at('nomFic')));
  }
  const idColl = enTete.idColl;
  if (idColl === undefined || !SIRET.test(idColl)) {
    const found = idColl === undefined ? 'est absent' : `« ${idColl} » n’est pas un SIRET de 14 chiffres`;
    errors.push(error(PesErrorCode.IdCollInvalid, `IdColl ${found}`, FIELD_PATHS.idColl, at('idColl')));
  } else if (!context.sirets.includes(idColl)) {
    errors.push(error(PesErrorCode.IdCollUnknown, `IdColl ${idColl} n’est pas un SIRET de la collectivité`, FIELD_PATHS.idColl, at('idColl')));
  }
  const codCol = enTete.codCol ?? '';
  if (codCol.length === 0 || codCol.length > COD_COL_MAX_LENGTH) {
    const found = codCol.length === 0 ? 'est absent ou vide' : `« ${codCol} » dépasse ${COD_COL_MAX_LENGTH} caractères`;
    errors.push(error(PesErrorCode.CodColInvalid, `CodCol ${found}`, FIELD_PATHS.codCol, at('codCol')));
  }
  const codBud = enTete.codBud;
  if (codBud !== undefined && (codBud.length === 0 || codBud.length > COD_BUD_MAX_LENGTH)) {
    const found = codBud.length === 0 ? 'est vide' : `« ${codBud} » dépasse ${COD_BUD_MAX_LENGTH} caractères`;
    errors.push(error(PesErrorCode.CodBudInvalid, `CodBud ${found}`, FIELD_PATHS.codBud, at('codBud')));
  }
  const idPost = enTete.idPost ?? '';
  if (idPost.length === 0 || idPost.length > ID_POST_MAX_LENGTH) {
    const found = idPost.length === 0 ? 'est absent ou vide' : `« ${idPost} » dépasse ${ID_POST_MAX_LENGTH} caractères`;
    errors.push(error(PesErrorCode.IdPostInvalid, `IdPost ${found}`, FIELD_PATHS.idPost, at('idPost')));
  } else if (!context.idPosts.includes(idPost)) {
    errors.push(error(PesErrorCode.IdPostUnknown, `le poste comptable ${idPost} n’est pas connu pour la collectivité`, FIELD_PATHS.idPost, at('idPost')));
  }
  return errors;
}

function checkTriplets(bordereau: PesBordereauSummary, grid: TripletGrid): PesError[] {
  const errors: PesError[] = [];
  const allowed = grid[bordereau.domain];
  const name = bordereau.idBord ?? bordereau.id ?? `ligne ${bordereau.line}`;
  for (const piece of bordereau.pieces) {
    const { typBord } = bordereau;
    const { typPce, natPce } = piece;
    const pieceName = piece.idPce ?? `ligne ${piece.line}`;
    const location: PesErrorLocation = {
      ...(bordereau.idBord === undefined ? {} : { bordereau: bordereau.idBord }),
      ...(piece.idPce === undefined ? {} : { piece: piece.idPce }),
      line: piece.line,
    };
    if (typBord === undefined || typPce === undefined || natPce === undefined) {
      const missing = [typBord === undefined ? 'TypBord' : '', typPce === undefined ? 'TypPce' : '', natPce === undefined ? 'NatPce' : ''].filter(Boolean).join(', ');
      errors.push(error(PesErrorCode.TripletNotAllowed, `bordereau ${name}, pièce ${pieceName} : ${missing} absent, le triplet est incomplet`, undefined, location));
    } else if (!allowed.has(tripletKey(typBord, typPce, natPce))) {
      errors.push(
        error(
          PesErrorCode.TripletNotAllowed,
          `bordereau ${name}, pièce ${pieceName} : le triplet TypBord ${typBord}, TypPce ${typPce}, NatPce ${natPce} n’est pas dans la grille des triplets ${DOMAIN_LABELS[bordereau.domain]}`,
          undefined,
          location,
        ),
      );
    }
  }
  return errors;
}

function checkPjs(summary: PesAllerSummary): PesError[] {
  const errors: PesError[] = [];
  const seen = new Map<string, number>();
  for (const pj of summary.pjs) {
    const idUnique = pj.idUnique ?? '';
    const location: PesErrorLocation = { ...(idUnique.length === 0 ? {} : { pj: idUnique }), line: pj.line };
    const name = idUnique.length === 0 ? `de la ligne ${pj.line}` : idUnique;
    if (idUnique.length === 0 || idUnique.length > ID_UNIQUE_MAX_LENGTH) {
      const found = idUnique.length === 0 ? 'est absent ou vide' : `compte ${idUnique.length} caractères, au plus ${ID_UNIQUE_MAX_LENGTH}`;
      errors.push(error(PesErrorCode.PjIdUniqueInvalid, `PJ ${name} : IdUnique ${found}`, 'PES_PJ/PJ/IdUnique', location));
    } else {
      const first = seen.get(idUnique);
      if (first === undefined) seen.set(idUnique, pj.line);
      else errors.push(error(PesErrorCode.PjIdUniqueDuplicate, `PJ ${idUnique} : IdUnique déjà porté par la PJ de la ligne ${first}`, 'PES_PJ/PJ/IdUnique', location));
    }
    if (!pj.contentOk) {
      errors.push(error(PesErrorCode.PjContentInvalid, `PJ ${name} : ${CONTENT_PROBLEMS[pj.contentProblem ?? 'unverified']}`, 'PES_PJ/PJ/Contenu/Fichier', location));
    }
  }
  return errors;
}

const CONTENT_PROBLEMS = {
  empty: 'le contenu (Contenu/Fichier) est absent ou vide',
  base64: 'le contenu n’est pas du base64 valide',
  gzip: 'le contenu, une fois décodé du base64, n’est pas un fichier gzip complet',
  markup: 'le contenu contient du balisage là où seul du base64 est attendu',
  too_large: 'le contenu, une fois décompressé, dépasse la taille maximale admise',
  unverified: 'le contenu n’a pas été vérifié',
} as const;

function error(code: PesErrorCode, message: string, field?: string, location?: PesErrorLocation): PesError {
  return { code, message, ...(field === undefined ? {} : { field }), ...(location === undefined ? {} : { location }) };
}
