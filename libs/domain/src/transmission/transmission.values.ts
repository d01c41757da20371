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
  /** The detached signature (CMS / PKCS#7) sent with the file, if any. */
  readonly signature?: FileRef;
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
  /** The ClassificationDateVersion an imported archive declared (`YYYY-MM-DD`); absent for a form submission. */
  readonly classificationDateVersion?: string;
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

/**
 * The letters a préfecture sends about an acknowledged acte, each opening an exchange (DOMAIN.md §1.3):
 * 2-1 courrier simple, 3-1 demande de pièces complémentaires, 4-1 lettre d'observations, 5-1 déféré.
 */
export type LetterCode = '2-1' | '3-1' | '4-1' | '5-1';
/** The collectivité's answers to a letter, through the API. */
export type CollectiviteReplyCode = '2-2' | '3-3' | '3-4' | '4-3' | '4-4';
/** The receipts the platform sends on its own as soon as a 3-1 or a 4-1 arrives. */
export type AutomaticReceiptCode = '3-2' | '4-2';
/** Every answer to a letter the platform sends. */
export type ReplyCode = CollectiviteReplyCode | AutomaticReceiptCode;
/** Every message the platform sends about an acte after the acte itself. */
export type OutboundMessageCode = ReplyCode | '6-1';
/** The préfecture's receipts of the collectivité's answer: 3-5 (after 3-3/3-4), 4-5 (after 4-3/4-4). */
export type ReplyReceiptCode = '3-5' | '4-5';

/** The letters, and what may answer each: the collectivité's replies, the automatic receipt, the préfecture's receipt of the reply. */
export const letterRules: Readonly<
  Record<
    LetterCode,
    {
      readonly replies: readonly CollectiviteReplyCode[];
      readonly receipt?: AutomaticReceiptCode;
      readonly replyReceipt?: ReplyReceiptCode;
    }
  >
> = {
  '2-1': { replies: ['2-2'] },
  '3-1': { replies: ['3-3', '3-4'], receipt: '3-2', replyReceipt: '3-5' },
  '4-1': { replies: ['4-3', '4-4'], receipt: '4-2', replyReceipt: '4-5' },
  '5-1': { replies: [] },
};

/** How many documents each reply carries: none for a receipt, one, or one and more (3-4). */
export const replyDocuments: Readonly<Record<ReplyCode, { readonly min: number; readonly max: number }>> = {
  '2-2': { min: 1, max: 1 },
  '3-2': { min: 0, max: 0 },
  '3-3': { min: 1, max: 1 },
  '3-4': { min: 1, max: Number.POSITIVE_INFINITY },
  '4-2': { min: 0, max: 0 },
  '4-3': { min: 1, max: 1 },
  '4-4': { min: 1, max: 1 },
};

export const letterCodes: readonly LetterCode[] = ['2-1', '3-1', '4-1', '5-1'];
export const replyCodes: readonly ReplyCode[] = ['2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4'];
export const collectiviteReplyCodes: readonly CollectiviteReplyCode[] = ['2-2', '3-3', '3-4', '4-3', '4-4'];
export const outboundMessageCodes: readonly OutboundMessageCode[] = [...replyCodes, '6-1'];
export const replyReceiptCodes: readonly ReplyReceiptCode[] = ['3-5', '4-5'];

/** The requester of the automatic receipts (and of the retention schedule's shredding). */
export const PLATFORM_ACTOR = 'relais';

/**
 * The fields of a transmission's history that can name people, by the name their seal is bound to:
 * an acte's objet (the objet of an arrêté individuel names its person) and the free text of the
 * préfecture's letters. They are stored sealed with the transmission's own key (docs/personal-data.md),
 * and shredding that key erases them.
 */
export const PersonalField = {
  /** `ActeSubmission.objet` of TransmissionReceived. */
  Objet: 'submission.objet',
  /** `text` of every TransmissionLetterReceived. */
  LetterText: 'letters.text',
} as const;

/** One of the personal fields. */
export type PersonalField = (typeof PersonalField)[keyof typeof PersonalField];

export const personalFields: readonly PersonalField[] = [PersonalField.Objet, PersonalField.LetterText];

/** The code of a delivery given up for no coded reason. */
export const DELIVERY_FAILED = 'DELIVERY.FAILED';

/**
 * The stable code at the head of a delivery failure's reason (`CHANNEL.SERVER_PIN_MISMATCH: …`), else
 * DELIVERY.FAILED: what TransmissionFailed records as its `code` (v2), and what the upcaster of a v1
 * TransmissionFailed, which had only the reason, derives.
 */
export function failureCodeOf(reason: string): string {
  return /^([A-Z][A-Z0-9_]*\.[A-Z0-9_]+)\b/.exec(reason)?.[1] ?? DELIVERY_FAILED;
}
