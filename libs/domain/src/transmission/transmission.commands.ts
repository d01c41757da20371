import type { Command, Instant } from '../shared/message.types.js';
import type {
  Acknowledgment,
  ActeSubmission,
  Channel,
  CollectiviteReplyCode,
  ErrorDetail,
  FileRef,
  LetterCode,
  NackSource,
  OutboundMessageCode,
  PesOutcome,
  PesSubmission,
  ReplyReceiptCode,
} from './transmission.values.js';

/* Every command names its transmission and carries the time its sender observed the fact: deciding
   reads no clock. */
interface Request {
  readonly transmissionId: string;
  readonly at: Instant;
}

/** Hand over an acte. */
export type SubmitActe = Command<'SubmitActe', Request & { siren: string; acte: ActeSubmission }>;
/** Hand over a PES file. */
export type SubmitPes = Command<'SubmitPes', Request & { siren: string; pes: PesSubmission }>;
/** Record validation's verdict: no errors means valid. */
export type RecordValidation = Command<'RecordValidation', Request & { errors: readonly ErrorDetail[] }>;
/** Assign the State endpoint. */
export type Route = Command<'Route', Request & { endpointId: string; channel: Channel }>;
/** Record the file built for delivery, before the first attempt. */
export type RecordPackage = Command<'RecordPackage', Request & { fileName: string; sha256: string; size: number }>;
/** Record that the State's server took delivery attempt `attempt`. */
export type RecordSent = Command<'RecordSent', Request & { attempt: number; fileName: string; sha256: string }>;
/** Record that delivery waits until `until`, the start of the endpoint's next transmission window. */
export type DeferDelivery = Command<'DeferDelivery', Request & { until: Instant; reason: string }>;
/** Record a delivery attempt that did not get through. */
export type RecordDeliveryFailure = Command<
  'RecordDeliveryFailure',
  Request & { attempt: number; retryable: boolean; reason: string; nextAttemptAt?: Instant }
>;
/** Give delivery up once the retry budget is spent. */
export type GiveUp = Command<'GiveUp', Request & { reason: string }>;
/** Deliver a failed transmission again. */
export type Retry = Command<'Retry', Request & { requestedBy: string }>;
/** Record the State's acknowledgment. */
export type RecordAcknowledgment = Command<'RecordAcknowledgment', Request & { acknowledgment: Acknowledgment }>;
/** Record the State's refusal of the whole transmission. */
export type RecordNack = Command<
  'RecordNack',
  Request & { source: NackSource; reasonCode: string; detail: string; outcomes?: readonly PesOutcome[] }
>;
/** Record a PES acquittal that accepts some elements and refuses others. */
export type RecordPartialAcceptance = Command<'RecordPartialAcceptance', Request & { outcomes: readonly PesOutcome[] }>;
/** Ask to cancel an acknowledged acte. */
export type RequestCancellation = Command<'RequestCancellation', Request & { requestedBy: string }>;
/** Record the préfecture's 6-2 ARAnnulation. */
export type RecordCancellation = Command<'RecordCancellation', Request & { idActe: string }>;

/** Record a letter of the préfecture (2-1, 3-1, 4-1, 5-1) read from the mailbox. */
export type RecordLetter = Command<
  'RecordLetter',
  Request & {
    code: LetterCode;
    messageId: string;
    dateCourrierPref: string;
    text: string;
    documents: readonly FileRef[];
  }
>;
/** Answer exchange `exchange`'s letter (the collectivité, through the API). */
export type RequestReply = Command<
  'RequestReply',
  Request & { exchange: number; code: CollectiviteReplyCode; requestedBy: string; documents: readonly FileRef[] }
>;
/** Record that the préfecture's server took a reply or a 6-1. */
export type RecordMessageSent = Command<
  'RecordMessageSent',
  Request & { code: OutboundMessageCode; exchange?: number; fileName: string; sha256: string }
>;
/** Record the préfecture's 3-5 / 4-5 receipt of the collectivité's answer. */
export type RecordReplyAcknowledgment = Command<
  'RecordReplyAcknowledgment',
  Request & { exchange: number; code: ReplyReceiptCode; messageId: string; dateReception: string }
>;

/** Shred the transmission's personal data (an administrator, or the retention schedule). */
export type ShredPersonalData = Command<'ShredPersonalData', Request & { reason: string; requestedBy: string }>;

/** Everything that can be asked of a transmission. */
export type TransmissionCommand =
  | SubmitActe
  | SubmitPes
  | RecordValidation
  | Route
  | RecordPackage
  | RecordSent
  | DeferDelivery
  | RecordDeliveryFailure
  | GiveUp
  | Retry
  | RecordAcknowledgment
  | RecordNack
  | RecordPartialAcceptance
  | RequestCancellation
  | RecordCancellation
  | RecordLetter
  | RequestReply
  | RecordMessageSent
  | RecordReplyAcknowledgment
  | ShredPersonalData;
