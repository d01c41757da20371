/**
 * The letters of the préfecture about an acte it acknowledged, the collectivité's answers and the
 * préfecture's acknowledgements of them (DOMAIN.md §1.3): transactions 2 (courrier simple), 3 (demande
 * de pièces complémentaires), 4 (lettre d'observations) and 5 (déféré au tribunal administratif).
 */

/** The letters the préfecture sends on its own. */
export const COURRIER_CODES = ['2-1', '3-1', '4-1', '5-1'] as const;
export type CourrierCode = (typeof COURRIER_CODES)[number];

/** The root element of each letter. */
export const COURRIER_KIND = {
  '2-1': 'CourrierSimple',
  '3-1': 'DemandePieceComplementaire',
  '4-1': 'LettreObservations',
  '5-1': 'DefereTA',
} as const satisfies Record<CourrierCode, string>;
export type CourrierKind = (typeof COURRIER_KIND)[CourrierCode];

/** Whether `value` is the code of a letter the préfecture sends. */
export function isCourrierCode(value: unknown): value is CourrierCode {
  return typeof value === 'string' && (COURRIER_CODES as readonly string[]).includes(value);
}

/** What the collectivité may answer to a letter. */
export const REPONSE_CODES = ['2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4'] as const;
export type ReponseCode = (typeof REPONSE_CODES)[number];

/** The préfecture's acknowledgements of an answer: 3-5 for 3-3/3-4, 4-5 for 4-3/4-4. */
export type AccuseCode = '3-5' | '4-5';
export const ACCUSE_KIND = { '3-5': 'ARPieceComplementaire', '4-5': 'ARReponseRejetLettreObservations' } as const satisfies Record<
  AccuseCode,
  string
>;
export type AccuseKind = (typeof ACCUSE_KIND)[AccuseCode];

/** How an answer names its documents: none (the ARs), one `Document`, or `Documents/Document+`. */
export type ReponseDocuments = 'none' | 'document' | 'documents';

/** What each answer is. */
export interface ReponseRule {
  /** Its root element. */
  readonly root: string;
  /** The letter it answers: 2-x ↔ 2-1, 3-x ↔ 3-1, 4-x ↔ 4-1. */
  readonly answers: CourrierCode;
  readonly documents: ReponseDocuments;
  /** How the préfecture acknowledges it; the ARs and the reply to a courrier simple get nothing. */
  readonly accuse?: AccuseCode;
}

export const REPONSE: Readonly<Record<ReponseCode, ReponseRule>> = {
  '2-2': { root: 'ReponseCourrierSimple', answers: '2-1', documents: 'document' },
  '3-2': { root: 'ARDemandePieceComplementaire', answers: '3-1', documents: 'none' },
  '3-3': { root: 'RefusPieceComplementaire', answers: '3-1', documents: 'document', accuse: '3-5' },
  '3-4': { root: 'PieceComplementaire', answers: '3-1', documents: 'documents', accuse: '3-5' },
  '4-2': { root: 'ARLettreObservations', answers: '4-1', documents: 'none' },
  '4-3': { root: 'RejetLettreObservations', answers: '4-1', documents: 'document', accuse: '4-5' },
  '4-4': { root: 'ReponseLettreObservations', answers: '4-1', documents: 'document', accuse: '4-5' },
};

/** Whether `value` is the code of an answer of the collectivité to a letter. */
export function isReponseCode(value: string): value is ReponseCode {
  return (REPONSE_CODES as readonly string[]).includes(value);
}
