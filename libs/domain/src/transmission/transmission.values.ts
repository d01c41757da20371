/** Where a transmission stands, exactly as the public API names it. */
export type TransmissionStatus =
  | 'received'
  | 'validated'
  | 'routed'
  | 'sent'
  | 'acknowledged'
  | 'rejected'
  | 'nacked'
  | 'partially_accepted'
  | 'failed'
  | 'cancelled';

/** What a transmission carries: an acte for the préfecture or a PES file for the DGFiP. */
export type TransmissionKind = 'acte' | 'pes';

/** A file by its content address; the bytes themselves never enter the domain. */
export interface FileRef {
  /** Lower-case hexadecimal SHA-256. */
  readonly sha256: string;
  /** Size in bytes. */
  readonly size: number;
  readonly name: string;
  readonly mediaType: string;
}

/** The @ctes nature of an acte (CodeNatureActe 1..6). */
export type ActeNature = 'DE' | 'AR' | 'AI' | 'CC' | 'BF' | 'AU';

/** An annexe of an acte and its piece type, when the collectivité gave one. */
export interface Annexe {
  readonly file: FileRef;
  readonly typePJ?: string;
}

/** An acte as the collectivité submitted it (API.md `metadata`, plus the files' descriptions). */
export interface ActeSubmission {
  readonly kind: 'acte';
  readonly numeroInterne: string;
  /** A calendar date, `YYYY-MM-DD`. */
  readonly dateDecision: string;
  readonly nature: ActeNature;
  /** Matière codes joined by dots (`7.1`). */
  readonly classification: string;
  readonly objet: string;
  readonly documentPapier: boolean;
  readonly typePJ?: string;
  readonly document: FileRef;
  readonly annexes: readonly Annexe[];
}

/** A PES_Aller file with the header identifiers that route it and match its acquittal. */
export interface PesSubmission {
  readonly kind: 'pes';
  readonly nomFic: string;
  readonly codCol: string;
  readonly codBud?: string;
  readonly idPost: string;
  /** SIRET of the budget. */
  readonly idColl: string;
  readonly file: FileRef;
}

/** What was handed over; `kind` is the transmission's kind. */
export type Submission = ActeSubmission | PesSubmission;

/** One problem, in the API's `{code, message, field?}` shape. */
export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** The State system an endpoint belongs to: @ctes for actes, Hélios for PES files. */
export type Channel = 'actes' | 'helios';

/** The channel that carries each kind of transmission. */
export const channelOf: Readonly<Record<TransmissionKind, Channel>> = { acte: 'actes', pes: 'helios' };

/** What the State sent when it refused a transmission as a whole. */
export type NackSource = 'acte_anomaly' | 'envelope_anomaly' | 'pes_nack';

/** The kinds of transmission each refusal can concern. */
export const nackSourceKinds: Readonly<Record<NackSource, readonly TransmissionKind[]>> = {
  acte_anomaly: ['acte'],
  envelope_anomaly: ['acte'],
  pes_nack: ['pes'],
};

/** The element of a PES file a DGFiP verdict is about. */
export type PesElement =
  | { readonly kind: 'bordereau'; readonly exercice: number; readonly numBord: string }
  | { readonly kind: 'pj'; readonly idUnique: string };

/** The DGFiP's verdict on one bordereau or pièce justificative. */
export interface PesOutcome {
  readonly element: PesElement;
  readonly accepted: boolean;
  readonly errors: readonly ErrorDetail[];
}

/** The préfecture's 1-2 ARActe. */
export interface ActeAcknowledgment {
  readonly kind: 'acte';
  /** `DPT-SIREN-YYYYMMDD-NUMERO-NAT`; an annulation needs it. */
  readonly idActe: string;
  /** A calendar date, `YYYY-MM-DD`. */
  readonly dateReception: string;
}

/** The DGFiP's PES_Acquit accepting the file; `outcomes` empty when it had no ACQUIT block. */
export interface PesAcknowledgment {
  readonly kind: 'pes';
  readonly outcomes: readonly PesOutcome[];
}

/** The State's acknowledgment; `kind` matches the transmission's. */
export type Acknowledgment = ActeAcknowledgment | PesAcknowledgment;
