import type { DomaineAck } from './acquit.values.js';

/** One `Erreur` of an acquittal: a `NumAnoAck` code (normally of `NUM_ANO_ACK_CODES`) and its label. */
export interface PesAckError {
  /** `NumAnoAck`; kept as written even when outside the closed list (a newer schema may add codes). */
  readonly code?: string;
  /** `LibelleAnoAck` (≤ 500 characters). */
  readonly label?: string;
}

/** One `DetailLigne` of a refused pièce. */
export interface PesAckLine {
  readonly numLigne: string;
  readonly errors: readonly PesAckError[];
}

/** One `DetailPiece` of an `ElementACQUIT`. */
export interface PesAckPiece {
  readonly numPiece: string;
  readonly errors: readonly PesAckError[];
  readonly lignes: readonly PesAckLine[];
}

/** The bordereau an `ElementACQUIT` is about. */
export interface PesAckBordereau {
  readonly numBord: string;
  readonly exercice: string;
}

/** One `ElementACQUIT`: the DGFiP's verdict on one bordereau (`NumBord` + `ExerciceBord`) or one PJ (`IdUnique`). */
export interface PesAcquitElement {
  readonly domaineAck: DomaineAck;
  /** `EtatAck`: true for accepted (1), false for rejected (0). */
  readonly etatAck: boolean;
  readonly bordereau?: PesAckBordereau;
  readonly idUnique?: string;
  readonly errors: readonly PesAckError[];
  readonly pieces: readonly PesAckPiece[];
}

/** The `EnTetePES` of a file from the DGFiP: the PES_Aller's identifiers, sent back. */
export interface PesAckEnTete {
  readonly dteStr?: string;
  readonly idPost: string;
  readonly idColl: string;
  readonly codCol: string;
  readonly codBud?: string;
  readonly libelleColBud?: string;
}

/** A PES_ACQUIT (DOMAIN.md §2.4): matched to its PES_Aller by `nomFic` (+ `codCol`). */
export interface PesAcquit {
  /** `Enveloppe/Parametres/NomFic`: the PES_Aller's NomFic. */
  readonly nomFic: string;
  readonly typFic?: string;
  readonly version?: string;
  readonly enTete: PesAckEnTete;
  /** Whether the file has an `ACQUIT` block; S²LOW reads a PES_Acquit without one as « acquittement reçu ». */
  readonly hasAcquitBlock: boolean;
  readonly elements: readonly PesAcquitElement[];
}

/**
 * A PES_NonAcquit: the DGFiP refusing a file as a whole. Its schema is not in DOMAIN.md's sources (S²LOW
 * reads only its `NomFic` and `CodCol`), so this shape is minimal: the NomFic, the header when present,
 * and every `NumAnoAck`/`LibelleAnoAck` pair found anywhere in the file.
 */
export interface PesNonAcquit {
  readonly nomFic: string;
  readonly enTete: Partial<PesAckEnTete>;
  readonly errors: readonly PesAckError[];
}

/** A file the DGFiP sends back about a PES_Aller, by its root element. */
export type PesAckFile = { readonly type: 'PES_ACQUIT'; readonly acquit: PesAcquit } | { readonly type: 'PES_NonAcquit'; readonly nonAcquit: PesNonAcquit };

/** What an acquittal says of the file as a whole (the public API's statuses). */
export type AcquitOutcome = 'acknowledged' | 'partially_accepted' | 'nacked';
