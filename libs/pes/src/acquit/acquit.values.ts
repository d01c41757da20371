/** The namespace of `PES_ACQUIT` (PES_V2_Acquit_Autonome_V2.xsd), the one the DGFiP's acquittals use. */
export const PES_ACQUIT_NAMESPACE = 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour/v2';
/** The namespace of the older, flat acquittal schema (PES_V2_Acquit_Autonome.xsd); not read here. */
export const PES_RETOUR_NAMESPACE = 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/retour';

/**
 * The closed list of `NumAnoAck` anomaly codes (`CommunAck.xsd`, DOMAIN.md §2.4), in the schema's order
 * (which lists ERREUR_SIGNATURE_BORDEREAU_INVALIDE twice; it is here once).
 */
export const NUM_ANO_ACK_CODES = [
  'ERREUR_CONNECTION_IMPOSSIBLE_A_LA_BASE',
  'ERREUR_ENCODING',
  'ERREUR_FLUX_VIDE',
  'ERREUR_SCHEMA_INCOMPLET',
  'ERREUR_CODIFICATION',
  'ERREUR_CODIQUE',
  'ERREUR_SIRET',
  'ERREUR_CODE_COLLECTIVITE_BUDGET',
  'ERREUR_VERSION_PES',
  'ERREUR_VERSION_PJ',
  'ERREUR_SIGNATURE_INVALIDE',
  'ERREUR_SIGNATURE_ILLISIBLE',
  'ERREUR_SIGNATURE_INCOMPLETE',
  'ERREUR_DOUBLON_BORDEREAU',
  'ERREUR_DOUBLON_PIECE',
  'ERREUR_DOUBLON_LIGNE',
  'ERREUR_DOUBLON_PJ',
  'ERREUR_PES_PARAM',
  'ERREUR_PES_SIGNATURE',
  'ERREUR_PES_PARAM_SIGNATURE',
  'ERREUR_CERTIFICAT',
  'ERREUR_TIMEOUT',
  'ERREUR_TAILLE_BORDEREAUX',
  'ERREUR_TAILLE_PIECE',
  'ERREUR_TAILLE_LIGNE',
  'ERREUR_PJ_SIGNEE',
  'ERREUR_SIGNATURE_EXTERNE',
  'ERREUR_AUTRE',
  'ERREUR_SIGNATURE_BORDEREAU_INVALIDE',
  'ERREUR_MONTANT_TVA_ZERO_NEGATIF',
  'ERREUR_PJ',
  'ERREUR_CUMUL_MONTANTS',
  'ERREUR_SIGNATURE_BORDEREAU_ILLISIBLE',
  'ERREUR_SIGNATURE_BORDEREAU_INCOMPLETE',
] as const;

/** One of the `NumAnoAck` codes. */
export type NumAnoAck = (typeof NUM_ANO_ACK_CODES)[number];

const NUM_ANO_ACK_SET: ReadonlySet<string> = new Set(NUM_ANO_ACK_CODES);

/** Whether `code` is in the closed `NumAnoAck` list. */
export function isNumAnoAck(code: string): code is NumAnoAck {
  return NUM_ANO_ACK_SET.has(code);
}

/** The `DomaineAck` values the schema allows (`TDomaineAck`). */
export const DOMAINE_ACK_VALUES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '99'] as const;

/** One of the `DomaineAck` values. */
export type DomaineAck = (typeof DOMAINE_ACK_VALUES)[number];

/**
 * What the `DomaineAck` values stand for, as Pastell's viewer labels them (DOMAIN.md §2.4, medium
 * confidence); 8–12 and 99 are unconfirmed and have no label.
 */
export const DOMAINE_ACK_LABELS: Readonly<Partial<Record<DomaineAck, string>>> = {
  '0': 'technique',
  '1': 'technique',
  '2': 'technique',
  '3': 'validité du certificat',
  '4': 'pièce justificative',
  '5': 'dépense',
  '6': 'recette',
  '7': 'budget',
};

const DOMAINE_ACK_SET: ReadonlySet<string> = new Set(DOMAINE_ACK_VALUES);

/** Whether `value` is a `DomaineAck` the schema allows. */
export function isDomaineAck(value: string): value is DomaineAck {
  return DOMAINE_ACK_SET.has(value);
}
