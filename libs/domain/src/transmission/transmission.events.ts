import type { Event, Instant } from '../shared/message.types.js';
import type {
  Acknowledgment,
  Channel,
  ErrorDetail,
  FileRef,
  LetterCode,
  NackSource,
  OutboundMessageCode,
  PersonalField,
  PesOutcome,
  ReplyCode,
  ReplyReceiptCode,
  Submission,
} from './transmission.values.js';

/* Every event names its transmission and says when the fact happened. */
interface Fact {
  readonly transmissionId: string;
  readonly at: Instant;
}

/** A collectivité handed over an acte or a PES file. */
export type TransmissionReceived = Event<'TransmissionReceived', Fact & { siren: string; submission: Submission }>;
/** Validation found nothing to refuse. */
export type TransmissionValidated = Event<'TransmissionValidated', Fact>;
/** Validation refused the submission, for every reason listed. */
export type TransmissionRejected = Event<'TransmissionRejected', Fact & { errors: readonly ErrorDetail[] }>;
/** The State endpoint was chosen. */
export type TransmissionRouted = Event<'TransmissionRouted', Fact & { endpointId: string; channel: Channel }>;
/** The file to deliver was built and stored before any attempt; every attempt sends these bytes. */
export type TransmissionPackaged = Event<
  'TransmissionPackaged',
  Fact & { fileName: string; sha256: string; size: number }
>;
/** The State's server took delivery attempt `attempt`. */
export type TransmissionSent = Event<
  'TransmissionSent',
  Fact & { attempt: number; fileName: string; sha256: string }
>;
/** Delivery waits until `until` for the endpoint's next transmission window; no attempt is made. */
export type TransmissionDeliveryDeferred = Event<'TransmissionDeliveryDeferred', Fact & { until: Instant; reason: string }>;
/** Delivery attempt `attempt` did not get through. */
export type TransmissionDeliveryAttemptFailed = Event<
  'TransmissionDeliveryAttemptFailed',
  Fact & { attempt: number; retryable: boolean; reason: string; nextAttemptAt?: Instant }
>;
/**
 * Delivery was given up; `attempts` is the number of the last attempt, `code` the stable code of why
 * (`CHANNEL.SERVER_PIN_MISMATCH`, `DELIVERY.FAILED`…). Stored as relais.transmission.v2 (v1, without
 * `code`, is upcast when read: docs/event-versioning.md).
 */
export type TransmissionFailed = Event<'TransmissionFailed', Fact & { attempts: number; code: string; reason: string }>;
/** An operator asked for a failed transmission to be delivered again. */
export type TransmissionRetryRequested = Event<'TransmissionRetryRequested', Fact & { requestedBy: string }>;
/** The State acknowledged the transmission. */
export type TransmissionAcknowledged = Event<'TransmissionAcknowledged', Fact & { acknowledgment: Acknowledgment }>;
/** The State refused the transmission as a whole. */
export type TransmissionNacked = Event<
  'TransmissionNacked',
  Fact & { source: NackSource; reasonCode: string; detail: string; outcomes?: readonly PesOutcome[] }
>;
/** The DGFiP took some elements of a PES file and refused others. */
export type TransmissionPartiallyAccepted = Event<
  'TransmissionPartiallyAccepted',
  Fact & { outcomes: readonly PesOutcome[] }
>;
/** The collectivité asked to cancel an acknowledged acte. */
export type TransmissionCancellationRequested = Event<
  'TransmissionCancellationRequested',
  Fact & { requestedBy: string; idActe: string }
>;
/** The préfecture acknowledged the annulation (6-2). */
export type TransmissionCancelled = Event<'TransmissionCancelled', Fact & { idActe: string }>;

/** A letter of the préfecture about the acknowledged acte opened exchange `exchange` (from 1). */
export type TransmissionLetterReceived = Event<
  'TransmissionLetterReceived',
  Fact & {
    exchange: number;
    code: LetterCode;
    /** The préfecture's message (its envelope's name): read twice, recorded once. */
    messageId: string;
    /** `YYYY-MM-DD`: DateCourrierPref, or the DateDepot of a 5-1. */
    dateCourrierPref: string;
    /** DescriptionPieces (3-1), Motif (4-1), NatureIllegalite (5-1); empty for 2-1. */
    text: string;
    documents: readonly FileRef[];
  }
>;
/** An answer to exchange `exchange` is to be sent: the collectivité's, or the automatic 3-2/4-2 receipt. */
export type TransmissionReplyRequested = Event<
  'TransmissionReplyRequested',
  Fact & { exchange: number; code: ReplyCode; requestedBy: string; documents: readonly FileRef[] }
>;
/** The préfecture's server took a reply (of exchange `exchange`) or the 6-1 (no exchange). */
export type TransmissionMessageSent = Event<
  'TransmissionMessageSent',
  Fact & { code: OutboundMessageCode; exchange?: number; fileName: string; sha256: string }
>;
/** The préfecture acknowledged the collectivité's answer to exchange `exchange` (3-5, 4-5). */
export type TransmissionReplyAcknowledged = Event<
  'TransmissionReplyAcknowledged',
  Fact & { exchange: number; code: ReplyReceiptCode; messageId: string; dateReception: string }
>;

/**
 * The transmission's personal data were shredded: the key that sealed its `fields` is (about to be)
 * destroyed, so their sealed values read as nothing from now on. The status does not change.
 */
export type PersonalDataShredded = Event<
  'PersonalDataShredded',
  Fact & { fields: readonly PersonalField[]; reason: string; requestedBy: string }
>;

/** Every fact of a transmission's life. */
export type TransmissionEvent =
  | TransmissionReceived
  | TransmissionValidated
  | TransmissionRejected
  | TransmissionRouted
  | TransmissionPackaged
  | TransmissionSent
  | TransmissionDeliveryDeferred
  | TransmissionDeliveryAttemptFailed
  | TransmissionFailed
  | TransmissionRetryRequested
  | TransmissionAcknowledged
  | TransmissionNacked
  | TransmissionPartiallyAccepted
  | TransmissionCancellationRequested
  | TransmissionCancelled
  | TransmissionLetterReceived
  | TransmissionReplyRequested
  | TransmissionMessageSent
  | TransmissionReplyAcknowledged
  | PersonalDataShredded;
